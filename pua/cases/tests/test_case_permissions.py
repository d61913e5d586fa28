"""Who may do what with a case, through the real URLs, for every persona:
each staff role at A, the partner with and without consent + activity, the
board viewer, the regional coordinator, the administrator, the director and
the worker of B, and anonymous visitors."""

import pytest
from django.urls import reverse

from pua.cases import case_services
from pua.cases.models import Case, CaseNote, CaseStatus, CaseTeamMember, ClosureReason
from pua.cases.tests.factories import ConsentFactory, PersonFactory, ReferralFactory

PERSONAS = [
    "director", "social_expert", "labour_expert", "outreach_operator", "partner_shared", "partner_not_shared",
    "board_viewer", "regional_coordinator", "admin", "other_director", "other_worker", "anonymous",
]
CASE_ROLES = {"director", "social_expert", "labour_expert"}
STAFF = CASE_ROLES | {"outreach_operator"}


def _expected(persona, allowed, *, seen_by=STAFF, ok=200):
    """ok for ``allowed``, 403 for those who see the case but may not, 404 for the rest, login for anonymous."""
    if persona == "anonymous":
        return 302
    if persona in allowed:
        return ok
    return 403 if persona in seen_by else 404


@pytest.fixture
def setup(world, client, request):
    persona = request.param
    director = world.users["director"]
    case = case_services.case_open(person=PersonFactory(access_point=world.ap_a), by=director, case_manager=director)
    # The partner organisation has an active referral for the person; consent only in the "shared" persona.
    ReferralFactory(person=case.person, case=case, organisation=world.partner_org)
    if persona == "partner_shared":
        ConsentFactory(person=case.person, organisation=world.partner_org)
    user = {
        "partner_shared": world.users["partner_operator"], "partner_not_shared": world.users["partner_operator"],
        "other_director": world.other_director, "other_worker": world.other_worker, "anonymous": None,
    }.get(persona, world.users.get(persona))
    if user is not None:
        client.force_login(user)
    return persona, case, client, world


def _url(name, case):
    return reverse(f"cases:{name}", args=[case.pk])


@pytest.mark.parametrize("setup", PERSONAS, indirect=True)
def test_it_applies_the_case_permission_matrix(setup):
    """One persona, every endpoint of the case in turn (the case is open, then closed)."""
    persona, case, client, world = setup
    is_case_role = persona in CASE_ROLES

    # view: staff see the full record, the partner with consent the shared view
    response = client.get(_url("case_detail", case))
    assert response.status_code == _expected(persona, STAFF | {"partner_shared"})
    if response.status_code == 200:
        expected = "cases/case_shared.html" if persona == "partner_shared" else "cases/case_detail.html"
        assert response.templates[0].name == expected

    # timeline and notes: read by staff; notes written by case roles
    assert client.get(_url("case_timeline", case)).status_code == _expected(persona, STAFF)
    assert client.get(_url("case_notes", case)).status_code == _expected(persona, STAFF)
    response = client.post(_url("case_notes", case), {"text": "Nota di prova"})
    assert response.status_code == _expected(persona, CASE_ROLES, ok=302)
    assert CaseNote.objects.filter(case=case).exists() is is_case_role

    # team: seen by staff, changed by case roles
    assert client.get(_url("case_team", case)).status_code == _expected(persona, STAFF)
    response = client.post(_url("case_team", case), {"user": world.users["labour_expert"].pk, "role": "other"})
    assert response.status_code == _expected(persona, CASE_ROLES, ok=302)
    assert CaseTeamMember.objects.filter(case=case, user=world.users["labour_expert"]).exists() is is_case_role

    # transition
    response = client.post(_url("case_transition", case), {"to": "screening"})
    assert response.status_code == _expected(persona, CASE_ROLES, ok=302)
    case.refresh_from_db()
    assert (case.status == CaseStatus.SCREENING) is is_case_role

    # close
    assert client.get(_url("case_close", case)).status_code == _expected(persona, CASE_ROLES)
    response = client.post(_url("case_close", case), {"reason": "employed", "outcome": ""})
    assert response.status_code == _expected(persona, CASE_ROLES, ok=302)
    case.refresh_from_db()
    assert case.is_closed is is_case_role

    # reopen
    if not case.is_closed:
        case_services.case_close(case=case, by=world.users["director"], reason=ClosureReason.OTHER)
    assert client.get(_url("case_reopen", case)).status_code == _expected(persona, CASE_ROLES)
    response = client.post(_url("case_reopen", case), {"reason": "Nuova richiesta"})
    assert response.status_code == _expected(persona, CASE_ROLES, ok=302)
    assert Case.objects.get(pk=case.pk).is_closed is not is_case_role

    # open a case (from the journey page): partners and others do not see the person at all
    person = PersonFactory(access_point=world.ap_a)
    response = client.post(reverse("cases:case_open", args=[person.pk]))
    assert response.status_code == _expected(persona, CASE_ROLES, ok=302)
    assert Case.objects.filter(person=person).exists() is is_case_role
    if persona == "anonymous":
        assert "login" in response["Location"]
