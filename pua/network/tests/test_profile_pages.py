"""Organisation profiles in HTML: the profile form, sites, contact persons
and network links, and what the organisation page shows to whom."""

import pytest
from django.urls import reverse

from pua.core.models import AuditEntry
from pua.network.models import ContactPerson, Language, NetworkLink, Offering, Site
from pua.network.tests.profile_factories import ContactPersonFactory, OfferingFactory, SiteFactory, cremona


def _detail(org):
    return reverse("network:organisation_detail", args=[org.pk])


def _audit(obj, action):
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


# --- the organisation page -------------------------------------------------------------------

def test_it_shows_the_profile_sites_offerings_and_links_on_the_organisation_page(world, login):
    org = world.org_a
    org.legal_form = "Cooperativa sociale"
    org.save()
    org.languages.set(Language.objects.filter(code__in=["ar", "fr"]))
    site = SiteFactory(organisation=org, name="Sede centrale")
    OfferingFactory(organisation=org, site=site)
    NetworkLink.objects.filter(organisation=org).update(relation="formal_partner", role="Ente gestore")
    body = login(world.users["social_expert"]).get(_detail(org)).content.decode()
    assert "Cooperativa sociale" in body
    assert "Sede centrale" in body
    assert "F2.4.c" in body
    assert "Ente gestore" in body
    assert "arabo" in body.lower() or "arabic" in body.lower()


@pytest.mark.parametrize("role,sees", [
    ("director", True), ("social_expert", True), ("labour_expert", True), ("outreach_operator", True),
    ("board_viewer", False), ("regional_coordinator", False), ("admin", True),
])
def test_it_shows_contact_persons_only_to_those_allowed(world, login, role, sees):
    ContactPersonFactory(organisation=world.org_a, name="Giulia Referente")
    response = login(world.users[role]).get(_detail(world.org_a))
    assert response.status_code == 200
    assert ("Giulia Referente" in response.content.decode()) is sees
    assert (response.context["profile"]["contact_persons"] is not None) is sees


def test_it_shows_a_partner_its_own_contact_persons(world, login):
    ContactPersonFactory(organisation=world.partner_org, name="Marco Partner")
    body = login(world.users["partner_operator"]).get(_detail(world.partner_org)).content.decode()
    assert "Marco Partner" in body


