"""What to do next, at the top of the case page: open tasks and appointments,
the plan's progress and review, referrals waiting for an answer — each
linked only where the reader may open it, in a bounded number of queries;
and the person's pages linking straight to their open case."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pua.cases import case_services
from pua.cases.models import ActionStatus, CaseStatus, ClosureReason, PlanStatus, ReferralDirection, ReferralStatus
from pua.cases.tests.factories import (
    CaseFactory,
    ConsentFactory,
    PersonFactory,
    PlanActionFactory,
    PlanFactory,
    PlanGoalFactory,
    ReferralFactory,
    TaskFactory,
)


def _case(world, **fields):
    return CaseFactory(person=PersonFactory(access_point=world.ap_a), **fields)


def _page(client, case):
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response


def _task(case, *, days, assignee, **fields):
    return TaskFactory(access_point=case.access_point, case=case, assignee=assignee,
                       due_at=timezone.now() + datetime.timedelta(days=days), **fields)


def _referral(world, case, *, days_ago, **fields):
    fields.setdefault("organisation", world.org_a)
    return ReferralFactory(person=case.person, case=case, sent_at=timezone.now() - datetime.timedelta(days=days_ago),
                           **fields)


def _section(html, name):
    """The HTML of one column of the panel."""
    start = html.index(f'id="case-todo-{name}"')
    return html[start:html.index("</div>", start)]


# --- tasks and appointments -----------------------------------------------------------------------

def test_it_lists_open_tasks_soonest_first_and_says_which_are_overdue(world, login):
    case = _case(world)
    worker = world.users["social_expert"]
    later = _task(case, days=5, assignee=worker, title="Preparare il curriculum")
    overdue = _task(case, days=-2, assignee=worker, title="Richiamare il datore di lavoro")
    appointment = _task(case, days=1, assignee=worker, title="Colloquio in Questura", kind="appointment")
    _task(case, days=-1, assignee=worker, title="Fatto ieri", done_at=timezone.now())
    _task(_case(world), days=0, assignee=worker, title="Di un altro caso")

    response = _page(login(world.users["director"]), case)

    assert response.context["todo"].tasks == [overdue, appointment, later]
    html = _section(response.content.decode(), "tasks")
    assert html.index("Richiamare il datore") < html.index("Colloquio in Questura") < html.index("Preparare il")
    assert "Fatto ieri" not in html and "Di un altro caso" not in html
    # Overdue is said in words, on the overdue task only.
    assert html.count("Overdue") == 1
    assert html.index("Overdue") < html.index("Colloquio in Questura")
    assert "Appointment" in html and f'href="{reverse("cases:task_detail", args=[appointment.pk])}"' in html


def test_it_links_a_task_only_for_readers_who_may_open_it(world, login):
    case = _case(world)
    outreach = world.users["outreach_operator"]
    own = _task(case, days=1, assignee=outreach, title="Accompagnare allo sportello")
    other = _task(case, days=2, assignee=world.users["social_expert"], title="Telefonare al SerD")
    own_url, other_url = (reverse("cases:task_detail", args=[t.pk]) for t in (own, other))

    html = _page(login(outreach), case).content.decode()

    # Outreach operators read the access point's tasks: both are linked, and both open.
    assert f'href="{own_url}"' in html and f'href="{other_url}"' in html
    assert login(outreach).get(other_url).status_code == 200
    html = _page(login(world.users["director"]), case).content.decode()
    assert f'href="{own_url}"' in html and f'href="{other_url}"' in html
    # A task of another access point's operator, assigned on this case, is not linked for this reader.
    foreign = _task(case, days=3, assignee=world.other_worker, title="Verifica del distretto B")
    foreign.access_point = world.ap_b
    foreign.save(update_fields=["access_point"])
    html = _page(login(outreach), case).content.decode()
    foreign_url = reverse("cases:task_detail", args=[foreign.pk])
    assert "Verifica del distretto B" in html and f'href="{foreign_url}"' not in html
    assert login(outreach).get(foreign_url).status_code == 404


# --- the plan -------------------------------------------------------------------------------------

def test_it_shows_the_plan_progress_and_an_overdue_review(world, login):
    case = _case(world, status=CaseStatus.PLAN_ACTIVE)
    plan = PlanFactory(case=case, status=PlanStatus.AGREED,
                       next_review_due=timezone.localdate() - datetime.timedelta(days=3))
    goal = PlanGoalFactory(plan=plan)
    for status in (ActionStatus.DONE, ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED):
        PlanActionFactory(goal=goal, status=status)
    PlanActionFactory(goal=goal, status=ActionStatus.PLANNED,
                      planned_end=timezone.localdate() - datetime.timedelta(days=1))

    response = _page(login(world.users["labour_expert"]), case)

    progress = response.context["todo"].plan
    assert (progress.done, progress.total, progress.overdue_actions, progress.review_overdue) == (2, 4, 1, True)
    html = _section(response.content.decode(), "plan")
    assert "Actions done: 2 of 4" in html
    assert "1 action past its planned end" in html and "Review overdue" in html
    assert f'href="{reverse("cases:plan_detail", args=[case.pk])}"' in html


def test_it_does_not_call_a_review_overdue_before_its_date(world, login):
    case = _case(world, status=CaseStatus.PLAN_ACTIVE)
    PlanFactory(case=case, next_review_due=timezone.localdate() + datetime.timedelta(days=10))

    response = _page(login(world.users["director"]), case)

    html = _section(response.content.decode(), "plan")
    assert "Next review due on" in html and "Review overdue" not in html and "Overdue" not in html
    assert "Actions done: 0 of 0" in html


def test_it_says_when_there_is_nothing_to_do(world, login):
    case = _case(world)

    response = _page(login(world.users["director"]), case)

    assert not response.context["todo"]
    html = response.content.decode()
    assert "What to do next" in html
    assert "No open task." in html and "No plan yet." in html and "No referral waiting." in html


# --- referrals ------------------------------------------------------------------------------------

def test_it_lists_the_referrals_waiting_for_an_answer_longest_waiting_first(world, login):
    case = _case(world)
    recent = _referral(world, case, days_ago=1, organisation=world.partner_org)
    old = _referral(world, case, days_ago=12, direction=ReferralDirection.INBOUND)
    _referral(world, case, days_ago=20, status=ReferralStatus.ACCEPTED)
    _referral(world, _case(world), days_ago=3)

    response = _page(login(world.users["social_expert"]), case)

    assert response.context["todo"].referrals == [old, recent]
    html = _section(response.content.decode(), "referrals")
    assert "waiting for 12 days" in html and "waiting for 1 day" in html
    assert html.index("waiting for 12 days") < html.index("waiting for 1 day")
    assert "received: to answer" in html and "sent by the access point" in html
    assert world.partner_org.name in html
    for referral in (old, recent):
        assert f'href="{reverse("cases:referral_detail", args=[referral.pk])}"' in html


def test_it_shows_no_panel_to_a_partner(world, login):
    case = _case(world)
    ReferralFactory(person=case.person, case=case, organisation=world.partner_org)
    ConsentFactory(person=case.person, organisation=world.partner_org)
    _task(case, days=-1, assignee=world.users["social_expert"], title="Verificare i documenti")

    response = _page(login(world.users["partner_operator"]), case)

    html = response.content.decode()
    assert "todo" not in response.context
    assert "What to do next" not in html and "Verificare i documenti" not in html


# --- bounded queries ------------------------------------------------------------------------------

def _fill(world, case, n):
    goal = PlanGoalFactory(plan=case.plan)
    for i in range(n):
        _task(case, days=i - 3, assignee=world.users["social_expert"], title=f"Compito {i}")
        _referral(world, case, days_ago=i)
        PlanActionFactory(goal=goal, status=ActionStatus.DONE if i % 2 else ActionStatus.PLANNED)


def test_it_shows_the_panel_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    case = _case(world, status=CaseStatus.PLAN_ACTIVE)
    PlanFactory(case=case)
    client = login(world.users["director"])
    _fill(world, case, 11)  # one more than shown: the totals are counted
    with CaptureQueriesContext(connection) as few:
        _page(client, case)
    _fill(world, case, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = _page(client, case)
    todo = response.context["todo"]
    assert (len(todo.tasks), todo.tasks_total, len(todo.referrals), todo.referrals_total) == (10, 51, 10, 51)
    assert "The first 10 of 51 open tasks." in response.content.decode()


# --- the person's pages link to the open case ---------------------------------------------------------

def test_it_links_the_persons_pages_straight_to_their_open_case(world, login):
    person = PersonFactory(access_point=world.ap_a)
    director = world.users["director"]
    old = case_services.case_open(person=person, by=director)
    case_services.case_close(case=old, by=director, reason=ClosureReason.DROPPED_OUT)
    current = case_services.case_open(person=person, by=director)
    client = login(world.users["outreach_operator"])
    link = f'href="{reverse("cases:case_detail", args=[current.pk])}" id="open-case-link"'

    for url in (reverse("people:person_detail", args=[person.pk]), reverse("cases:person_journey", args=[person.pk])):
        html = client.get(url).content.decode()
        assert link in html and f"Go to case {current.number}" in html
        assert f"Go to case {old.number}" not in html


def test_it_offers_no_case_link_when_no_case_is_open(world, login):
    person = PersonFactory(access_point=world.ap_a)
    director = world.users["director"]
    case = case_services.case_open(person=person, by=director)
    case_services.case_close(case=case, by=director, reason=ClosureReason.DROPPED_OUT)
    client = login(director)

    for url in (reverse("people:person_detail", args=[person.pk]), reverse("cases:person_journey", args=[person.pk])):
        response = client.get(url)
        assert response.status_code == 200 and 'id="open-case-link"' not in response.content.decode()
