import pytest
from django.urls import reverse

from pua.core.models import AuditEntry
from pua.network.models import Organisation
from pua.network.tests.factories import OrganisationFactory

VALID_VAT = "01234560199"  # passes the partita IVA check digit; synthetic


def _bulk_organisations(count, access_point):
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Ente {i:05d}", kind="social_coop_a") for i in range(count)
    )
    Through = Organisation.access_points.through
    Through.objects.bulk_create(Through(organisation_id=o.pk, accesspoint_id=access_point.pk) for o in orgs)


@pytest.mark.parametrize("count", [10, 1000])
def test_it_lists_organisations_with_a_fixed_number_of_queries(world, login, count, django_assert_max_num_queries):
    _bulk_organisations(count, world.ap_a)
    client = login(world.users["director"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("network:organisation_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(25, count + 3)


def test_it_searches_and_filters_organisations(world, login):
    client = login(world.users["social_expert"])
    response = client.get(reverse("network:organisation_list"), {"q": "alfa"})
    names = [o.name for o in response.context["page"].object_list]
    assert names == ["Comune Alfa", "Cooperativa Alfa"]
    response = client.get(reverse("network:organisation_list"), {"kind": "volunteer_association"})
    assert [o.name for o in response.context["page"].object_list] == ["Associazione Partner"]


def test_it_returns_only_the_results_fragment_to_htmx(world, login):
    client = login(world.users["director"])
    response = client.get(reverse("network:organisation_list"), {"q": "alfa"},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="organisation-results")
    body = response.content.decode()
    assert "Cooperativa Alfa" in body
    assert "<html" not in body


def test_it_hides_organisations_of_another_access_point(world, login):
    client = login(world.users["director"])
    listed = client.get(reverse("network:organisation_list")).content.decode()
    assert "Cooperativa Beta" not in listed
    response = client.get(reverse("network:organisation_detail", args=[world.org_b.pk]))
    assert response.status_code == 404


def test_it_lets_a_director_create_an_organisation_and_audits_it(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:organisation_create"), {
        "name": "Cooperativa Nuova", "kind": "social_coop_b", "vat_number": VALID_VAT,
        "access_points": [world.ap_a.pk],
    })
    organisation = Organisation.objects.get(name="Cooperativa Nuova")
    assert response.status_code == 302
    assert list(organisation.access_points.all()) == [world.ap_a]
    entry = AuditEntry.objects.get(action="create", object_type="network.organisation", object_id=str(organisation.pk))
    assert entry.actor == world.users["director"]
    assert entry.changes["name"] == [None, "Cooperativa Nuova"]


def test_it_rejects_an_invalid_vat_number_and_keeps_the_input(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:organisation_create"), {
        "name": "Cooperativa Errata", "kind": "social_coop_b", "vat_number": "01234560190",
        "access_points": [world.ap_a.pk],
    })
    assert response.status_code == 200
    assert "vat_number" in response.context["form"].errors
    assert 'value="Cooperativa Errata"' in response.content.decode()
    assert not Organisation.objects.filter(name="Cooperativa Errata").exists()


def test_it_refuses_to_put_an_organisation_in_another_access_points_network(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:organisation_create"), {
        "name": "Intrusa", "kind": "social_coop_b", "access_points": [world.ap_b.pk],
    })
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Intrusa").exists()


def test_it_records_changed_fields_when_an_organisation_is_edited(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:organisation_edit", args=[world.org_a.pk]), {
        "name": "Cooperativa Alfa", "kind": "social_coop_a", "phone": "0372 123456",
        "access_points": [world.ap_a.pk],
    })
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="update", object_id=str(world.org_a.pk))
    assert entry.changes == {"kind": ["social_coop_b", "social_coop_a"], "phone": ["", "0372 123456"]}


def test_it_lets_a_partner_edit_only_its_own_organisation(world, login):
    client = login(world.users["partner_operator"])
    own = client.post(reverse("network:organisation_edit", args=[world.partner_org.pk]), {
        "name": "Associazione Partner", "kind": "volunteer_association", "email": "info@example.org",
    })
    assert own.status_code == 302
    world.partner_org.refresh_from_db()
    assert world.partner_org.email == "info@example.org"
    assert client.get(reverse("network:organisation_edit", args=[world.org_a.pk])).status_code == 404


@pytest.mark.parametrize("role", ["board_viewer", "social_expert", "outreach_operator"])
def test_it_refuses_edits_to_roles_that_only_read_the_network(world, login, role):
    client = login(world.users[role])
    assert client.get(reverse("network:organisation_detail", args=[world.org_a.pk])).status_code == 200
    assert client.get(reverse("network:organisation_edit", args=[world.org_a.pk])).status_code == 403
    assert client.post(reverse("network:organisation_set_active", args=[world.org_a.pk]),
                       {"active": "0"}).status_code == 403


def test_it_deactivates_instead_of_deleting(world, login):
    client = login(world.users["director"])
    client.post(reverse("network:organisation_set_active", args=[world.org_a.pk]), {"active": "0"})
    world.org_a.refresh_from_db()
    assert world.org_a.is_active is False
    assert AuditEntry.objects.filter(action="delete", object_id=str(world.org_a.pk)).exists()


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get(reverse("network:organisation_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_pages_long_lists(world, login):
    for i in range(30):
        OrganisationFactory(name=f"Zeta {i:02d}", access_points=[world.ap_a])
    client = login(world.users["director"])
    page2 = client.get(reverse("network:organisation_list"), {"q": "Zeta", "page": 2})
    assert [o.name for o in page2.context["page"].object_list] == [f"Zeta {i:02d}" for i in range(25, 30)]


def test_it_moves_offerings_without_a_site_when_the_organisation_moves(world, login):
    from django.utils import timezone

    from pua.network.models import Municipality, Offering, Service

    frosinone = Municipality.objects.get(istat_code="060038")
    offering = Offering.objects.create(organisation=world.org_a, service=Service.objects.get(code="F2.4.c"),
                                       last_confirmed_at=timezone.now())
    client = login(world.users["director"])
    response = client.post(reverse("network:organisation_edit", args=[world.org_a.pk]), {
        "name": "Cooperativa Alfa", "kind": "social_coop_b", "municipality": "060038",
        "access_points": [world.ap_a.pk],
    })
    assert response.status_code == 302
    offering.refresh_from_db()
    assert (offering.municipality, offering.latitude, offering.longitude) == (
        frosinone, frosinone.latitude, frosinone.longitude)