@pytest.mark.parametrize("role", ["board_viewer", "regional_coordinator"])
def test_it_hides_contact_person_pages_from_board_and_coordinators(world, login, role):
    person = ContactPersonFactory(organisation=world.org_a)
    client = login(world.users[role])
    assert client.get(reverse("network:contact_person_create", args=[world.org_a.pk])).status_code == 404
    assert client.get(reverse("network:contact_person_edit", args=[person.pk])).status_code == 404
    assert client.post(reverse("network:contact_person_delete", args=[person.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_it_shows_the_organisation_page_in_a_fixed_number_of_queries(world, login, count,
                                                                     django_assert_max_num_queries):
    org = world.org_a
    sites = [SiteFactory(organisation=org) for _ in range(count)]
    for n in range(count):
        OfferingFactory(organisation=org, site=sites[n])
        ContactPersonFactory(organisation=org)
    org.languages.set(Language.objects.all()[:count])
    client = login(world.users["director"])
    with django_assert_max_num_queries(16):
        response = client.get(_detail(org))
    assert response.status_code == 200
    assert len(response.context["profile"]["offerings"]) == count


# --- profile ---------------------------------------------------------------------------------

def test_it_lets_a_director_edit_the_profile_and_audits_it(world, login):
    client = login(world.users["director"])
    url = reverse("network:organisation_profile_edit", args=[world.org_a.pk])
    languages = list(Language.objects.filter(code__in=["en", "ar"]))
    response = client.post(url, {
        "legal_form": "Cooperativa sociale di tipo B", "sector": "Q — Sanità e assistenza sociale",
        "description": "Inserimento lavorativo.", "territories": [world.ap_a.territory_id],
        "languages": [lang.pk for lang in languages],
    })
    assert response.status_code == 302
    org = world.org_a
    org.refresh_from_db()
    assert org.legal_form == "Cooperativa sociale di tipo B"
    assert list(org.territories.all()) == [world.ap_a.territory]
    assert set(org.languages.all()) == set(languages)
    entry = _audit(org, "update").get()
    assert entry.changes["legal_form"] == ["", "Cooperativa sociale di tipo B"]
    assert entry.changes["territories"] == [[], [world.ap_a.territory_id]]


def test_it_offers_only_visible_territories_in_the_profile_form(world, login):
    response = login(world.users["director"]).get(
        reverse("network:organisation_profile_edit", args=[world.org_a.pk]))
    territories = set(response.context["form"].fields["territories"].queryset)
    assert territories == {world.ap_a.territory}
    posted = login(world.users["director"]).post(
        reverse("network:organisation_profile_edit", args=[world.org_a.pk]),
        {"territories": [world.ap_b.territory_id]},
    )
    assert "territories" in posted.context["form"].errors


def test_it_lets_a_partner_edit_its_own_profile_only(world, login):
    client = login(world.users["partner_operator"])
    own = reverse("network:organisation_profile_edit", args=[world.partner_org.pk])
    assert client.post(own, {"sector": "Terzo settore"}).status_code == 302
    assert client.get(reverse("network:organisation_profile_edit", args=[world.org_a.pk])).status_code == 404


@pytest.mark.parametrize("role", ["social_expert", "board_viewer", "regional_coordinator"])
def test_it_refuses_profile_editing_to_viewers(world, login, role):
    url = reverse("network:organisation_profile_edit", args=[world.org_a.pk])
    assert login(world.users[role]).post(url, {"sector": "X"}).status_code == 403


def test_it_hides_another_access_points_organisation_profile(world, login):
    url = reverse("network:organisation_profile_edit", args=[world.org_b.pk])
    assert login(world.users["director"]).get(url).status_code == 404


# --- sites -----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["019036", "Cremona (CR)", "cremona (cr)"])
def test_it_adds_a_site_with_the_municipality_typed_as_code_or_name(world, login, typed):
    client = login(world.users["director"])
    response = client.post(reverse("network:site_create", args=[world.org_a.pk]), {
        "name": "Sportello", "address": "Via Dante 3", "municipality": typed, "phone": "0372 407111",
    })
    assert response.status_code == 302
    site = Site.objects.get(organisation=world.org_a, name="Sportello")
    assert site.municipality == cremona()
    assert site.phone == "+39 0372 407111"
    assert site.latitude is None
    assert _audit(site, "create").get().changes["name"] == [None, "Sportello"]


@pytest.mark.parametrize("typed", ["Nowhere (ZZ)", "999999", "Castro"])
def test_it_rejects_an_unknown_or_ambiguous_municipality(world, login, typed):
    client = login(world.users["director"])
    response = client.post(reverse("network:site_create", args=[world.org_a.pk]),
                           {"name": "Sportello", "municipality": typed})
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert f'value="{typed}"' in response.content.decode()


def test_it_rejects_an_invalid_phone_number(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:site_create", args=[world.org_a.pk]),
                           {"name": "Sportello", "municipality": "019036", "phone": "12"})
    assert "phone" in response.context["form"].errors


def test_it_rejects_half_coordinates(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:site_create", args=[world.org_a.pk]),
                           {"name": "Sportello", "municipality": "019036", "latitude": "45.1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Site.objects.filter(name="Sportello").exists()


def test_it_rejects_a_duplicate_site_name(world, login):
    SiteFactory(organisation=world.org_a, name="Sede")
    response = login(world.users["director"]).post(reverse("network:site_create", args=[world.org_a.pk]),
                                                   {"name": "Sede", "municipality": "019036"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_it_suggests_municipalities_as_the_user_types(world, login):
    client = login(world.users["director"])
    response = client.get(reverse("network:municipality_search"), {"municipality": "Cremo"})
    assert response.status_code == 200
    assert '<option value="Cremona (CR)">019036</option>' in response.content.decode()
    assert client.get(reverse("network:municipality_search"), {"q": "0190"}).content.decode().count("<option") == 20


def test_it_edits_a_site_moves_its_offerings_and_audits_it(world, login):
    site = SiteFactory(organisation=world.org_a)
    offering = OfferingFactory(organisation=world.org_a, site=site, latitude=45.13, longitude=10.02,
                               municipality=cremona())
    client = login(world.users["director"])
    form = client.get(reverse("network:site_edit", args=[site.pk]))
    assert 'value="Cremona (CR)"' in form.content.decode()
    response = client.post(reverse("network:site_edit", args=[site.pk]), {
        "name": site.name, "municipality": "058091", "latitude": "41.9", "longitude": "12.5",
    })
    assert response.status_code == 302
    offering.refresh_from_db()
    assert (offering.latitude, offering.longitude, offering.municipality.istat_code) == (41.9, 12.5, "058091")
    assert _audit(site, "update").get().changes["municipality"][1] != cremona().pk


def test_it_deletes_only_an_unused_site(world, login):
    used = SiteFactory(organisation=world.org_a)
    OfferingFactory(organisation=world.org_a, site=used)
    unused = SiteFactory(organisation=world.org_a)
    client = login(world.users["director"])
    client.post(reverse("network:site_delete", args=[used.pk]))
    assert Site.objects.filter(pk=used.pk).exists()
    client.post(reverse("network:site_delete", args=[unused.pk]))
    assert not Site.objects.filter(pk=unused.pk).exists()
    assert AuditEntry.objects.filter(object_type="network.site", object_id=str(unused.pk), action="delete").exists()


@pytest.mark.parametrize("role,status", [
    ("director", 302), ("partner_operator", 404), ("social_expert", 403), ("board_viewer", 403),
])
def test_it_applies_the_permission_matrix_to_sites(world, login, role, status):
    response = login(world.users[role]).post(reverse("network:site_create", args=[world.org_a.pk]),
                                             {"name": "Sede matrice", "municipality": "019036"})
    assert response.status_code == status


def test_it_lets_a_partner_keep_its_own_sites_but_not_another_access_points(world, login):
    client = login(world.users["partner_operator"])
    response = client.post(reverse("network:site_create", args=[world.partner_org.pk]),
                           {"name": "Sede partner", "municipality": "019036"})
    assert response.status_code == 302
    other = SiteFactory(organisation=world.org_b)
    assert login(world.users["director"]).get(reverse("network:site_edit", args=[other.pk])).status_code == 404


# --- contact persons -------------------------------------------------------------------------

def test_it_adds_edits_and_removes_a_contact_person_with_audit(world, login):
    client = login(world.users["director"])
    client.post(reverse("network:contact_person_create", args=[world.org_a.pk]),
                {"name": "Anna Bianchi", "role": "Coordinatrice", "phone": "333 1234567", "email": "anna@example.org"})
    person = ContactPerson.objects.get(name="Anna Bianchi")
    assert person.phone == "+39 333 123 4567"
    client.post(reverse("network:contact_person_edit", args=[person.pk]),
                {"name": "Anna Bianchi", "role": "Responsabile", "phone": "", "email": ""})
    person.refresh_from_db()
    assert person.role == "Responsabile"
    client.post(reverse("network:contact_person_delete", args=[person.pk]))
    assert not ContactPerson.objects.filter(pk=person.pk).exists()
    assert {e.action for e in AuditEntry.objects.filter(object_type="network.contactperson",
                                                         object_id=str(person.pk))} == {"create", "update", "delete"}


def test_it_refuses_contact_person_changes_to_an_operator_without_the_right(world, login):
    person = ContactPersonFactory(organisation=world.org_a)
    client = login(world.users["social_expert"])
    assert client.get(reverse("network:contact_person_edit", args=[person.pk])).status_code == 403
    assert client.post(reverse("network:contact_person_delete", args=[person.pk])).status_code == 403


def test_it_hides_contact_persons_of_another_access_point(world, login):
    person = ContactPersonFactory(organisation=world.org_b)
    assert login(world.users["director"]).get(
        reverse("network:contact_person_edit", args=[person.pk])).status_code == 404


# --- network links ---------------------------------------------------------------------------

def test_it_lets_a_director_set_the_relation_in_their_network(world, login):
    link = NetworkLink.objects.get(organisation=world.org_a, accesspoint=world.ap_a)
    client = login(world.users["director"])
    url = reverse("network:network_link_edit", args=[link.pk])
    refused = client.post(url, {"relation": "formal_partner", "role": ""})
    assert "role" in refused.context["form"].errors
    response = client.post(url, {"relation": "informal_network", "contributes_outreach": "on",
                                 "contributes_services": "on", "since": "2025-03-01"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.contributes_outreach and link.contributes_services and not link.contributes_awareness
    client.post(url, {"relation": "formal_partner", "role": "Contratto di servizio 2025"})
    link.refresh_from_db()
    assert link.relation == "formal_partner" and link.role == "Contratto di servizio 2025"
    assert _audit(link, "update").count() == 2


def test_it_lets_a_director_edit_only_the_links_of_access_points_they_direct(world, login):
    world.org_a.access_points.add(world.ap_b)
    link_b = NetworkLink.objects.get(organisation=world.org_a, accesspoint=world.ap_b)
    # ap_b is invisible to the director of A: so is the link.
    assert login(world.users["director"]).get(reverse("network:network_link_edit", args=[link_b.pk])).status_code == 404
    link_a = NetworkLink.objects.get(organisation=world.org_a, accesspoint=world.ap_a)
    assert login(world.other_director).get(reverse("network:network_link_edit", args=[link_a.pk])).status_code == 404
    page = login(world.users["director"]).get(_detail(world.org_a))
    assert [link.accesspoint for link, _editable in page.context["profile"]["network_links"]] == [world.ap_a]


@pytest.mark.parametrize("role", ["social_expert", "partner_operator", "board_viewer"])
def test_it_refuses_network_link_changes_to_other_roles(world, login, role):
    org = world.partner_org
    link = NetworkLink.objects.get(organisation=org, accesspoint=world.ap_a)
    response = login(world.users[role]).post(reverse("network:network_link_edit", args=[link.pk]),
                                             {"relation": "formal_partner", "role": "X"})
    assert response.status_code in (403, 404)
    link.refresh_from_db()
    assert link.relation == "informal_network"


def test_it_keeps_offerings_when_a_site_cannot_be_deleted(world, login):
    site = SiteFactory(organisation=world.org_a)
    OfferingFactory(organisation=world.org_a, site=site)
    response = login(world.users["director"]).post(reverse("network:site_delete", args=[site.pk]), follow=True)
    assert response.status_code == 200
    assert Offering.objects.filter(site=site).count() == 1
