"""The risk flag a case and its person carry from the outcome in force of
the case's latest submitted exploitation screening: written on submit,
amendment and review, kept in step on closing, opening and merging, shown
(text and icon) to the director and the experts of the access point only,
in the page headers and the lists; set by the dataset generator and, for
existing responses, by a data migration."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pua.assessments import services as assessment_services
from pua.assessments.models import Response, ResponseStatus
from pua.assessments.tests.screening_data import (
    EXPLOITATION_ONLY,
    NOTHING_FOUND,
    PRESUMED_VICTIM,
    screening_version,
    vulnerability_version,
)
from pua.cases import case_services
from pua.cases.dataset import dataset_generate
from pua.cases.models import Case, CaseStatus, ClosureReason
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, ConsentFactory, PersonFactory, ReferralFactory
from pua.network.models import Role
from pua.people.models import Person, ScreeningFlag

PRESUMED = "presumed_trafficking_victim"
EXPLOITATION = "exploitation_without_trafficking_indicators"
NOTHING = "no_exploitation_indicators"
FLAG = 'data-screening-flag="trafficking"'


@pytest.fixture
def screening(world):
    return screening_version()


def _case(world, **fields):
    return CaseFactory(person=PersonFactory(access_point=world.ap_a), **fields)


def _submit(client, screening, case, answers):
    """Start, answer and submit a screening through the pages."""
    started = client.post(reverse("assessments:response_start"),
                          {"version": screening.pk, "person": case.person_id, "case": case.pk})
    assert started.status_code == 302
    draft = Response.objects.filter(case=case, status=ResponseStatus.DRAFT).latest("id")
    Response.objects.filter(pk=draft.pk).update(answers=answers)
    assert client.post(reverse("assessments:response_submit", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.status == ResponseStatus.SUBMITTED
    return draft


def _review(client, response, outcome, reason=""):
    return client.post(reverse("assessments:result_review", args=[response.pk]),
                       {"confirmed_outcome": outcome, "reason": reason})


def _flags(case):
    case.refresh_from_db()
    return case.screening_flag, Person.objects.get(pk=case.person_id).screening_flag


def _flagged_case(world, flag=ScreeningFlag.TRAFFICKING):
    case = _case(world)
    case_services.case_screening_flag_set(case=case, flag=flag, by=world.users["director"])
    return case


# --- writing the flag ---------------------------------------------------------------------------------

def test_it_flags_case_and_person_after_a_screening_with_a_presumed_victim_outcome(world, login, screening):
    case = _case(world)
    assert _flags(case) == ("", "")

    response = _submit(login(world.users["social_expert"]), screening, case, PRESUMED_VICTIM)

    assert response.outcome == PRESUMED
    assert _flags(case) == (ScreeningFlag.TRAFFICKING, ScreeningFlag.TRAFFICKING)


def test_it_leaves_no_flag_when_nothing_is_found(world, login, screening):
    case = _case(world)

    _submit(login(world.users["director"]), screening, case, NOTHING_FOUND)

    assert _flags(case) == ("", "")


def test_it_follows_an_override_and_a_confirmation(world, login, screening):
    case = _case(world)
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"])
    client = login(world.users["social_expert"])
    response = _submit(client, screening, case, PRESUMED_VICTIM)

    assert _review(client, response, EXPLOITATION, "Il reclutamento non risulta dai fatti.").status_code == 302
    assert _flags(case) == (ScreeningFlag.EXPLOITATION, ScreeningFlag.EXPLOITATION)

    assert _review(login(world.users["director"]), response, NOTHING, "Nessun indicatore confermato.").status_code == 302
    assert _flags(case) == ("", "")

    assert _review(client, response, PRESUMED).status_code == 302  # back to the computed outcome, confirmed
    assert _flags(case) == (ScreeningFlag.TRAFFICKING, ScreeningFlag.TRAFFICKING)


def test_it_follows_the_latest_screening_and_its_amendment(world, login, screening):
    case = _case(world)
    director = world.users["director"]
    client = login(director)
    first = _submit(client, screening, case, EXPLOITATION_ONLY)
    assert _flags(case) == (ScreeningFlag.EXPLOITATION, ScreeningFlag.EXPLOITATION)

    amendment = assessment_services.response_amend(response=first, by=director, reason="Nuovi fatti riferiti.")
    Response.objects.filter(pk=amendment.pk).update(answers=PRESUMED_VICTIM)
    assert client.post(reverse("assessments:response_submit", args=[amendment.pk])).status_code == 302
    assert _flags(case) == (ScreeningFlag.TRAFFICKING, ScreeningFlag.TRAFFICKING)

    # A review of the older, superseded response is refused and changes nothing.
    _review(client, first, NOTHING, "Rivalutato.")
    assert _flags(case) == (ScreeningFlag.TRAFFICKING, ScreeningFlag.TRAFFICKING)


def test_it_ignores_other_instruments_and_screenings_of_other_cases(world, login, screening):
    vulnerability = vulnerability_version()
    case = _case(world)
    other = _case(world)
    client = login(world.users["director"])

    _submit(client, screening, other, PRESUMED_VICTIM)
    _submit(client, vulnerability, case, {"housing_severity": "3"})

    assert _flags(case) == ("", "")
    assert _flags(other) == (ScreeningFlag.TRAFFICKING, ScreeningFlag.TRAFFICKING)


def test_it_gives_the_person_the_flag_of_the_open_case_else_of_the_latest(world):
    director = world.users["director"]
    person = PersonFactory(access_point=world.ap_a)
    first = case_services.case_open(person=person, by=director)
    case_services.case_screening_flag_set(case=first, flag=ScreeningFlag.TRAFFICKING, by=director)
    case_services.case_close(case=first, by=director, reason=ClosureReason.REFERRED)
    person.refresh_from_db()
    assert person.screening_flag == ScreeningFlag.TRAFFICKING  # the latest case, closed

    second = case_services.case_open(person=person, by=director)
    person.refresh_from_db()
    assert person.screening_flag == ""  # the open case, not screened yet

    case_services.case_close(case=second, by=director, reason=ClosureReason.DROPPED_OUT)
    Case.objects.filter(pk=second.pk).update(opened_at=first.opened_at - datetime.timedelta(days=1))
    case_services.case_reopen(case=first, by=director, reason="La persona è tornata.")
    person.refresh_from_db()
    assert person.screening_flag == ScreeningFlag.TRAFFICKING  # the reopened one


def test_it_moves_the_flag_with_the_cases_of_a_merged_record(world, login):
    keep = PersonFactory(access_point=world.ap_a, tax_code=None)
    merge = PersonFactory(access_point=world.ap_a, tax_code=None)
    case = CaseFactory(person=merge)
    case_services.case_screening_flag_set(case=case, flag=ScreeningFlag.EXPLOITATION, by=world.users["director"])

    response = login(world.users["director"]).post(
        reverse("cases:person_merge", args=[merge.pk]), {"other": keep.pk, "keep": keep.pk, "confirm": "on"})

    assert response.status_code == 302
    keep.refresh_from_db()
    merge.refresh_from_db()
    assert (keep.screening_flag, merge.screening_flag) == (ScreeningFlag.EXPLOITATION, "")


def test_it_refuses_an_unknown_flag(world):
    case = _case(world)
    with pytest.raises(ValueError):
        case_services.case_screening_flag_set(case=case, flag="victim", by=world.users["director"])


# --- who sees it -----------------------------------------------------------------------------------------

def _pages(case):
    return [reverse("cases:case_detail", args=[case.pk]), reverse("people:person_detail", args=[case.person_id]),
            reverse("cases:person_journey", args=[case.person_id])]


@pytest.mark.parametrize("who", ["director", "case_team"])
def test_it_shows_the_flag_in_the_headers_to_the_director_and_the_case_team(world, login, who):
    case = _flagged_case(world)
    user = world.users["director"]
    if who == "case_team":
        user = world.users["labour_expert"]
        CaseTeamMemberFactory(case=case, user=user)
    client = login(user)

    for url in _pages(case):
        html = client.get(url).content.decode()
        header = html[html.index("<h1"):html.index("</div>", html.index("</h1>"))]  # the title's line
        assert FLAG in header and "Presumed trafficking" in header
        assert "#it-warning-circle" in header


def test_it_words_the_exploitation_flag(world, login):
    case = _flagged_case(world, ScreeningFlag.EXPLOITATION)

    html = login(world.users["social_expert"]).get(reverse("cases:case_detail", args=[case.pk])).content.decode()

    assert 'data-screening-flag="exploitation"' in html and "Exploitation indicators" in html


def test_it_hides_the_flag_from_a_partner_and_an_outreach_operator(world, login):
    case = _flagged_case(world)
    ReferralFactory(person=case.person, case=case, organisation=world.partner_org)
    ConsentFactory(person=case.person, organisation=world.partner_org)

    partner = login(world.users["partner_operator"]).get(reverse("cases:case_detail", args=[case.pk]))
    assert partner.status_code == 200 and case.number in partner.content.decode()  # the shared view
    assert FLAG not in partner.content.decode() and "Presumed trafficking" not in partner.content.decode()
    client = login(world.users["outreach_operator"])
    for url in _pages(case) + [reverse("people:person_list"), reverse("cases:case_list")]:
        response = client.get(url)
        assert response.status_code == 200
        assert FLAG not in response.content.decode() and "Screening flag" not in response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_it_grants_the_flag_row_of_the_permission_matrix(world, role):
    """docs/permissions.md: director and the two experts, at their access point only."""
    user = world.users[role.value]
    mine, other = _case(world), CaseFactory(person=PersonFactory(access_point=world.ap_b))
    allowed = role in {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT}

    assert user.has_perm("cases.view_screening_flag", mine) is allowed
    assert user.has_perm("people.view_screening_flag", mine.person) is allowed
    assert not user.has_perm("cases.view_screening_flag", other)
    assert not user.has_perm("people.view_screening_flag", other.person)


@pytest.mark.parametrize("role", ["board_viewer", "regional_coordinator", "admin"])
def test_it_never_shows_the_flag_to_board_coordinators_or_admins(world, login, role):
    case = _flagged_case(world)
    user = world.users[role]
    client = login(user)

    for url in _pages(case) + [reverse("people:person_list"), reverse("cases:case_list")]:
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert FLAG not in response.content.decode()
    assert not user.has_perm("cases.view_screening_flag", case)
    assert not user.has_perm("people.view_screening_flag", case.person)


def test_it_hides_the_flag_of_another_access_point(world, login):
    case = _flagged_case(world)
    other = world.other_director

    assert not other.has_perm("cases.view_screening_flag", case)
    assert login(other).get(reverse("cases:case_detail", args=[case.pk])).status_code == 404


# --- the lists ---------------------------------------------------------------------------------------------

def _many(world, n):
    for i in range(n):
        case = _case(world)
        if i % 3 == 0:
            case_services.case_screening_flag_set(case=case, flag=ScreeningFlag.TRAFFICKING, by=world.users["director"])
        elif i % 3 == 1:
            case_services.case_screening_flag_set(case=case, flag=ScreeningFlag.EXPLOITATION,
                                                  by=world.users["director"])


@pytest.mark.parametrize("url", [reverse("people:person_list"), reverse("cases:case_list")])
def test_it_shows_the_flag_column_in_the_lists_in_a_fixed_number_of_queries(world, login, url,
                                                                             django_assert_max_num_queries):
    client = login(world.users["social_expert"])
    _many(world, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(world, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    rows = [row for row, _shows_names in response.context["rows"]]
    assert len(rows) == 25 and response.context["flag_access_point_ids"] == {world.ap_a.pk}
    flags = [row.screening_flag for row in rows]
    assert "Screening flag" in html
    assert html.count(FLAG) == flags.count(ScreeningFlag.TRAFFICKING) > 0
    assert html.count('data-screening-flag="exploitation"') == flags.count(ScreeningFlag.EXPLOITATION) > 0
    assert "Presumed trafficking" in html and "Exploitation indicators" in html


# --- generated data and existing data --------------------------------------------------------------------

def _expected_flags():
    """Each case's flag from its latest submitted screening, as the rule says."""
    expected = dict.fromkeys(Case.objects.values_list("pk", flat=True), "")
    for case_id, outcome, confirmed in (Response.objects.filter(
            status=ResponseStatus.SUBMITTED, instrument_version__instrument__purpose="exploitation_screening")
            .order_by("case_id", "submitted_at", "id").values_list("case_id", "outcome", "confirmed_outcome")):
        expected[case_id] = assessment_services.screening_flag(confirmed or outcome)
    return expected


