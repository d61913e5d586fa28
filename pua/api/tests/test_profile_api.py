"""The profile area of the API: catalogue, offerings, sites, contact persons
and organisation profiles — permissions, audit, error bodies, query counts."""

import datetime

import pytest
from django.utils import timezone

from pua.network.models import ContactPerson, Language, NetworkLink, Offering, Organisation, Service, Site
from pua.network.tests.profile_factories import ContactPersonFactory, OfferingFactory, SiteFactory, catalogue, cremona

from .assertions import assert_error, audit_entries, ids

SERVICES = "/api/v1/services/"
OFFERINGS = "/api/v1/offerings/"
SITES = "/api/v1/sites/"
CONTACTS = "/api/v1/contact-persons/"
PROFILES = "/api/v1/organisation-profiles/"


def _local_service(programme, code="F2.4.z"):
    parent = catalogue("F2.4")
    return Service.objects.create(code=code, programme=programme, parent=parent, level="service",
                                  label_it="Locale", label_en="Local", is_local=True, sort_key=f"{parent.sort_key}.z")


# --- services --------------------------------------------------------------------------------

def test_it_lists_the_catalogue_with_filters(api_as, world):
    api = api_as(world.users["board_viewer"])
    everything = api.get(SERVICES, {"page_size": 200}).json()
    assert everything["count"] == 50
    codes = lambda params: [row["code"] for row in api.get(SERVICES, params).json()["results"]]  # noqa: E731
    assert codes({"code": "F2.4.c"}) == ["F2.4.c"]
    assert codes({"code": "F2.2.b"}) == ["F2.5.g"]  # the alias
    assert codes({"area": "F2.6"}) == ["F2.6", "F2.6.a", "F2.6.b"]
    assert codes({"level": "phase"}) == ["F1", "F2", "F3"]
    row = api.get(SERVICES, {"code": "F2.4.c"}).json()["results"][0]
    assert row["label"] == "Mediazione linguistica" and row["label_en"] == "Linguistic mediation"
    assert row["parent_code"] == "F2.4" and row["programme"] is None and row["is_retired"] is False


def test_it_hides_retired_entries_unless_included(api_as, world):
    Service.objects.filter(code="F2.1.f").update(retired_at=timezone.now())
    api = api_as(world.users["social_expert"])
    assert api.get(SERVICES, {"code": "F2.1.f"}).json()["count"] == 0
    assert api.get(SERVICES, {"code": "F2.1.f", "include_retired": "true"}).json()["count"] == 1


