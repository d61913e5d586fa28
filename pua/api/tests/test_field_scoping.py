"""The API shows each audience the fields its pages show, no more.

The fields are declared once, in ``pua.people.fields`` (and
``SHARED_CASE_FIELDS`` for the partner's case); these tests check, for every
role, (a) that the API returns exactly that set, and (b) that the HTML page
of the same role shows the values of those fields and none of the others,
on a synthetic person whose special-category data are easy to spot.
"""

import datetime

import pytest
from django.urls import reverse

from pua.api.plans import SHARED_ACTION_FIELDS
from pua.cases.tests.factories import CaseFactory, ConsentFactory, PersonFactory, PlanActionFactory, ReferralFactory
from pua.network.models import Role, TargetGroup
from pua.network.tests.factories import MunicipalityFactory
from pua.people import fields
from pua.people.models import LegalStatus, PermitKind, ResidencePermit

pytestmark = pytest.mark.usefixtures("english_personas")

CASE_TEAM = (Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT)
STAFF = (*CASE_TEAM, Role.OUTREACH_OPERATOR)
PERSONAS = (*STAFF, Role.PARTNER_OPERATOR)

# The API keys of a person each role gets, spelled out.
EXPECTED_PERSON_KEYS = {
    Role.DIRECTOR: {*fields.RECORD, *fields.PROFILE, *fields.IDENTITY, *fields.SPECIAL_CATEGORIES},
    Role.SOCIAL_EXPERT: {*fields.RECORD, *fields.PROFILE, *fields.IDENTITY, *fields.SPECIAL_CATEGORIES},
    Role.LABOUR_EXPERT: {*fields.RECORD, *fields.PROFILE, *fields.IDENTITY, *fields.SPECIAL_CATEGORIES},
    Role.OUTREACH_OPERATOR: {*fields.RECORD, *fields.PROFILE},
    Role.PARTNER_OPERATOR: {"id", "case_number"},
}


@pytest.fixture
def person(world):
    """A person shared with the partner, with values found nowhere else on the pages."""
    person = PersonFactory(
        access_point=world.ap_a, first_name="Zebedeo", last_name="Quarantotti", birth_year=1983,
        birth_place="Asmara", birth_country="MA", tax_code="QRNZBD83A01Z368X", phone="3330001122",
        email="zebedeo.q@example.org", gender_identity="non binaria", household_notes="Vive con la sorella minore",
        legal_status=LegalStatus.IRREGULAR,
        residence_municipality=MunicipalityFactory(name="Borgo Residenza"),
        domicile_municipality=MunicipalityFactory(name="Villa Domicilio"),
    )
    person.citizenships.create(country="ER")
    group, _ = TargetGroup.objects.get_or_create(
        code="test-trafficking", defaults={"label_it": "Vittime di tratta (prova)", "label_en": "Trafficking victims"})
    person.target_groups.add(group)
    ResidencePermit.objects.create(person=person, kind=PermitKind.ART18_SPECIAL_PROTECTION, is_current=True,
                                   expires_on=datetime.date.today() + datetime.timedelta(days=400))
    case = CaseFactory(person=person)
    ConsentFactory(person=person, organisation=world.partner_org)
    ReferralFactory(person=person, case=case, organisation=world.partner_org)
    return person


# How each field shows on the pages: a value that appears only if the field does.
SHOWN_AS = {
    "case_number": lambda p: p.case_number,
    "birth_year": lambda p: "1983",
    "birth_country": lambda p: "Morocco",
    "citizenships": lambda p: "Eritrea",
    "residence_municipality": lambda p: "Borgo Residenza",
    "domicile_municipality": lambda p: "Villa Domicilio",
    "first_name": lambda p: "Zebedeo",
    "last_name": lambda p: "Quarantotti",
    "birth_place": lambda p: "Asmara",
    "tax_code": lambda p: "QRNZBD83A01Z368X",
    "phone": lambda p: "3330001122",
    "email": lambda p: "zebedeo.q@example.org",
    "gender_identity": lambda p: "non binaria",
    "household_notes": lambda p: "Vive con la sorella minore",
    "legal_status": lambda p: "Irregular",
    "target_groups": lambda p: "Trafficking victims",
    "current_permit": lambda p: "special cases / social protection",
}
# The same fields as the API writes them.
SENT_AS = {
    "legal_status": "irregular", "target_groups": "test-trafficking", "current_permit": "art18_special_protection",
    "citizenships": '"ER"', "tax_code": "QRNZBD83A01Z368X", "last_name": "Quarantotti",
    "household_notes": "Vive con la sorella minore",
}


@pytest.mark.parametrize("role", PERSONAS)
def test_it_returns_each_role_exactly_the_fields_declared_for_it(api_as, world, person, role):
    user = world.users[role.value]
    api = api_as(user)

    detail = api.get(f"/api/v1/persons/{person.pk}/")
    listed = api.get("/api/v1/persons/")

    assert detail.status_code == 200
    assert set(detail.json()) == EXPECTED_PERSON_KEYS[role] == fields.person_api_fields(user, person)
    assert [set(row) for row in listed.json()["results"]] == [EXPECTED_PERSON_KEYS[role]]


