"""Pages of filling in: start, the form's pages (htmx autosave and skip
logic), review and submit, the read-only response, amendments, a person's
responses; permissions and audit."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pua.assessments import services
from pua.assessments.models import Instrument, Purpose, Response, ResponseStatus
from pua.assessments.xlsform import parse_xlsform
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, PersonFactory
from pua.core.models import AuditAction, AuditEntry

from .test_response_services import SURVEY, fill_all, make_scored_version, make_version, xlsform_bytes

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args, **query):
    path = reverse(f"assessments:{name}", args=args)
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def fill_url(response, page=1, **query):
    return url("response_fill", response.pk, page, **query)


@pytest.fixture
def version(world):
    return make_version()


@pytest.fixture
def person(world):
    return PersonFactory(access_point=world.ap_a)


@pytest.fixture
def worker(world):
    return world.users["social_expert"]


@pytest.fixture
def draft(version, person, worker):
    return services.response_start(version=version, person=person, by=worker)


def submitted(version, person, by, case=None):
    response = services.response_start(version=version, person=person, by=by, case=case)
    return services.response_submit(response=fill_all(response, by), by=by)


def page_post(client, response, page=1, data=None, *, action="", htmx=False, **query):
    data = dict(data or {})
    shown = data.pop("_shown", list(data))
    payload = {**data, "_shown": shown}
    if action:
        payload["action"] = action
    return client.post(fill_url(response, page, **query), payload, **(HTMX if htmx else {}))


def audited_read(obj) -> bool:
    return AuditEntry.objects.filter(action=AuditAction.READ, object_type=obj._meta.label_lower,
                                     object_id=str(obj.pk)).exists()


# --- starting ---------------------------------------------------------------------------

def test_it_offers_the_published_instruments_the_user_may_fill(world, login, version, person):
    case = CaseFactory(person=person)
    labour_only = make_version(code="labour_only", fill_roles=["labour_expert"])  # not for a social expert
    client = login(world.users["social_expert"])
    page = client.get(url("response_start", person=person.pk, case=case.pk))
    assert page.status_code == 200
    offered = {v.pk for v in page.context["versions"]}
    assert version.pk in offered and labour_only.pk not in offered
    assert page.context["case"] == case
    assert audited_read(person)


def test_it_starts_a_response_and_opens_its_first_page(world, login, version, person):
    case = CaseFactory(person=person)
    client = login(world.users["outreach_operator"])
    page = client.post(url("response_start"), {"version": version.pk, "person": person.pk, "case": case.pk})
    response = Response.objects.get()
    assert page.status_code == 302 and page.url == fill_url(response)
    assert response.case == case and response.started_by == world.users["outreach_operator"]


def test_it_does_not_start_what_the_user_may_not_fill(world, login, version, person):
    Instrument.objects.exclude(pk=version.instrument_id).update(is_active=False)  # the shipped ones
    client = login(world.users["labour_expert"])
    page = client.get(url("response_start", person=person.pk))
    assert page.status_code == 200 and page.context["versions"] == []
    assert b'id="no-instruments"' in page.content
    assert client.post(url("response_start"), {"version": version.pk, "person": person.pk}).status_code == 404
    assert not Response.objects.exists()


def test_it_hides_people_of_other_access_points_and_from_partners_and_board(world, login, version, person):
    for user in (world.other_worker, world.users["partner_operator"], world.users["board_viewer"]):
        client = login(user)
        assert client.get(url("response_start", person=person.pk)).status_code == 404
        assert client.post(url("response_start"), {"version": version.pk, "person": person.pk}).status_code == 404
        assert client.get(url("person_responses", person.pk)).status_code == 404
    assert not Response.objects.exists()


def test_it_refuses_a_case_of_another_person_and_merged_records(world, login, version, person):
    client = login(world.users["social_expert"])
    other_case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    assert client.get(url("response_start", person=person.pk, case=other_case.pk)).status_code == 404
    merged = PersonFactory(access_point=world.ap_a, merged_into=person)
    assert client.post(url("response_start"), {"version": version.pk, "person": merged.pk}).status_code == 404
    assert not Response.objects.exists()


def test_it_sends_anonymous_users_to_the_login(client, world, draft, person):
    for target in (url("response_start", person=person.pk), fill_url(draft), url("response_review", draft.pk),
                   url("response_detail", draft.pk), url("person_responses", person.pk)):
        page = client.get(target)
        assert page.status_code == 302 and "login" in page.url
    assert client.post(url("response_submit", draft.pk)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == ResponseStatus.DRAFT


# --- the pages of the form -------------------------------------------------------------

def test_it_renders_a_page_accessibly_in_the_forms_language(world, login, draft):
    client = login(world.users["social_expert"])
    page = client.get(fill_url(draft))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ha un lavoro?" in html and "<legend" in html and 'aria-describedby="q-has_job-hint"' in html
    assert 'id="q-has_job-hint"' in html and "Anche in nero" in html
    assert "Ore settimanali" not in html  # not relevant yet
    assert page.context["position"] == 1 and page.context["total"] == 2  # the housing page does not apply yet
    assert audited_read(draft)
    english = client.get(fill_url(draft, lang="en")).content.decode()
    assert "Do you have a job?" in english and 'hreflang="it"' in english


def _fieldsets(html) -> list[str]:
    return re.findall(r"<fieldset[^>]*>", html)


def _legend(html, field) -> str:
    match = re.search(rf'<legend[^>]*id="q-{field}-legend"[^>]*>(.*?)</legend>', html, re.S)
    assert match, field
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_it_marks_a_required_radio_group_with_a_role_that_allows_aria_required(world, english_personas, login, draft):
    html = login(world.users["social_expert"]).get(fill_url(draft)).content.decode()

    group = next(tag for tag in _fieldsets(html) if 'id="q-has_job"' in tag)
    assert 'role="radiogroup"' in group and 'aria-required="true"' in group
    assert 'aria-labelledby="q-has_job-legend"' in group
    assert "Do you have a job?" in _legend(html, "has_job") and "(required)" in _legend(html, "has_job")
    # No fieldset keeps the group role with aria-required, which ARIA does not allow.
    assert all('role="radiogroup"' in tag for tag in _fieldsets(html) if "aria-required" in tag)


def test_it_says_a_checkbox_group_is_required_in_its_legend_only(world, english_personas, login, person, worker):
    survey = [[*row[:6], "yes", *row[7:]] if row[1] == "needs" else row for row in SURVEY]
    version = make_version(code="wellbeing_required", definition=parse_xlsform(xlsform_bytes(survey=survey), "w.xlsx"))
    draft = services.response_start(version=version, person=person, by=worker)
    client = login(worker)
    page_post(client, draft, data={"has_job": "no"}, action="next")

    html = client.get(fill_url(draft, 2, lang="en")).content.decode()

    group = next(tag for tag in _fieldsets(html) if 'id="q-needs"' in tag)
    assert "aria-required" not in group and "role=" not in group
    assert "What do you need?" in _legend(html, "needs") and "required: choose at least one" in _legend(html, "needs")
    assert 'type="checkbox"' in html and not re.search(r'<input[^>]*type="checkbox"[^>]*aria-required', html)


def test_it_follows_the_users_language_when_the_form_has_it(world, login, draft):
    user = world.users["social_expert"]
    user.preferred_language = "en"
    user.save()
    assert "Do you have a job?" in login(user).get(fill_url(draft)).content.decode()


def test_htmx_changes_save_the_draft_and_show_relevant_questions(world, login, draft):
    client = login(world.users["social_expert"])
    page = page_post(client, draft, data={"has_job": "yes"}, htmx=True)
    html = page.content.decode()
    assert page.status_code == 200 and "<html" not in html and 'id="response-page"' in html
    assert "Ore settimanali" in html and "Datore di lavoro" in html
    assert "Draft saved" in html or "Bozza salvata" in html
    draft.refresh_from_db()
    assert draft.answers == {"has_job": "yes"}
    page = page_post(client, draft, data={"has_job": "no", "hours": "10"}, htmx=True)
    assert "Ore settimanali" not in page.content.decode()


def test_htmx_shows_the_forms_constraint_message_but_not_required_on_empty_answers(world, login, draft):
    client = login(world.users["social_expert"])
    page = page_post(client, draft, data={"has_job": "yes", "hours": "99", "employer": ""}, htmx=True)
    html = page.content.decode()
    assert "Tra 0 e 80 ore" in html and 'aria-invalid="true"' in html
    assert page.context["items"][0]["error"] == ""  # answered
    assert "error-summary" not in html
    draft.refresh_from_db()
    assert draft.answers == {"has_job": "yes", "hours": "99"}  # a draft keeps it; submitting will not


def test_a_value_of_the_wrong_type_is_not_saved_and_is_explained(world, login, draft):
    client = login(world.users["social_expert"])
    page = page_post(client, draft, data={"has_job": "yes", "hours": "dieci"}, htmx=True)
    assert 'id="q-hours-error"' in page.content.decode()
    assert page.context["items"][1]["value"] == "dieci"  # shown back as typed
    draft.refresh_from_db()
    assert draft.answers == {}


def test_next_refuses_missing_required_answers_with_an_error_summary(world, login, draft):
    client = login(world.users["social_expert"])
    page = page_post(client, draft, data={"has_job": "yes", "hours": "", "employer": "Acme"}, action="next")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="error-summary"' in html and 'href="#q-hours"' in html
    draft.refresh_from_db()
    assert draft.answers == {"has_job": "yes", "employer": "Acme"}  # saved as a draft all the same


def test_next_and_previous_move_through_relevant_pages_without_javascript(world, login, draft):
    client = login(world.users["social_expert"])
    page = page_post(client, draft, data={"has_job": "no"}, action="next")
    assert page.status_code == 302 and page.url == fill_url(draft, 2)
    page = page_post(client, draft, 2, data={"needs": ["health"], "since": ""}, action="next")
    assert page.status_code == 302 and page.url == url("response_review", draft.pk)  # housing skipped
    assert client.get(fill_url(draft, 3)).url == url("response_review", draft.pk)
    page = page_post(client, draft, 2, data={"needs": ["health", "housing"], "since": ""}, action="next")
    assert page.url == fill_url(draft, 3)
    assert client.get(fill_url(draft, 3)).context["total"] == 3
    page = page_post(client, draft, 3, data={"housing_detail": ""}, action="previous")
    assert page.url == fill_url(draft, 2)
    draft.refresh_from_db()
    assert draft.answers == {"has_job": "no", "needs": "housing health"} and draft.current_page == 2


def test_an_unticked_list_clears_the_answer_and_the_language_is_kept(world, login, draft):
    client = login(world.users["social_expert"])
    page_post(client, draft, 2, data={"needs": ["health"], "since": "2025-01-31"}, htmx=True)
    page = page_post(client, draft, 2, data={"_shown": ["needs", "since"], "since": "2025-01-31"}, action="next",
                     lang="en")
    assert page.url == url("response_review", draft.pk) + "?lang=en"
    draft.refresh_from_db()
    assert draft.answers == {"since": "2025-01-31"}


def test_save_and_close_keeps_the_draft(world, login, draft):
    client = login(world.users["social_expert"])
    page = page_post(client, draft, data={"has_job": "yes"}, action="close")
    assert page.status_code == 302 and page.url == url("response_detail", draft.pk)
    detail = client.get(page.url)
    assert detail.context["may_continue"] and b"Ha un lavoro?" in detail.content


def test_it_refuses_pages_that_do_not_exist(world, login, draft):
    assert login(world.users["social_expert"]).get(fill_url(draft, 9)).status_code == 404


# --- review and submit -----------------------------------------------------------------

def test_the_review_lists_the_visible_answers_and_submitting_shows_the_response(world, login, draft):
    user = world.users["social_expert"]
    fill_all(draft, user)
    client = login(user)
    review = client.get(url("response_review", draft.pk))
    html = review.content.decode()
    assert review.status_code == 200 and "In un dormitorio" in html and "Casa, Salute" in html
    assert not review.context["errors"]
    page = client.post(url("response_submit", draft.pk))
    assert page.status_code == 302 and page.url == url("response_detail", draft.pk)
    draft.refresh_from_db()
    assert draft.status == ResponseStatus.SUBMITTED
    detail = client.get(page.url)
    assert detail.status_code == 200 and "In un dormitorio" in detail.content.decode()
    assert detail.context["may_amend"] and not detail.context["may_continue"]
    assert audited_read(draft)


def test_submitting_with_errors_shows_them_and_changes_nothing(world, login, draft):
    user = world.users["social_expert"]
    services.response_save(response=draft, answers={"needs": ["housing"]}, page=1, by=user)
    client = login(user)
    assert set(client.get(url("response_review", draft.pk)).context["errors"]) == {"has_job", "housing_detail"}
    page = client.post(url("response_submit", draft.pk))
    html = page.content.decode()
    assert page.status_code == 400 and "Descrivere la situazione abitativa" in html
    assert set(page.context["errors"]) == {"has_job", "housing_detail"}
    draft.refresh_from_db()
    assert draft.status == ResponseStatus.DRAFT


def test_a_submitted_response_cannot_be_changed_through_its_pages(world, login, version, person):
    user = world.users["social_expert"]
    response = submitted(version, person, user)
    answers = dict(response.answers)
    client = login(user)
    page = page_post(client, response, data={"has_job": "no"}, action="next")
    assert page.status_code == 302 and page.url == url("response_detail", response.pk)
    page = page_post(client, response, data={"has_job": "no"}, htmx=True)
    assert page.headers["HX-Redirect"] == url("response_detail", response.pk)
    assert client.post(url("response_submit", response.pk)).status_code == 302
    assert client.get(url("response_review", response.pk)).status_code == 302
    response.refresh_from_db()
    assert response.answers == answers and response.status == ResponseStatus.SUBMITTED
    messages = [str(m) for m in client.get(url("response_detail", response.pk)).context["messages"]]
    assert messages


# --- amendments ------------------------------------------------------------------------

def test_it_amends_a_response_keeping_the_original(world, login, version, person):
    user = world.users["social_expert"]
    original = submitted(version, person, user)
    client = login(user)
    assert client.post(url("response_amend", original.pk), {"reason": ""}).status_code == 302
    assert Response.objects.count() == 1
    page = client.post(url("response_amend", original.pk), {"reason": "Ore sbagliate"})
    amendment = Response.objects.exclude(pk=original.pk).get()
    assert page.url == fill_url(amendment)
    assert amendment.amends == original and amendment.answers == original.answers
    page_post(client, amendment, data={"has_job": "yes", "hours": "20", "employer": "Acme"}, htmx=True)
    client.post(url("response_submit", amendment.pk))
    original.refresh_from_db()
    amendment.refresh_from_db()
    assert original.answers["hours"] == "38" and original.status == ResponseStatus.SUBMITTED
    assert amendment.status == ResponseStatus.SUBMITTED and amendment.answers["hours"] == "20"
    detail = client.get(url("response_detail", original.pk))
    assert detail.context["superseded_by"] == amendment and not detail.context["may_amend"]
    assert [r.pk for r in detail.context["chain"]] == [original.pk, amendment.pk]


def test_only_fillers_who_read_the_detail_may_amend(world, login, version, person):
    original = submitted(version, person, world.users["social_expert"])
    # The director reads but may fill too; the labour expert neither fills nor reads.
    assert login(world.users["labour_expert"]).post(url("response_amend", original.pk),
                                                    {"reason": "x"}).status_code == 404
    assert login(world.users["outreach_operator"]).post(url("response_amend", original.pk),
                                                        {"reason": "x"}).status_code == 404
    assert Response.objects.count() == 1


# --- permissions -----------------------------------------------------------------------

def test_fill_pages_need_a_fill_role_at_the_persons_access_point(world, login, draft):
    assert login(world.users["labour_expert"]).get(fill_url(draft)).status_code == 403
    assert login(world.users["director"]).get(fill_url(draft)).status_code == 200
    for user in (world.other_worker, world.other_director, world.users["partner_operator"],
                 world.users["board_viewer"], world.users["regional_coordinator"]):
        client = login(user)
        assert client.get(fill_url(draft)).status_code == 404
        assert page_post(client, draft, data={"has_job": "no"}, htmx=True).status_code == 404
        assert client.get(url("response_detail", draft.pk)).status_code == 404
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_filler_who_does_not_read_answers_is_sent_to_the_persons_list(world, login, version, person):
    user = world.users["outreach_operator"]
    response = fill_all(services.response_start(version=version, person=person, by=user), user)
    client = login(user)
    page = client.post(url("response_submit", response.pk))
    assert page.url == url("person_responses", person.pk)
    assert client.get(url("response_detail", response.pk)).status_code == 404
    listing = client.get(page.url)
    assert listing.status_code == 200 and listing.context["rows"] == []


def test_restricted_answers_are_for_the_case_team_and_the_director(world, login, person):
    version = make_version(code="screening_test", purpose=Purpose.EXPLOITATION_SCREENING)
    case = CaseFactory(person=person)
    response = submitted(version, person, world.users["director"], case=case)
    outsider = login(world.users["social_expert"]).get(url("response_detail", response.pk))
    assert outsider.status_code == 200 and not outsider.context["shows_answers"]
    assert b'id="answers-restricted"' in outsider.content and b"In un dormitorio" not in outsider.content
    assert not outsider.context["may_amend"]
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"])
    member = login(world.users["social_expert"]).get(url("response_detail", response.pk))
    assert member.context["shows_answers"] and b"In un dormitorio" in member.content
    assert b"In un dormitorio" in login(world.users["director"]).get(url("response_detail", response.pk)).content


# --- a person's responses ----------------------------------------------------------------

@pytest.mark.usefixtures("english_personas")  # reads English messages
def test_it_lists_a_persons_responses_with_amendments(world, login, version, person):
    user = world.users["social_expert"]
    original = submitted(version, person, user)
    amendment = services.response_amend(response=original, by=user, reason="correzione")
    client = login(user)
    page = client.get(url("person_responses", person.pk))
    assert page.status_code == 200 and page.context["may_start"]
    rows = {row["response"].pk: row for row in page.context["rows"]}
    assert set(rows) == {original.pk, amendment.pk}
    assert rows[original.pk]["amended_by"] == [amendment]
    assert f"amends #{original.pk}" in page.content.decode() or f"modifica #{original.pk}" in page.content.decode()
    assert audited_read(person)


def _many(version, person, user, count):
    for _ in range(count):
        original = submitted(version, person, user)
        services.response_amend(response=original, by=user, reason="correzione")


def test_it_lists_a_persons_responses_in_a_fixed_number_of_queries(world, login, version, person,
                                                                    django_assert_max_num_queries):
    user = world.users["social_expert"]
    client = login(user)
    _many(version, person, user, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("person_responses", person.pk)).status_code == 200
    _many(version, person, user, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("person_responses", person.pk))
    assert page.context["page"].paginator.count == 32 and len(page.context["rows"]) == 25


def test_a_scored_response_opens_its_result(world, login, person):
    version, indicators = make_scored_version()
    director = world.users["director"]
    response = services.response_start(version=version, person=person, by=director)
    services.response_save(response=response, answers=dict.fromkeys(sorted(indicators)[:3], "yes"), page=0,
                           by=director)
    client = login(director)
    page = client.post(url("response_submit", response.pk))
    assert page.status_code == 302 and page.url == url("result_detail", response.pk)
    response.refresh_from_db()
    assert response.outcome and client.get(page.url).status_code == 200
    detail = client.get(url("response_detail", response.pk))
    assert detail.context["outcome_label"] and b"result/" in detail.content