def test_it_lets_a_director_create_a_local_service_and_audits_it(api_as, world):
    api = api_as(world.users["director"])
    response = api.post(SERVICES, {"parent": "F2.5", "code": "F2.5.h", "label_it": "Patente", "label_en": "Licence"},
                        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["programme"] == world.ap_a.programme_id and body["is_local"] and body["level"] == "service"
    service = Service.objects.get(pk=body["id"])
    assert audit_entries(service, "create").count() == 1


def test_it_reports_a_duplicate_code_with_the_error_body(api_as, world):
    api = api_as(world.users["director"])
    response = api.post(SERVICES, {"parent": "F2.5", "code": "F2.2.b", "label_it": "X", "label_en": "X"},
                        format="json")
    error = assert_error(response, 400, "invalid")
    assert "code" in error["fields"]


@pytest.mark.parametrize("role", ["social_expert", "partner_operator", "board_viewer"])
def test_it_refuses_creating_services_to_other_roles(api_as, world, role):
    response = api_as(world.users[role]).post(SERVICES, {"parent": "F2.5", "code": "Z1", "label_it": "X",
                                                         "label_en": "X"}, format="json")
    assert_error(response, 403)


def test_it_retires_local_entries_for_directors_and_shared_ones_for_admins(api_as, world, api):
    local = _local_service(world.ap_a.programme)
    shared = catalogue("F2.1.a")
    director = api_as(world.users["director"])
    assert director.post(f"{SERVICES}{local.pk}/retire/").json()["is_retired"] is True
    assert_error(director.post(f"{SERVICES}{shared.pk}/retire/"), 403)
    assert director.post(f"{SERVICES}{local.pk}/reactivate/").json()["is_retired"] is False
    api.logout()
    admin = api_as(world.users["admin"])
    assert admin.post(f"{SERVICES}{shared.pk}/retire/").status_code == 200
    assert audit_entries(local, "update").count() == 2
    assert audit_entries(shared, "update").count() == 1


def test_it_hides_another_programmes_local_entry(api_as, world):
    other = _local_service(world.ap_b.programme)
    api = api_as(world.users["director"])
    assert_error(api.get(f"{SERVICES}{other.pk}/"), 404)
    assert_error(api.post(f"{SERVICES}{other.pk}/retire/"), 404)


def test_it_has_no_way_to_delete_a_service(api_as, world):
    service = catalogue("F2.4.c")
    assert_error(api_as(world.users["admin"]).delete(f"{SERVICES}{service.pk}/"), 405)
    assert Service.objects.filter(pk=service.pk).exists()


# --- offerings -------------------------------------------------------------------------------

def _offering_body(org, **extra):
    body = {"organisation": org.pk, "service": "F2.4.c", "description": "Mediazione", "languages": ["ar", "fr"],
            "target_groups": ["migrant"], "referral_phone": "0372 407111"}
    body.update(extra)
    return body


def test_it_creates_an_offering_placed_and_confirmed_and_audits_it(api_as, world):
    site = SiteFactory(organisation=world.org_a)
    response = api_as(world.users["director"]).post(OFFERINGS, _offering_body(world.org_a, site=site.pk),
                                                    format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["service"] == "F2.4.c" and body["municipality"] == "019036"
    assert body["latitude"] == pytest.approx(cremona().latitude)
    assert body["languages"] == ["ar", "fr"] and body["referral_phone"] == "+39 0372 407111"
    assert body["is_stale"] is False and body["confirmed_days_ago"] == 0
    assert audit_entries(Offering.objects.get(pk=body["id"]), "create").count() == 1


def test_it_accepts_the_alias_code_for_an_offering(api_as, world):
    response = api_as(world.users["director"]).post(OFFERINGS, _offering_body(world.org_a, service="F2.2.b"),
                                                    format="json")
    assert response.status_code == 201, response.content
    assert response.json()["service"] == "F2.5.g"


@pytest.mark.parametrize("service,field", [("F2.4", "service"), ("F9.9.z", "service")])
def test_it_rejects_offerings_of_areas_or_unknown_codes(api_as, world, service, field):
    response = api_as(world.users["director"]).post(OFFERINGS, _offering_body(world.org_a, service=service),
                                                    format="json")
    assert field in assert_error(response, 400)["fields"]


def test_it_rejects_a_bad_referral_phone(api_as, world):
    response = api_as(world.users["director"]).post(OFFERINGS, _offering_body(world.org_a, referral_phone="12"),
                                                    format="json")
    assert "referral_phone" in assert_error(response, 400)["fields"]


@pytest.mark.parametrize("role,org_key,status", [
    ("director", "org_a", 201), ("partner_operator", "partner_org", 201), ("partner_operator", "org_a", 400),
    ("social_expert", "org_a", 403), ("board_viewer", "org_a", 403), ("director", "org_b", 400),
])
def test_it_applies_the_permission_matrix_to_creating_offerings(api_as, world, role, org_key, status):
    response = api_as(world.users[role]).post(OFFERINGS, _offering_body(getattr(world, org_key)), format="json")
    assert response.status_code == status, response.content


def test_it_updates_confirms_and_deactivates_an_offering(api_as, world):
    offering = OfferingFactory(organisation=world.org_a, last_confirmed_at=timezone.now() - datetime.timedelta(days=300))
    api = api_as(world.users["director"])
    url = f"{OFFERINGS}{offering.pk}/"
    assert api.get(url).json()["is_stale"] is True
    patched = api.patch(url, {"availability": "limited", "capacity": 4}, format="json")
    assert patched.status_code == 200 and patched.json()["availability"] == "limited"
    confirmed = api.post(f"{url}confirm/").json()
    assert confirmed["is_stale"] is False and confirmed["last_confirmed_by"] == world.users["director"].pk
    assert api.delete(url).status_code == 204
    offering.refresh_from_db()
    assert not offering.is_active
    assert {e.action for e in audit_entries(offering, "update")} == {"update"}
    assert audit_entries(offering, "update").count() == 2
    assert audit_entries(offering, "delete").count() == 1
    assert api.patch(url, {"is_active": True}, format="json").json()["is_active"] is True


def test_it_refuses_moving_an_offering_to_another_organisation(api_as, world):
    offering = OfferingFactory(organisation=world.org_a)
    response = api_as(world.users["director"]).patch(f"{OFFERINGS}{offering.pk}/",
                                                     {"organisation": world.partner_org.pk}, format="json")
    assert "organisation" in assert_error(response, 400)["fields"]


@pytest.mark.parametrize("role", ["social_expert", "board_viewer", "regional_coordinator"])
def test_it_lets_viewers_read_but_not_change_offerings(api_as, world, role):
    offering = OfferingFactory(organisation=world.org_a)
    api = api_as(world.users[role])
    assert api.get(f"{OFFERINGS}{offering.pk}/").status_code == 200
    assert_error(api.post(f"{OFFERINGS}{offering.pk}/confirm/"), 403)
    assert_error(api.patch(f"{OFFERINGS}{offering.pk}/", {"capacity": 1}, format="json"), 403)
    assert_error(api.delete(f"{OFFERINGS}{offering.pk}/"), 403)


def test_it_hides_offerings_of_another_access_point(api_as, world):
    offering = OfferingFactory(organisation=world.org_b)
    api = api_as(world.users["director"])
    assert offering.pk not in ids(api.get(OFFERINGS))
    assert_error(api.get(f"{OFFERINGS}{offering.pk}/"), 404)
    assert_error(api.post(f"{OFFERINGS}{offering.pk}/confirm/"), 404)


def test_it_filters_offerings(api_as, world):
    a = OfferingFactory(organisation=world.org_a, service=catalogue("F2.4.c"))
    b = OfferingFactory(organisation=world.partner_org, service=catalogue("F2.6.a"), availability="full",
                        last_confirmed_at=timezone.now() - datetime.timedelta(days=200))
    api = api_as(world.users["social_expert"])
    assert ids(api.get(OFFERINGS, {"service": "F2.4"})) == {a.pk}
    assert ids(api.get(OFFERINGS, {"service": "F2"})) == {a.pk, b.pk}
    assert ids(api.get(OFFERINGS, {"organisation": world.partner_org.pk})) == {b.pk}
    assert ids(api.get(OFFERINGS, {"availability": "full"})) == {b.pk}
    assert ids(api.get(OFFERINGS, {"stale": "true"})) == {b.pk}
    assert ids(api.get(OFFERINGS, {"stale": "false"})) == {a.pk}


def _bulk_offerings(count, world):
    sites = [SiteFactory(organisation=world.org_a), SiteFactory(organisation=world.partner_org)]
    services = list(Service.objects.filter(level="service", programme__isnull=True)[:8])
    offerings = Offering.objects.bulk_create(
        Offering(organisation=sites[n % 2].organisation, site=sites[n % 2], service=services[n % 8],
                 municipality=cremona(), last_confirmed_at=timezone.now())
        for n in range(count)
    )
    Through = Offering.languages.through
    languages = list(Language.objects.filter(code__in=["ar", "fr"]))
    Through.objects.bulk_create(Through(offering_id=o.pk, language_id=lang.pk) for o in offerings for lang in languages)


@pytest.mark.parametrize("count", [10, 500])
def test_it_lists_offerings_in_a_fixed_number_of_queries(api_as, world, count, django_assert_max_num_queries):
    _bulk_offerings(count, world)
    api = api_as(world.users["director"])
    # Session, user, grants, access point, count, page, target groups,
    # languages, then the session save (savepoint, update, release).
    with django_assert_max_num_queries(11):
        response = api.get(OFFERINGS, {"page_size": 200})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == count
    assert all(row["languages"] == ["ar", "fr"] for row in body["results"])


# --- sites -----------------------------------------------------------------------------------

def test_it_creates_updates_and_deletes_an_unused_site(api_as, world):
    api = api_as(world.users["partner_operator"])
    created = api.post(SITES, {"organisation": world.partner_org.pk, "name": "Sede", "municipality": "019036",
                               "phone": "0372 1234567"}, format="json")
    assert created.status_code == 201, created.content
    site = Site.objects.get(pk=created.json()["id"])
    assert created.json()["phone"].startswith("+39 0372")
    patched = api.patch(f"{SITES}{site.pk}/", {"latitude": 45.1, "longitude": 10.0}, format="json")
    assert patched.status_code == 200 and patched.json()["latitude"] == 45.1
    OfferingFactory(organisation=world.partner_org, site=site)
    assert_error(api.delete(f"{SITES}{site.pk}/"), 400)
    Offering.objects.filter(site=site).delete()
    assert api.delete(f"{SITES}{site.pk}/").status_code == 204
    assert {e.action for e in audit_entries(site, "create")} | {e.action for e in audit_entries(site, "delete")} == {
        "create", "delete"}


@pytest.mark.parametrize("role,status", [("director", 201), ("social_expert", 403), ("board_viewer", 403)])
def test_it_applies_the_permission_matrix_to_sites(api_as, world, role, status):
    response = api_as(world.users[role]).post(SITES, {"organisation": world.org_a.pk, "name": "Sede",
                                                      "municipality": "019036"}, format="json")
    assert response.status_code == status


def test_it_hides_sites_of_another_access_point(api_as, world):
    site = SiteFactory(organisation=world.org_b)
    api = api_as(world.users["director"])
    assert site.pk not in ids(api.get(SITES))
    assert_error(api.patch(f"{SITES}{site.pk}/", {"name": "X"}, format="json"), 404)


# --- contact persons -------------------------------------------------------------------------

@pytest.mark.parametrize("role,sees", [
    ("director", True), ("social_expert", True), ("outreach_operator", True), ("admin", True),
    ("board_viewer", False), ("regional_coordinator", False),
])
def test_it_shows_contact_persons_only_to_those_allowed(api_as, world, role, sees):
    person = ContactPersonFactory(organisation=world.org_a)
    api = api_as(world.users[role])
    assert (person.pk in ids(api.get(CONTACTS))) is sees
    assert api.get(f"{CONTACTS}{person.pk}/").status_code == (200 if sees else 404)


def test_it_lets_a_director_keep_contact_persons_with_audit(api_as, world):
    api = api_as(world.users["director"])
    created = api.post(CONTACTS, {"organisation": world.org_a.pk, "name": "Anna", "phone": "333 1234567"},
                       format="json")
    assert created.status_code == 201, created.content
    person = ContactPerson.objects.get(pk=created.json()["id"])
    assert api.patch(f"{CONTACTS}{person.pk}/", {"role": "Coordinatrice"}, format="json").status_code == 200
    assert api.delete(f"{CONTACTS}{person.pk}/").status_code == 204
    assert not ContactPerson.objects.filter(pk=person.pk).exists()
    for action in ("create", "update", "delete"):
        assert audit_entries(person, action).count() == 1


def test_it_refuses_contact_person_changes_to_an_expert_and_to_the_board(api_as, world, api):
    person = ContactPersonFactory(organisation=world.org_a)
    expert = api_as(world.users["social_expert"])
    assert_error(expert.patch(f"{CONTACTS}{person.pk}/", {"role": "X"}, format="json"), 403)
    assert_error(expert.post(CONTACTS, {"organisation": world.org_a.pk, "name": "X"}, format="json"), 403)
    api.logout()
    board = api_as(world.users["board_viewer"])
    assert_error(board.post(CONTACTS, {"organisation": world.org_a.pk, "name": "X"}, format="json"), 403)
    assert_error(board.delete(f"{CONTACTS}{person.pk}/"), 404)


# --- organisation profiles -------------------------------------------------------------------

def test_it_reads_and_patches_an_organisation_profile_with_audit(api_as, world):
    SiteFactory(organisation=world.org_a, name="Sede centrale")
    NetworkLink.objects.filter(organisation=world.org_a).update(relation="formal_partner", role="Gestore")
    api = api_as(world.users["director"])
    url = f"{PROFILES}{world.org_a.pk}/"
    body = api.get(url).json()
    assert body["sites"][0]["name"] == "Sede centrale" and body["sites"][0]["municipality"] == "019036"
    assert body["network_links"] == [{
        "access_point": world.ap_a.pk, "relation": "formal_partner", "role": "Gestore",
        "contributes_awareness": False, "contributes_outreach": False, "contributes_promotion": False,
        "contributes_services": False, "since": None,
    }]
    patched = api.patch(url, {"legal_form": "Cooperativa sociale", "languages": ["en", "ar"],
                              "territories": [world.ap_a.territory_id]}, format="json")
    assert patched.status_code == 200, patched.content
    assert sorted(patched.json()["languages"]) == ["ar", "en"]
    assert patched.json()["territories"] == [world.ap_a.territory_id]
    organisation = Organisation.objects.get(pk=world.org_a.pk)
    assert organisation.legal_form == "Cooperativa sociale"
    assert audit_entries(organisation, "update").get().changes["legal_form"] == ["", "Cooperativa sociale"]


def test_it_refuses_territories_outside_the_users_reach(api_as, world):
    response = api_as(world.users["director"]).patch(f"{PROFILES}{world.org_a.pk}/",
                                                     {"territories": [world.ap_b.territory_id]}, format="json")
    assert "territories" in assert_error(response, 400)["fields"]


@pytest.mark.parametrize("role,org_key,status", [
    ("director", "org_a", 200), ("partner_operator", "partner_org", 200), ("partner_operator", "org_a", 404),
    ("social_expert", "org_a", 403), ("board_viewer", "org_a", 403), ("director", "org_b", 404),
])
def test_it_applies_the_permission_matrix_to_profiles(api_as, world, role, org_key, status):
    response = api_as(world.users[role]).patch(f"{PROFILES}{getattr(world, org_key).pk}/", {"sector": "Q"},
                                               format="json")
    assert response.status_code == status


def test_it_has_no_list_of_organisation_profiles(api_as, world):
    assert_error(api_as(world.users["director"]).get(PROFILES), 404)


def test_it_filters_sites_and_contact_persons_by_organisation_without_probing(api_as, world):
    own = SiteFactory(organisation=world.org_a)
    SiteFactory(organisation=world.partner_org)
    SiteFactory(organisation=world.org_b)
    person = ContactPersonFactory(organisation=world.org_a)
    api = api_as(world.users["director"])
    assert ids(api.get(SITES, {"organisation": world.org_a.pk})) == {own.pk}
    assert ids(api.get(CONTACTS, {"organisation": world.org_a.pk})) == {person.pk}
    # Another access point's organisation answers as a missing one: an empty list.
    assert ids(api.get(SITES, {"organisation": world.org_b.pk})) == set()
    assert ids(api.get(SITES, {"organisation": 999999})) == set()
