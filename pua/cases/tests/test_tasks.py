"""Tasks and appointments: create, edit, complete, reopen, and the iCalendar export."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from pua.cases.models import CaseEvent, CaseEventKind, CaseStatus, Task
from pua.cases.tests.factories import CaseFactory, PersonFactory, TaskFactory
from pua.core.models import AuditAction, AuditEntry


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def in_days(n, hour=10):
    return (timezone.localtime() + datetime.timedelta(days=n)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _data(assignee, **extra):
    data = {"kind": "appointment", "title": "Colloquio in Questura", "due_at": local(in_days(2)),
            "ends_at": local(in_days(2, hour=11)), "location": "Questura di Latina", "assignee": assignee.pk,
            "case_number": "", "description": ""}
    data.update(extra)
    return data


def test_it_creates_an_appointment_on_a_case(world, login):
    me = world.users["social_expert"]
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    client = login(me)

    assert client.get(reverse("cases:task_create") + f"?case={case.pk}&kind=appointment").status_code == 200
    response = client.post(reverse("cases:task_create") + f"?case={case.pk}", _data(me, case_number=case.number))

    task = Task.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:task_detail", args=[task.pk])
    assert (task.access_point, task.case, task.assignee, task.created_by) == (world.ap_a, case, me, me)
    assert task.ends_at - task.due_at == datetime.timedelta(hours=1)
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.TASK)
    assert event.data["action"] == "created" and "Questura" not in event.summary
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.task")
    assert "Questura" not in str(entry.changes)


def test_it_creates_a_task_without_a_case_for_a_colleague_at_my_access_point(world, login):
    client = login(world.users["director"])
    colleague = world.users["outreach_operator"]

    client.post(reverse("cases:task_create"), _data(colleague, kind="task", ends_at=""))

    task = Task.objects.get()
    assert (task.kind, task.assignee, task.case, task.access_point) == ("task", colleague, None, world.ap_a)
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"title": "  "}, "title"),
    ({"ends_at": local(in_days(1))}, "ends_at"),
    ({"case_number": "P-0000-000000/1"}, "case_number"),
    ({"due_at": "domani"}, "due_at"),
])
def test_it_refuses_invalid_tasks_with_a_clear_message(world, login, change, field):
    me = world.users["social_expert"]
    response = login(me).post(reverse("cases:task_create"), _data(me, **change))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Task.objects.exists()


def test_it_assigns_tasks_only_to_staff_of_the_access_point(world, login):
    response = login(world.users["social_expert"]).post(reverse("cases:task_create"),
                                                        _data(world.other_worker))

    assert "assignee" in response.context["form"].errors
    assert not Task.objects.exists()


def test_it_refuses_to_plan_work_on_a_closed_case(world, login):
    me = world.users["social_expert"]
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a), status=CaseStatus.CLOSED)

    response = login(me).post(reverse("cases:task_create"), _data(me, case_number=case.number))

    assert "case_number" in response.context["form"].errors
    assert not Task.objects.exists()


def test_it_asks_anonymous_visitors_to_sign_in(world, client):
    task = TaskFactory(access_point=world.ap_a)
    for url in (reverse("cases:task_list"), reverse("cases:task_create"), reverse("cases:my_calendar"),
                reverse("cases:task_detail", args=[task.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["board_viewer", "partner_operator", "regional_coordinator"])
def test_it_refuses_tasks_to_roles_outside_the_access_point_staff(world, login, role):
    client = login(world.users[role])
    task = TaskFactory(access_point=world.ap_a, assignee=world.users["director"])

    assert client.get(reverse("cases:task_list")).status_code == 403
    assert client.get(reverse("cases:task_create")).status_code == 403
    assert client.post(reverse("cases:task_create"), _data(world.users["director"])).status_code == 403
    assert client.get(reverse("cases:my_calendar")).status_code == 403
    assert client.get(reverse("cases:task_detail", args=[task.pk])).status_code == 404
    assert Task.objects.count() == 1


def test_it_hides_tasks_of_another_access_point(world, login):
    task = TaskFactory(access_point=world.ap_b, assignee=world.other_worker)
    client = login(world.users["director"])

    assert client.get(reverse("cases:task_detail", args=[task.pk])).status_code == 404
    assert client.get(reverse("cases:task_edit", args=[task.pk])).status_code == 404
    assert client.post(reverse("cases:task_complete", args=[task.pk])).status_code == 404
    other_case = CaseFactory(person=PersonFactory(access_point=world.ap_b))
    assert client.get(reverse("cases:task_create") + f"?case={other_case.pk}").status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_it_lets_only_the_assignee_and_case_staff_change_a_task(world, login):
    task = TaskFactory(access_point=world.ap_a, assignee=world.users["labour_expert"])

    outreach = login(world.users["outreach_operator"])
    assert outreach.get(reverse("cases:task_detail", args=[task.pk])).status_code == 200  # read, as the matrix says
    assert outreach.post(reverse("cases:task_complete", args=[task.pk])).status_code == 403
    task.refresh_from_db()
    assert task.done_at is None
    director = login(world.users["director"])
    assert director.get(reverse("cases:task_detail", args=[task.pk])).status_code == 200
    assert director.post(reverse("cases:task_complete", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None


def test_it_completes_and_reopens_a_task_with_the_timeline_and_audit(world, login):
    me = world.users["social_expert"]
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    task = TaskFactory(access_point=world.ap_a, assignee=me, case=case)
    client = login(me)

    assert client.get(reverse("cases:task_complete", args=[task.pk])).status_code == 405
    response = client.post(reverse("cases:task_complete", args=[task.pk]), {"next": reverse("home")})
    assert response.url == reverse("home")
    task.refresh_from_db()
    assert task.done_at is not None

    again = client.post(reverse("cases:task_complete", args=[task.pk]), follow=True)
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"

    client.post(reverse("cases:task_reopen", args=[task.pk]))
    task.refresh_from_db()
    assert task.done_at is None
    assert [e.data["action"] for e in CaseEvent.objects.filter(case=case, kind=CaseEventKind.TASK)] == [
        "completed", "reopened"]
    assert AuditEntry.objects.filter(object_type="cases.task", object_id=str(task.pk),
                                     action=AuditAction.UPDATE).count() == 2


def test_it_does_not_follow_a_next_link_to_another_site(world, login):
    me = world.users["social_expert"]
    task = TaskFactory(access_point=world.ap_a, assignee=me)

    response = login(me).post(reverse("cases:task_complete", args=[task.pk]), {"next": "//evil.example/"})

    assert response.url == reverse("cases:task_detail", args=[task.pk])


def test_it_edits_a_task_and_records_the_new_time_on_the_case(world, login):
    me = world.users["social_expert"]
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    task = TaskFactory(access_point=world.ap_a, assignee=me, case=case, kind="appointment")
    client = login(me)
    assert client.get(reverse("cases:task_edit", args=[task.pk])).status_code == 200

    response = client.post(reverse("cases:task_edit", args=[task.pk]),
                           _data(me, case_number=case.number, due_at=local(in_days(5)), ends_at=""))

    assert response.status_code == 302
    task.refresh_from_db()
    assert local(task.due_at) == local(in_days(5))
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.TASK)
    assert event.data["action"] == "rescheduled"
    entry = AuditEntry.objects.get(object_type="cases.task", action=AuditAction.UPDATE)
    assert entry.changes["title"] == ["[text]", "[text]"]


def test_it_lists_my_tasks_with_filters(world, login):
    me = world.users["director"]
    TaskFactory(access_point=world.ap_a, assignee=me, title="Da fare")
    TaskFactory(access_point=world.ap_a, assignee=me, title="Fatto", done_at=timezone.now())
    TaskFactory(access_point=world.ap_a, assignee=world.users["social_expert"], title="Del collega")
    TaskFactory(access_point=world.ap_b, assignee=world.other_worker, title="Di Beta")
    client = login(me)

    def titles(**params):
        return [t.title for t in client.get(reverse("cases:task_list"), params).context["page"].object_list]

    assert titles() == ["Da fare"]
    assert titles(state="done") == ["Fatto"]
    assert sorted(titles(whose="all")) == ["Da fare", "Del collega"]
    assert titles(kind="appointment") == []


@pytest.mark.parametrize("count", [3, 60])
def test_it_lists_tasks_in_a_bounded_number_of_queries(world, login, django_assert_max_num_queries, count):
    me = world.users["social_expert"]
    for _ in range(count):
        TaskFactory(access_point=world.ap_a, assignee=me, case=CaseFactory(person=PersonFactory(access_point=world.ap_a)))
    client = login(me)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:task_list"))

    assert len(response.context["page"].object_list) == min(count, 25)


def test_it_exports_my_appointments_as_a_valid_icalendar_file(world, login):
    me = world.users["social_expert"]
    person = PersonFactory(access_point=world.ap_a, first_name="Amina", last_name="Privata")
    case = CaseFactory(person=person)
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    appointment = TaskFactory(access_point=world.ap_a, assignee=me, case=case, kind="appointment",
                              title="Colloquio di orientamento", due_at=start,
                              ends_at=start + datetime.timedelta(minutes=45), location="Sportello PUA",
                              description="Portare i documenti di Amina Privata")
    task = TaskFactory(access_point=world.ap_a, assignee=me, title="Scrivere relazione")
    TaskFactory(access_point=world.ap_a, assignee=world.users["director"], title="Del direttore")
    TaskFactory(access_point=world.ap_a, assignee=me, title="Vecchio e fatto", done_at=timezone.now(),
                due_at=timezone.now() - datetime.timedelta(days=200))
    client = login(me)

    response = client.get(reverse("cases:my_calendar"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar.name == "VCALENDAR" and str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Colloquio di orientamento", "Scrivere relazione"}
    event = events["Colloquio di orientamento"]
    assert event.decoded("DTSTART") == start and event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert event.decoded("DTEND") == start + datetime.timedelta(minutes=45)
    assert str(event["LOCATION"]) == "Sportello PUA"
    assert case.number in str(event["DESCRIPTION"])
    assert b"Amina" not in response.content and b"Privata" not in response.content
    assert b"DTSTART:" in response.content and b"Z\r\n" in response.content  # UTC times
    uid = str(event["UID"])
    assert uid.startswith(f"task-{appointment.pk}@")
    assert str(events["Scrivere relazione"]["UID"]).startswith(f"task-{task.pk}@")
    again = icalendar.Calendar.from_ical(client.get(reverse("cases:my_calendar")).content)
    assert uid in {str(e["UID"]) for e in again.walk("VEVENT")}
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=me).count() == 2
