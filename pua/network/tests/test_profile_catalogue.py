"""The service catalogue: the shipped INLAV entries, codes and aliases, the
tree page, local services and retiring (never deleting) entries."""

import re
from pathlib import Path

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import translation

from pua.core.models import AuditEntry
from pua.network import profile_selectors
from pua.network.models import Membership, Service
from pua.network.tests.factories import ProgrammeFactory
from pua.network.tests.profile_factories import OfferingFactory, catalogue

CATALOGUE_DOC = Path("/work/shared/domain/service_catalogue.md")
CATALOGUE_URL = reverse("network:service_catalogue")


def _documented_codes():
    text = CATALOGUE_DOC.read_text() if CATALOGUE_DOC.exists() else ""
    codes = set(re.findall(r"\bF[1-3](?:\.\d)?(?:\.[a-h])?\b", text))
    return codes - {"F2.2.b"}  # an alias, see below


# Every code of the catalogue document, written out so the test stands without it.
DOCUMENTED = {
    "F1", "F1.1", "F1.1.a", "F1.1.b", "F1.1.c", "F1.1.d", "F1.1.e", "F1.2", "F1.2.a", "F1.2.b", "F1.2.c",
    "F2", "F2.1", "F2.1.a", "F2.1.b", "F2.1.c", "F2.1.d", "F2.1.e", "F2.1.f", "F2.1.g", "F2.1.h",
    "F2.2", "F2.2.a", "F2.3", "F2.3.a", "F2.4", "F2.4.a", "F2.4.b", "F2.4.c", "F2.4.d", "F2.4.e", "F2.4.f",
    "F2.4.g", "F2.4.h", "F2.5", "F2.5.a", "F2.5.b", "F2.5.c", "F2.5.d", "F2.5.e", "F2.5.f", "F2.5.g",
    "F2.6", "F2.6.a", "F2.6.b", "F3", "F3.1", "F3.1.a", "F3.1.b", "F3.1.c",
}


def _local_service(programme, code="F2.4.z", parent_code="F2.4"):
    parent = catalogue(parent_code)
    return Service.objects.create(code=code, programme=programme, parent=parent, level="service",
                                  label_it="Servizio locale", label_en="Local service", is_local=True,
                                  sort_key=f"{parent.sort_key}.z")


def test_it_ships_every_code_of_the_catalogue_document(db):
    shared = set(Service.objects.filter(programme__isnull=True).values_list("code", flat=True))
    assert len(DOCUMENTED) == 50
    assert shared >= DOCUMENTED
    if CATALOGUE_DOC.exists():  # the shared document, when present, lists the same codes
        assert _documented_codes() == DOCUMENTED


def test_it_gives_every_entry_the_level_and_parent_its_code_implies(db):
    for service in Service.objects.filter(code__in=DOCUMENTED).select_related("parent"):
        depth = service.code.count(".")
        assert service.level == ("phase", "area", "service")[depth]
        assert (service.parent.code if service.parent else None) == (
            service.code.rsplit(".", 1)[0] if depth else None
        )
        assert service.label_it and service.label_en


def test_it_resolves_the_alias_f2_2_b_to_f2_5_g(db):
    assert profile_selectors.service_by_code("F2.2.b") == catalogue("F2.5.g")
    assert profile_selectors.service_by_code("f2.5.g") == catalogue("F2.5.g")
    assert profile_selectors.service_by_code("F2.2.a") == catalogue("F2.2.a")
    assert profile_selectors.service_by_code("F9.9.z") is None
    assert profile_selectors.service_by_code("") is None


def test_it_finds_local_codes_only_within_their_programme(world):
    local = _local_service(world.ap_a.programme)
    assert profile_selectors.service_by_code("F2.4.z", programme_id=world.ap_a.programme_id) == local
    assert profile_selectors.service_by_code("F2.4.z", programme_id=world.ap_b.programme_id) is None
    assert profile_selectors.service_by_code("F2.4.z") is None


def test_it_shows_the_catalogue_as_a_tree_with_labels_in_the_active_language(world, login):
    client = login(world.users["board_viewer"])
    response = client.get(CATALOGUE_URL)
    assert response.status_code == 200
    tree = response.context["tree"]
    assert [node.service.code for node in tree] == ["F1", "F2", "F3"]
    f2 = tree[1]
    assert [area.service.code for area in f2.children] == ["F2.1", "F2.2", "F2.3", "F2.4", "F2.5", "F2.6"]
    assert [leaf.service.code for leaf in f2.children[3].children][:3] == ["F2.4.a", "F2.4.b", "F2.4.c"]
    assert "Mediazione linguistica" in response.content.decode()  # the user's language is Italian
    viewer = world.users["board_viewer"]
    viewer.preferred_language = "en"
    viewer.save(update_fields=["preferred_language"])
    english = login(viewer).get(CATALOGUE_URL).content.decode()
    assert "Linguistic mediation" in english
    assert "Mediazione linguistica" not in english


