"""Offerings in HTML: who may add and edit them, where they are placed,
confirming them, the stale flag, deactivating, and the offerings list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pua.core.models import AuditEntry
from pua.network.models import Offering, Organisation, Service, TargetGroup
from pua.network.tests.factories import MunicipalityFactory
from pua.network.tests.profile_factories import OfferingFactory, SiteFactory, catalogue, cremona

LIST_URL = reverse("network:offering_list")


def _create_url(org):
    return reverse("network:offering_create", args=[org.pk])


def _form_data(**extra):
    data = {
        "service": catalogue("F2.4.c").pk, "availability": "available", "legal_status": "none", "cost": "free",
        "description": "Mediazione in arabo e francese.",
    }
    data.update(extra)
    return data


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


# --- creating --------------------------------------------------------------------------------

def test_it_lets_a_director_add_an_offering_placed_at_its_site_and_audits_it(world, login):
    site = SiteFactory(organisation=world.org_a, latitude=45.1, longitude=10.0)
    groups = list(TargetGroup.objects.filter(code__in=["migrant", "women"]))
    client = login(world.users["director"])
    response = client.post(_create_url(world.org_a), _form_data(
        site=site.pk, target_groups=[g.pk for g in groups], referral_phone="0372 407111",
    ))
    offering = Offering.objects.get(organisation=world.org_a)
    assert response.status_code == 302
    assert (offering.latitude, offering.longitude, offering.municipality) == (45.1, 10.0, cremona())
    assert offering.referral_phone == "+39 0372 407111"
    assert set(offering.target_groups.all()) == set(groups)
    assert offering.last_confirmed_by == world.users["director"]
    entry = AuditEntry.objects.get(object_type="network.offering", object_id=str(offering.pk), action="create")
    assert entry.changes["service"] == [None, catalogue("F2.4.c").pk]
    assert sorted(entry.changes["target_groups"][1]) == sorted(g.pk for g in groups)


def test_it_places_an_offering_without_site_at_the_organisations_municipality(world, login):
    Organisation.objects.filter(pk=world.org_a.pk).update(municipality=cremona())
    login(world.users["director"]).post(_create_url(world.org_a), _form_data())
    offering = Offering.objects.get(organisation=world.org_a)
    assert offering.municipality == cremona()
    assert offering.latitude == pytest.approx(cremona().latitude)


def test_it_places_an_offering_at_its_sites_municipality_when_the_site_has_no_point(world, login):
    site = SiteFactory(organisation=world.org_a)
    login(world.users["director"]).post(_create_url(world.org_a), _form_data(site=site.pk))
    offering = Offering.objects.get(organisation=world.org_a)
    assert (offering.latitude, offering.longitude) == (cremona().latitude, cremona().longitude)


def test_it_lets_a_partner_add_offerings_to_its_own_organisation_only(world, login):
    client = login(world.users["partner_operator"])
    assert client.post(_create_url(world.partner_org), _form_data()).status_code == 302
    assert client.get(_create_url(world.org_a)).status_code == 404
    assert Offering.objects.filter(organisation=world.partner_org).count() == 1


@pytest.mark.parametrize("role,status", [
    ("director", 200), ("admin", 200), ("social_expert", 403), ("labour_expert", 403), ("outreach_operator", 403),
    ("board_viewer", 403), ("regional_coordinator", 403), ("partner_operator", 404),
])
def test_it_applies_the_permission_matrix_to_adding_offerings(world, login, role, status):
    assert login(world.users[role]).get(_create_url(world.org_a)).status_code == status


def test_it_hides_another_access_points_organisation_from_offering_forms(world, login):
    assert login(world.users["director"]).post(_create_url(world.org_b), _form_data()).status_code == 404
    assert not Offering.objects.exists()


@pytest.mark.parametrize("code", ["F2.4", "F2", "F1.1.a-retired"])
def test_it_accepts_only_active_services_as_offerings(world, login, code):
    if code.endswith("-retired"):
        code = code.removesuffix("-retired")
        Service.objects.filter(code=code).update(retired_at=timezone.now())
    client = login(world.users["director"])
    response = client.post(_create_url(world.org_a), _form_data(service=catalogue(code).pk))
    assert response.status_code == 200
    assert "service" in response.context["form"].errors


def test_it_refuses_a_site_of_another_organisation(world, login):
    foreign = SiteFactory(organisation=world.partner_org)
    response = login(world.users["director"]).post(_create_url(world.org_a), _form_data(site=foreign.pk))
    assert "site" in response.context["form"].errors


def test_it_rejects_an_invalid_referral_phone(world, login):
    response = login(world.users["director"]).post(_create_url(world.org_a), _form_data(referral_phone="abc"))
    assert "referral_phone" in response.context["form"].errors


# --- editing, confirming, deactivating ------------------------------------------------------

def test_it_edits_an_offering_keeping_its_retired_service_and_audits_it(world, login):
    offering = OfferingFactory(organisation=world.org_a, service=catalogue("F2.1.f"))
    Service.objects.filter(code="F2.1.f").update(retired_at=timezone.now())
    client = login(world.users["director"])
    response = client.post(reverse("network:offering_edit", args=[offering.pk]),
                           _form_data(service=offering.service_id, availability="waiting_list"))
    assert response.status_code == 302
    offering.refresh_from_db()
    assert offering.availability == "waiting_list"
    entry = AuditEntry.objects.get(object_type="network.offering", object_id=str(offering.pk), action="update")
    assert entry.changes["availability"] == ["available", "waiting_list"]


def test_it_confirms_an_offering_and_clears_the_stale_flag(world, login):
    offering = OfferingFactory(organisation=world.org_a, last_confirmed_at=_days_ago(200))
    client = login(world.users["director"])
    page = client.get(reverse("network:offering_detail", args=[offering.pk]))
    assert page.context["offering"].is_stale
    assert page.context["offering"].confirmed_days_ago == 200
    assert client.get(reverse("network:offering_confirm", args=[offering.pk])).status_code == 405
    assert client.post(reverse("network:offering_confirm", args=[offering.pk])).status_code == 302
    offering.refresh_from_db()
    assert offering.last_confirmed_by == world.users["director"]
    assert timezone.now() - offering.last_confirmed_at < datetime.timedelta(minutes=1)
    page = client.get(reverse("network:offering_detail", args=[offering.pk]))
    assert not page.context["offering"].is_stale
    assert AuditEntry.objects.filter(object_type="network.offering", object_id=str(offering.pk),
                                     changes__has_key="last_confirmed_at").exists()


@pytest.mark.parametrize("days,stale", [(0, False), (179, False), (181, True), (400, True)])
def test_it_flags_offerings_not_confirmed_for_more_than_180_days(world, login, days, stale):
    offering = OfferingFactory(organisation=world.org_a, last_confirmed_at=_days_ago(days) + datetime.timedelta(
        minutes=5))
    page = login(world.users["social_expert"]).get(LIST_URL)
    row = next(o for o in page.context["page"].object_list if o.pk == offering.pk)
    assert row.is_stale is stale
    stale_only = login(world.users["social_expert"]).get(LIST_URL, {"stale": "on"})
    assert (offering in stale_only.context["page"].object_list) is stale


def test_it_lets_a_partner_confirm_its_own_offering_but_not_a_viewer(world, login):
    offering = OfferingFactory(organisation=world.partner_org, last_confirmed_at=_days_ago(300))
    assert login(world.users["social_expert"]).post(
        reverse("network:offering_confirm", args=[offering.pk])).status_code == 403
    assert login(world.users["partner_operator"]).post(
        reverse("network:offering_confirm", args=[offering.pk])).status_code == 302


def test_it_deactivates_instead_of_deleting_and_reactivates(world, login):
    offering = OfferingFactory(organisation=world.org_a)
    client = login(world.users["director"])
    client.post(reverse("network:offering_set_active", args=[offering.pk]), {"active": "0"})
    offering.refresh_from_db()
    assert not offering.is_active
    assert AuditEntry.objects.filter(object_type="network.offering", object_id=str(offering.pk),
                                     action="delete").exists()
    assert offering not in client.get(LIST_URL).context["page"].object_list
    assert offering in client.get(LIST_URL, {"active": "0"}).context["page"].object_list
    client.post(reverse("network:offering_set_active", args=[offering.pk]), {"active": "1"})
    offering.refresh_from_db()
    assert offering.is_active


@pytest.mark.parametrize("role", ["social_expert", "board_viewer", "regional_coordinator"])
def test_it_refuses_offering_changes_to_viewers(world, login, role):
    offering = OfferingFactory(organisation=world.org_a)
    client = login(world.users[role])
    assert client.get(reverse("network:offering_detail", args=[offering.pk])).status_code == 200
    assert client.get(reverse("network:offering_edit", args=[offering.pk])).status_code == 403
    assert client.post(reverse("network:offering_set_active", args=[offering.pk]), {"active": "0"}).status_code == 403


def test_it_hides_offerings_of_another_access_point(world, login):
    offering = OfferingFactory(organisation=world.org_b)
    client = login(world.users["director"])
    assert client.get(reverse("network:offering_detail", args=[offering.pk])).status_code == 404
    assert client.post(reverse("network:offering_confirm", args=[offering.pk])).status_code == 404
    assert offering not in client.get(LIST_URL, {"active": "all"}).context["page"].object_list


# --- the list --------------------------------------------------------------------------------

def test_it_filters_offerings_by_service_area_organisation_and_availability(world, login):
    mediation = OfferingFactory(organisation=world.org_a, service=catalogue("F2.4.c"))
    legal = OfferingFactory(organisation=world.partner_org, service=catalogue("F2.4.g"), availability="full")
    housing = OfferingFactory(organisation=world.org_a, service=catalogue("F2.6.a"))
    client = login(world.users["social_expert"])

    def listed(**params):
        return set(client.get(LIST_URL, params).context["page"].object_list)

    assert listed() == {mediation, legal, housing}
    assert listed(service=catalogue("F2.4.c").pk) == {mediation}
    assert listed(service=catalogue("F2.4").pk) == {mediation, legal}
    assert listed(service=catalogue("F2").pk) == {mediation, legal, housing}
    assert listed(organisation=world.org_a.pk) == {mediation, housing}
    assert listed(availability="full") == {legal}
    assert listed(q="Partner") == {legal}


def test_it_returns_only_the_results_fragment_to_htmx(world, login):
    OfferingFactory(organisation=world.org_a)
    response = login(world.users["director"]).get(LIST_URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="offering-results")
    body = response.content.decode()
    assert "F2.4.c" in body and "<html" not in body


def _bulk_offerings(count, world):
    municipality = MunicipalityFactory()
    organisations = [world.org_a, world.partner_org, world.home_org_a]
    sites = [SiteFactory(organisation=org, municipality=municipality) for org in organisations]
    services = list(Service.objects.filter(level="service", programme__isnull=True)[:10])
    Offering.objects.bulk_create(
        Offering(organisation=organisations[n % 3], site=sites[n % 3] if n % 2 else None,
                 service=services[n % len(services)], municipality=municipality,
                 last_confirmed_at=_days_ago(n % 365))
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 500])
def test_it_lists_offerings_in_a_fixed_number_of_queries(world, login, count, django_assert_max_num_queries):
    _bulk_offerings(count, world)
    client = login(world.users["director"])
    with django_assert_max_num_queries(11):
        response = client.get(LIST_URL, {"page": 2} if count > 25 else {})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    assert len(response.context["page"].object_list) == min(count, 25)