@pytest.mark.parametrize("role", PERSONAS)
def test_it_sends_no_value_of_a_field_left_out(api_as, world, person, role):
    shown = EXPECTED_PERSON_KEYS[role]
    api = api_as(world.users[role.value])

    for url in (f"/api/v1/persons/{person.pk}/", "/api/v1/persons/", "/api/v1/cases/", "/api/v1/referrals/"):
        body = api.get(url).content.decode()
        for name, value in SENT_AS.items():
            if name not in shown and not (url == "/api/v1/referrals/" and name == "last_name"):
                # (a partner's referral names the person while the referral is open and consented, as its page)
                assert value not in body, (url, name)


@pytest.mark.parametrize("role", STAFF)
def test_the_person_page_shows_the_same_fields_as_the_api(client, world, person, role):
    user = world.users[role.value]
    client.force_login(user)
    shown = fields.person_fields(user, person)

    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()

    assert shown == EXPECTED_PERSON_KEYS[role] - set(fields.RECORD)
    for name, value in SHOWN_AS.items():
        assert (value(person) in page) == (name in shown), name


def test_the_partners_pages_show_the_shared_view_only(client, world, person):
    partner = world.users["partner_operator"]
    client.force_login(partner)
    case = person.cases.get()
    referral = person.referrals.get()

    case_page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    referral_page = client.get(reverse("cases:referral_detail", args=[referral.pk])).content.decode()
    listed = client.get(reverse("cases:case_list")).content.decode()

    assert fields.person_fields(partner, person) == set(fields.SHARED)
    for page in (case_page, referral_page):
        assert person.case_number in page
    for name, value in SHOWN_AS.items():
        if name in fields.SHARED:
            continue
        assert value(person) not in case_page and value(person) not in listed, name
        if name not in fields.IDENTITY:  # the open referral names the person, with their consent
            assert value(person) not in referral_page, name


@pytest.mark.parametrize("role", PERSONAS)
def test_a_partner_gets_the_shared_case_and_staff_the_whole_case(api_as, world, person, role):
    case = person.cases.get()
    body = api_as(world.users[role.value]).get(f"/api/v1/cases/{case.pk}/").json()

    if role == Role.PARTNER_OPERATOR:
        assert set(body) == {"id", "number", "status"}
    else:
        assert {"person", "person_ref", "access_point", "opened_at"} <= set(body)


@pytest.mark.parametrize("role", STAFF)
def test_the_person_list_shows_the_legal_status_to_the_case_team_only(client, world, person, role):
    client.force_login(world.users[role.value])

    page = client.get(reverse("people:person_list")).content.decode()

    assert person.case_number in page
    assert ("Irregular" in page) == (role in CASE_TEAM)
    assert ('id="id_target_group"' in page) == (role in CASE_TEAM)


@pytest.mark.parametrize("role", STAFF)
def test_filters_on_special_categories_find_nobody_for_those_who_may_not_see_them(api_as, client, world, person,
                                                                                  role):
    user = world.users[role.value]
    client.force_login(user)

    api_rows = api_as(user).get("/api/v1/persons/", {"legal_status": "irregular"}).json()["results"]
    page = client.get(reverse("people:person_list"), {"target_group": person.target_groups.get().pk}).content.decode()

    assert bool(api_rows) == (role in CASE_TEAM)
    assert (person.case_number in page) == (role in CASE_TEAM)


def test_an_outreach_operator_cannot_change_special_category_data(api_as, world, person):
    response = api_as(world.users["outreach_operator"]).patch(
        f"/api/v1/persons/{person.pk}/", {"legal_status": "regular_permit"}, format="json")

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.legal_status == LegalStatus.IRREGULAR


def test_the_partners_list_costs_a_bounded_number_of_queries(api_as, world, person, django_assert_max_num_queries):
    for _ in range(5):
        shared = PersonFactory(access_point=world.ap_a)
        ConsentFactory(person=shared, organisation=world.partner_org)
        ReferralFactory(person=shared, organisation=world.partner_org)
    api = api_as(world.users["partner_operator"])

    with django_assert_max_num_queries(12):
        response = api.get("/api/v1/persons/")

    assert len(response.json()["results"]) == 6


@pytest.mark.parametrize("role", PERSONAS)
def test_a_partner_gets_the_shared_view_of_the_actions_it_provides(api_as, world, person, role):
    action = PlanActionFactory(goal__plan__case=person.cases.get(), provider=world.partner_org,
                               responsible=world.users["social_expert"])
    api = api_as(world.users[role.value])

    detail = api.get(f"/api/v1/plan-actions/{action.pk}/").json()
    listed = api.get("/api/v1/plan-actions/").json()["results"]

    if role == Role.PARTNER_OPERATOR:
        assert set(detail) == set(SHARED_ACTION_FIELDS) == set(listed[0])
    else:
        assert {"plan", "goal", "responsible"} | set(SHARED_ACTION_FIELDS) == set(detail) == set(listed[0])