def test_it_shows_the_label_in_the_active_language(db):
    service = catalogue("F2.4.c")
    with translation.override("en"):
        assert service.label == "Linguistic mediation"
    with translation.override("it"):
        assert service.label == "Mediazione linguistica"


def test_it_searches_the_catalogue_by_code_and_label_keeping_the_ancestors(world, login):
    client = login(world.users["social_expert"])
    response = client.get(CATALOGUE_URL, {"q": "mediazione"})
    tree = response.context["tree"]
    assert [n.service.code for n in tree] == ["F2"]
    assert [a.service.code for a in tree[0].children] == ["F2.4"]
    assert [s.service.code for s in tree[0].children[0].children] == ["F2.4.c"]
    assert not tree[0].matches and tree[0].children[0].children[0].matches
    by_code = client.get(CATALOGUE_URL, {"q": "F3.1.b"}).context["tree"]
    assert [s.service.code for s in by_code[0].children[0].children] == ["F3.1.b"]


def test_it_returns_only_the_results_fragment_to_htmx(world, login):
    client = login(world.users["director"])
    response = client.get(CATALOGUE_URL, {"q": "F2.6"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalogue-results")
    body = response.content.decode()
    assert "F2.6.a" in body
    assert "<html" not in body


def test_it_hides_retired_entries_unless_asked_and_greys_them(world, login):
    Service.objects.filter(code="F2.1.f").update(retired_at="2025-01-01T00:00:00Z")
    client = login(world.users["director"])
    codes = _codes(client.get(CATALOGUE_URL).context["tree"])
    assert "F2.1.f" not in codes
    response = client.get(CATALOGUE_URL, {"retired": "on"})
    assert "F2.1.f" in _codes(response.context["tree"])
    assert "Dismess" in response.content.decode()  # "Retired", in Italian


def _codes(tree):
    codes, stack = set(), list(tree)
    while stack:
        node = stack.pop()
        codes.add(node.service.code)
        stack.extend(node.children)
    return codes


def test_it_hides_the_local_entries_of_another_programme(world, login):
    _local_service(world.ap_b.programme, code="F2.4.y")
    client = login(world.users["director"])
    assert "F2.4.y" not in _codes(client.get(CATALOGUE_URL).context["tree"])
    other = login(world.other_director)
    assert "F2.4.y" in _codes(other.get(CATALOGUE_URL).context["tree"])


def test_it_lets_a_director_add_a_local_service_to_the_current_programme_and_audits_it(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:service_create"), {
        "parent": catalogue("F2.4").pk, "code": "F2.4.i", "label_it": "Sportello casa",
        "label_en": "Housing desk", "for_persons": "on",
    })
    assert response.status_code == 302
    service = Service.objects.get(code="F2.4.i")
    assert service.programme == world.ap_a.programme
    assert service.is_local and service.level == "service" and service.for_persons
    assert service.parent == catalogue("F2.4")
    assert service.sort_key > catalogue("F2.4.h").sort_key
    entry = AuditEntry.objects.get(action="create", object_type="network.service", object_id=str(service.pk))
    assert entry.actor == world.users["director"]
    assert entry.changes["code"] == [None, "F2.4.i"]


@pytest.mark.parametrize("code", ["F2.4.c", "F2.2.b", "bad code!"])
def test_it_refuses_a_code_already_in_the_catalogue_or_malformed(world, login, code):
    client = login(world.users["director"])
    response = client.post(reverse("network:service_create"), {
        "parent": catalogue("F2.4").pk, "code": code, "label_it": "Doppione", "label_en": "Duplicate",
    })
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not Service.objects.filter(label_it="Doppione").exists()


def test_it_refuses_a_code_already_used_locally_but_allows_it_in_another_programme(world, login):
    _local_service(world.ap_a.programme, code="CR-01")
    client = login(world.users["director"])
    data = {"parent": catalogue("F2.5").pk, "code": "CR-01", "label_it": "Altro", "label_en": "Other"}
    assert "code" in client.post(reverse("network:service_create"), data).context["form"].errors
    other = login(world.other_director)
    assert other.post(reverse("network:service_create"), data).status_code == 302
    assert Service.objects.filter(code="CR-01").count() == 2


def test_it_offers_only_areas_as_parents(world, login):
    client = login(world.users["director"])
    response = client.get(reverse("network:service_create"))
    parents = {s.code for s in response.context["form"].fields["parent"].queryset}
    assert parents == {"F1.1", "F1.2", "F2.1", "F2.2", "F2.3", "F2.4", "F2.5", "F2.6", "F3.1"}
    posted = client.post(reverse("network:service_create"), {
        "parent": catalogue("F2").pk, "code": "F2.9", "label_it": "X", "label_en": "X",
    })
    assert "parent" in posted.context["form"].errors


@pytest.mark.parametrize("role", ["social_expert", "partner_operator", "board_viewer", "regional_coordinator"])
def test_it_refuses_adding_a_service_to_other_roles(world, login, role):
    client = login(world.users[role])
    assert client.get(reverse("network:service_create")).status_code == 403
    assert client.post(reverse("network:service_create"), {"code": "X"}).status_code == 403


def test_it_lets_a_director_retire_and_reactivate_a_local_service_with_audit(world, login):
    service = _local_service(world.ap_a.programme)
    client = login(world.users["director"])
    assert client.post(reverse("network:service_retire", args=[service.pk])).status_code == 302
    service.refresh_from_db()
    assert service.retired_at is not None
    assert client.post(reverse("network:service_reactivate", args=[service.pk])).status_code == 302
    service.refresh_from_db()
    assert service.retired_at is None
    actions = AuditEntry.objects.filter(object_type="network.service", object_id=str(service.pk))
    assert sorted(e.changes["retired_at"][0] is None for e in actions) == [False, True]


def test_it_lets_only_an_administrator_retire_a_shared_entry(world, login):
    shared = catalogue("F2.1.a")
    for role in ("director", "social_expert"):
        client = login(world.users[role])
        assert client.post(reverse("network:service_retire", args=[shared.pk])).status_code == 403
    shared.refresh_from_db()
    assert shared.retired_at is None
    admin = login(world.users["admin"])
    assert admin.post(reverse("network:service_retire", args=[shared.pk])).status_code == 302
    shared.refresh_from_db()
    assert shared.retired_at is not None


def test_it_hides_another_programmes_local_service_from_its_retire_action(world, login):
    service = _local_service(world.ap_b.programme)
    client = login(world.users["director"])
    assert client.post(reverse("network:service_retire", args=[service.pk])).status_code == 404


def test_it_needs_post_to_retire(world, login):
    service = _local_service(world.ap_a.programme)
    client = login(world.users["director"])
    assert client.get(reverse("network:service_retire", args=[service.pk])).status_code == 405


def test_it_never_deletes_a_used_service_and_retiring_keeps_its_offerings(world, login):
    service = catalogue("F2.4.c")
    offering = OfferingFactory(organisation=world.org_a, service=service)
    with pytest.raises(ProtectedError):
        service.delete()
    admin = login(world.users["admin"])
    admin.post(reverse("network:service_retire", args=[service.pk]))
    offering.refresh_from_db()
    assert offering.service_id == service.pk
    assert Service.objects.filter(pk=service.pk, retired_at__isnull=False).exists()


def test_it_shows_retire_buttons_only_where_allowed(world, login):
    local = _local_service(world.ap_a.programme)
    client = login(world.users["director"])
    response = client.get(CATALOGUE_URL)
    assert response.context["changeable"] == {local.pk}
    assert response.context["can_add"]
    assert login(world.users["social_expert"]).get(CATALOGUE_URL).context["changeable"] == set()


def test_it_refuses_a_director_adding_while_working_at_an_access_point_they_do_not_direct(world, login):
    director = world.users["director"]
    membership = Membership.objects.create(user=director, organisation=world.home_org_b, role="social_expert")
    membership.access_points.set([world.ap_b])
    client = login(director)
    client.post(reverse("network:access_point_switch"), {"access_point": world.ap_b.pk})
    assert client.get(reverse("network:service_create")).status_code == 403


def test_it_lists_the_catalogue_in_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    programme = ProgrammeFactory(code="unused")
    for n in range(30):
        _local_service(world.ap_a.programme, code=f"LOC-{n}")
        _local_service(programme, code=f"OTHER-{n}")
    client = login(world.users["director"])
    with django_assert_max_num_queries(12):
        response = client.get(CATALOGUE_URL, {"retired": "on"})
    assert response.status_code == 200
    assert "LOC-29" in _codes(response.context["tree"])