def test_it_flags_the_generated_cases_and_persons(world):
    dataset_generate(persons=80, seed=5, access_point=world.ap_a)

    expected = _expected_flags()
    assert dict(Case.objects.values_list("pk", "screening_flag")) == expected
    assert {ScreeningFlag.TRAFFICKING, ScreeningFlag.EXPLOITATION} <= set(expected.values())
    for person_id, flag in Case.objects.values_list("person_id", "screening_flag"):  # one case each
        assert Person.objects.get(pk=person_id).screening_flag == flag


def _stored(screening, case, *, outcome, confirmed="", days_ago=0, status=ResponseStatus.SUBMITTED):
    """A response row as an earlier release stored it (no flag written)."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return Response.objects.create(
        instrument_version=screening, access_point=case.access_point, person=case.person, case=case, status=status,
        started_at=when, started_by=_someone(),
        submitted_at=when if status == ResponseStatus.SUBMITTED else None, outcome=outcome,
        confirmed_outcome=confirmed)


def _someone():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="director_a")


def test_it_computes_the_flags_of_existing_responses_in_the_migration(world, screening):
    migration = importlib.import_module("pua.assessments.migrations.0003_screening_flags_from_responses")
    vulnerability = vulnerability_version()
    presumed = _case(world)
    _stored(screening, presumed, outcome=PRESUMED)
    overridden = _case(world)
    _stored(screening, overridden, outcome=PRESUMED, confirmed=EXPLOITATION)
    superseded = _case(world)
    _stored(screening, superseded, outcome=PRESUMED, days_ago=5)
    _stored(screening, superseded, outcome=NOTHING, days_ago=1)
    draft_only = _case(world)
    _stored(screening, draft_only, outcome="", status=ResponseStatus.DRAFT)
    _stored(vulnerability, draft_only, outcome=PRESUMED)
    # A person whose older case is flagged and closed, with a newer open one that is not.
    old = _case(world, status=CaseStatus.CLOSED, opened_at=timezone.now() - datetime.timedelta(days=90))
    _stored(screening, old, outcome=EXPLOITATION)
    newer = CaseFactory(person=old.person, number=f"{old.person.case_number}/2")
    # A person whose only case is flagged and closed.
    closed = _case(world, status=CaseStatus.CLOSED)
    _stored(screening, closed, outcome=PRESUMED, confirmed=PRESUMED)

    migration.flags_from_responses(apps, None)

    assert _flags(presumed) == (ScreeningFlag.TRAFFICKING, ScreeningFlag.TRAFFICKING)
    assert _flags(overridden) == (ScreeningFlag.EXPLOITATION, ScreeningFlag.EXPLOITATION)
    assert _flags(superseded) == ("", "")
    assert _flags(draft_only) == ("", "")
    assert _flags(old) == (ScreeningFlag.EXPLOITATION, "")
    assert _flags(newer) == ("", "")
    assert _flags(closed) == (ScreeningFlag.TRAFFICKING, ScreeningFlag.TRAFFICKING)
