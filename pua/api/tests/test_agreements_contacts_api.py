"""/api/v1/network-contacts/: the contact log for operators and directors of
the access point, with its counts by actor type (NAUTILUS indicator)."""

import pytest

from pua.network.models import NetworkContact
from pua.network.tests.agreement_factories import NetworkContactFactory, days, today

from .assertions import assert_error, audit_entries, ids

URL = "/api/v1/network-contacts/"


def _payload(**overrides):
    data = {"organisation_name": "Panificio Bianchi", "actor_type": "local_business", "channel": "meeting",
            "purpose": "Ricerca di un aiuto fornaio"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["director", "social_expert", "labour_expert", "outreach_operator"])
def test_it_lets_operators_log_a_contact_and_audits_it(api_as, world, role):
    api = api_as(world.users[role])

    response = api.post(URL, _payload(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["date"] == today().isoformat()
    assert body["operator"] == world.users[role].pk
    assert body["access_point"] == world.ap_a.pk
    contact = NetworkContact.objects.get(pk=body["id"])
    assert audit_entries(contact, "create").get().actor == world.users[role]


@pytest.mark.parametrize("role", ["partner_operator", "board_viewer", "regional_coordinator"])
def test_it_closes_the_log_to_partners_and_board_members(api_as, world, role):
    contact = NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"])
    api = api_as(world.users[role])

    assert_error(api.get(URL), 403)
    assert_error(api.get(f"{URL}{contact.pk}/"), 403)
    assert_error(api.get(f"{URL}summary/"), 403)
    assert_error(api.post(URL, _payload(), format="json"), 403)
    assert NetworkContact.objects.count() == 1


def test_it_hides_the_contacts_of_another_access_point(api_as, world):
    contact = NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"])
    api = api_as(world.other_worker)

    assert ids(api.get(URL)) == set()
    assert_error(api.get(f"{URL}{contact.pk}/"), 404)
    assert_error(api.patch(f"{URL}{contact.pk}/", {"purpose": "X"}, format="json"), 404)
    assert api.get(f"{URL}summary/").json()["total"] == 0


def test_it_takes_exactly_one_of_organisation_and_organisation_name(api_as, world):
    api = api_as(world.users["social_expert"])

    both = assert_error(api.post(URL, _payload(organisation=world.org_a.pk), format="json"), 400)
    neither = assert_error(api.post(URL, _payload(organisation_name=""), format="json"), 400)
    out_of_reach = assert_error(api.post(URL, _payload(organisation=world.org_b.pk, organisation_name=""),
                                         format="json"), 400)

    assert "organisation_name" in both["fields"]
    assert "organisation" in neither["fields"]
    assert "organisation" in out_of_reach["fields"]
    assert not NetworkContact.objects.exists()


def test_it_lets_the_author_and_a_director_edit_but_not_a_colleague(api_as, world):
    contact = NetworkContactFactory(access_point=world.ap_a, operator=world.users["labour_expert"])

    assert_error(api_as(world.users["social_expert"]).patch(f"{URL}{contact.pk}/", {"outcome": "X"}, format="json"),
                 403)
    author = api_as(world.users["labour_expert"]).patch(f"{URL}{contact.pk}/", {"outcome": "Colloquio fissato"},
                                                        format="json")
    director = api_as(world.users["director"]).patch(f"{URL}{contact.pk}/",
                                                     {"next_step": "Colloquio", "next_step_due": days(5).isoformat()},
                                                     format="json")

    assert author.status_code == 200
    assert director.status_code == 200
    assert director.json()["outcome"] == "Colloquio fissato"
    changes = [e.changes for e in audit_entries(contact, "update").order_by("id")]
    assert changes == [
        {"outcome": ["", "Colloquio fissato"]},
        {"next_step": ["", "Colloquio"], "next_step_due": [None, days(5).isoformat()]},
    ]


def test_it_filters_by_actor_type_and_date_range(api_as, world):
    old = NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"], date=days(-60))
    recent = NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"], date=days(-2),
                                   actor_type="institution")
    api = api_as(world.users["outreach_operator"])

    assert ids(api.get(URL, {"actor_type": "institution"})) == {recent.pk}
    assert ids(api.get(URL, {"date_from": days(-10).isoformat()})) == {recent.pk}
    assert ids(api.get(URL, {"date_to": days(-10).isoformat()})) == {old.pk}
    assert_error(api.get(URL, {"actor_type": "alien"}), 400)


def test_it_counts_contacts_by_actor_type_for_a_date_range(api_as, world, django_assert_max_num_queries):
    director = world.users["director"]
    for _ in range(2):
        NetworkContactFactory(access_point=world.ap_a, operator=director, date=days(-5))
    NetworkContactFactory(access_point=world.ap_a, operator=director, date=days(-5), actor_type="third_sector")
    NetworkContactFactory(access_point=world.ap_a, operator=director, date=days(-90))
    NetworkContactFactory(access_point=world.ap_b, operator=world.other_worker, date=days(-5))
    api = api_as(world.users["social_expert"])

    with django_assert_max_num_queries(10):
        response = api.get(f"{URL}summary/", {"date_from": days(-30).isoformat(), "date_to": today().isoformat()})

    assert response.status_code == 200
    body = response.json()
    counts = {row["actor_type"]: row["count"] for row in body["by_actor_type"]}
    assert counts["local_business"] == 2
    assert counts["third_sector"] == 1
    assert counts["institution"] == 0
    assert body["total"] == 3
    assert body["date_from"] == days(-30).isoformat()
    assert api.get(f"{URL}summary/").json()["total"] == 4
    bad = assert_error(api.get(f"{URL}summary/", {"date_from": today().isoformat(),
                                                  "date_to": days(-1).isoformat()}), 400)
    assert "date_to" in bad["fields"]


def test_it_takes_only_visible_objects_as_filters(api_as, world):
    mine = NetworkContactFactory(access_point=world.ap_a, operator=world.users["director"])
    NetworkContactFactory(access_point=world.ap_b, operator=world.other_worker)
    api = api_as(world.users["social_expert"])

    assert ids(api.get(URL, {"operator": world.users["director"].pk})) == {mine.pk}
    assert ids(api.get(URL, {"access_point": world.ap_a.pk})) == {mine.pk}
    assert "operator" in assert_error(api.get(URL, {"operator": world.other_worker.pk}), 400)["fields"]
    assert "access_point" in assert_error(api.get(URL, {"access_point": world.ap_b.pk}), 400)["fields"]
