"""Referring from the directory: the "Refer" button of an offering leads to
the person picker, then to the outbound referral of the person's open case
with the offering already chosen."""

import re

import pytest
from django.urls import reverse

from pua.cases import referrals_views
from pua.cases.models import CaseStatus, Referral
from pua.cases.tests.factories import CaseFactory, PersonFactory
from pua.network.tests.search_factories import OfferingFactory, service

PICK = reverse("cases:referral_create_inbound")


def _outbound_url(case):
    return reverse("cases:referral_create_outbound", args=[case.pk])


@pytest.fixture
def mediation(world):
    return OfferingFactory(organisation=world.partner_org, service=service("F2.4.c"))


def test_it_leads_from_the_offering_to_the_open_case_of_the_person_found(world, login, mediation):
    person = PersonFactory(access_point=world.ap_a, case_number="P-2026-000777")
    CaseFactory(person=person, status=CaseStatus.CLOSED)
    case = CaseFactory(person=person, number="P-2026-000777/2", status=CaseStatus.TAKEN_IN_CHARGE)
    client = login(world.users["social_expert"])

    first = client.get(PICK, {"offering": mediation.pk})
    found = client.get(PICK, {"offering": mediation.pk, "q": "P-2026-000777"}, follow=True).content.decode()

    assert first.status_code == 200
    assert 'aria-invalid="true"' not in first.content.decode()  # nothing searched yet, nothing wrong
    assert f'name="offering" value="{mediation.pk}"' in first.content.decode()
    assert (f'href="{_outbound_url(case)}?service={mediation.service_id}&amp;offering={mediation.pk}"') in found
    assert f"?person={person.pk}" not in found  # not the inbound referral


def test_it_says_when_the_person_has_no_open_case(world, login, mediation, english_personas):
    person = PersonFactory(access_point=world.ap_a, case_number="P-2026-000778")
    CaseFactory(person=person, status=CaseStatus.CLOSED)

    html = login(world.users["social_expert"]).get(PICK, {"offering": mediation.pk, "q": "P-2026-000778"}, follow=True)

    assert "No open case" in html.content.decode()
    assert not re.search(r'href="/cases/\d+/referrals/new/', html.content.decode())


def test_it_ignores_an_offering_the_user_may_not_see(world, login):
    elsewhere = OfferingFactory(organisation=world.org_b, service=service("F2.4.c"))
    person = PersonFactory(access_point=world.ap_a, case_number="P-2026-000779")
    CaseFactory(person=person, status=CaseStatus.SCREENING)

    html = login(world.users["social_expert"]).get(PICK, {"offering": elsewhere.pk, "q": "P-2026-000779"},
                                                  follow=True).content

    assert f"?person={person.pk}" in html.decode()  # the plain inbound picker
    assert 'name="offering"' not in html.decode()


def test_it_preselects_the_offering_in_the_outbound_referral(world, login, mediation):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a), status=CaseStatus.SCREENING)
    nearer = [OfferingFactory(organisation=world.org_a, service=service("F2.4.c")) for _ in range(2)]
    client = login(world.users["social_expert"])

    html = client.get(_outbound_url(case), {"service": mediation.service_id, "offering": mediation.pk}).content

    assert re.search(rf'value="{mediation.pk}" id="offering-{mediation.pk}" checked', html.decode())
    assert not re.search(rf'value="{nearer[0].pk}" id="offering-{nearer[0].pk}" checked', html.decode())

    response = client.post(_outbound_url(case), {"service": mediation.service_id, "offering": mediation.pk,
                                                 "organisation": "", "reason": "Serve un mediatore"})

    assert response.status_code == 302
    assert Referral.objects.get(case=case).offering == mediation


def test_it_lists_the_preselected_offering_even_beyond_the_nearest(world, login, mediation):
    for _ in range(referrals_views.OFFERINGS_SHOWN):  # confirmed after it: listed before it
        OfferingFactory(organisation=world.org_a, service=service("F2.4.c"))
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a), status=CaseStatus.SCREENING)

    html = login(world.users["social_expert"]).get(
        _outbound_url(case), {"service": mediation.service_id, "offering": mediation.pk}).content.decode()

    assert f'id="offering-{mediation.pk}" checked' in html
    assert html.count('name="offering"') == referrals_views.OFFERINGS_SHOWN + 1


def test_it_keeps_the_picker_for_those_who_record_referrals(world, login, mediation):
    assert login(world.users["board_viewer"]).get(PICK, {"offering": mediation.pk}).status_code == 403
    assert login(world.users["partner_operator"]).get(PICK, {"offering": mediation.pk}).status_code == 403
