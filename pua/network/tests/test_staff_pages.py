import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from pua.core.models import AuditEntry
from pua.network.models import Membership


def _new_user_payload(world, role="social_expert", access_points=None):
    return {
        "user-username": "nuovo.operatore", "user-first_name": "Marta", "user-last_name": "Bianchi",
        "user-email": "nuovo@example.org", "user-preferred_language": "it",
        "membership-organisation": world.home_org_a.pk, "membership-role": role,
        "membership-access_points": access_points or [world.ap_a.pk],
    }


def test_it_lets_a_director_create_a_user_with_a_membership(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:user_create"), _new_user_payload(world))
    user = get_user_model().objects.get(username="nuovo.operatore")
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert (membership.role, list(membership.access_points.all())) == ("social_expert", [world.ap_a])
    assert not user.has_usable_password()
    assert AuditEntry.objects.filter(action="create", object_type="accounts.user", object_id=str(user.pk)).exists()
    assert AuditEntry.objects.filter(action="create", object_type="network.membership").exists()


def test_it_refuses_to_let_a_director_appoint_an_administrator(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:user_create"), _new_user_payload(world, role="admin"))
    assert response.status_code == 200
    assert "role" in response.context["membership_form"].errors
    assert not get_user_model().objects.filter(username="nuovo.operatore").exists()


def test_it_creates_nothing_when_the_membership_is_invalid(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:user_create"), _new_user_payload(world, access_points=[world.ap_b.pk]))
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="nuovo.operatore").exists()


def test_it_lists_only_the_staff_of_the_directors_access_points(world, login):
    client = login(world.users["director"])
    response = client.get(reverse("network:user_list"))
    usernames = {u.username for u in response.context["page"].object_list}
    assert "social_expert_a" in usernames
    assert "social_expert_b" not in usernames
    assert client.get(reverse("network:user_detail", args=[world.other_worker.pk])).status_code == 404


def test_it_links_only_the_users_the_reader_may_open(world, login, django_assert_max_num_queries):
    client = login(world.users["director"])
    with django_assert_max_num_queries(20):
        page = client.get(reverse("network:user_list")).content.decode()
    coordinator = world.users["regional_coordinator"]
    worker = world.users["social_expert"]
    assert coordinator.username in page
    assert reverse("network:user_detail", args=[coordinator.pk]) not in page
    assert client.get(reverse("network:user_detail", args=[coordinator.pk])).status_code in (403, 404)
    assert reverse("network:user_detail", args=[worker.pk]) in page
    assert client.get(reverse("network:user_detail", args=[worker.pk])).status_code == 200
    admin_page = login(world.users["admin"]).get(reverse("network:user_list")).content.decode()
    assert reverse("network:user_detail", args=[coordinator.pk]) in admin_page


@pytest.mark.parametrize("role", ["social_expert", "partner_operator", "board_viewer", "regional_coordinator"])
def test_it_keeps_staff_management_to_directors_and_admins(world, login, role):
    client = login(world.users[role])
    assert client.get(reverse("network:user_list")).status_code == 403
    assert client.get(reverse("network:user_create")).status_code == 403


def test_it_changes_a_membership_and_records_it(world, login):
    client = login(world.users["director"])
    membership = Membership.objects.get(user=world.users["outreach_operator"])
    response = client.post(reverse("network:membership_edit", args=[membership.pk]), {
        "role": "labour_expert", "access_points": [world.ap_a.pk], "is_active": "on",
    })
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "labour_expert"
    entry = AuditEntry.objects.get(action="update", object_type="network.membership")
    # A new role that reads persons is a new grant: the director answers for it.
    director = world.users["director"].pk
    assert entry.changes == {"role": ["outreach_operator", "labour_expert"],
                             "granted_by": [None, director], "approved_by": [None, director]}


def test_it_deactivates_a_user_who_then_cannot_sign_in(world, login, client):
    director_client = login(world.users["director"])
    worker = world.users["labour_expert"]
    director_client.post(reverse("network:user_set_active", args=[worker.pk]), {"active": "0"})
    worker.refresh_from_db()
    assert worker.is_active is False
    director_client.logout()
    response = client.post(reverse("accounts:login"), {"username": worker.username, "password": "Test-Password-2026!"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_lets_a_director_edit_their_access_point_only(world, login):
    client = login(world.users["director"])
    response = client.post(reverse("network:access_point_edit", args=[world.ap_a.pk]), {
        "name": world.ap_a.name, "phone": "0372 000111",
    })
    assert response.status_code == 302
    world.ap_a.refresh_from_db()
    assert world.ap_a.phone == "0372 000111"
    assert client.get(reverse("network:access_point_edit", args=[world.ap_b.pk])).status_code == 404
    social = login(world.users["social_expert"])
    assert social.get(reverse("network:access_point_edit", args=[world.ap_a.pk])).status_code == 403


def test_it_shows_my_roles_and_access_points_on_the_home_page(world, login):
    client = login(world.users["regional_coordinator"])
    world.users["regional_coordinator"].memberships.get().access_points.add(world.ap_b)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert "PUA Alfa" in body and "UTI Beta" in body
    assert response.context["organisation_count"] == 5


def test_it_switches_the_current_access_point_within_the_users_own(world, login):
    coordinator = world.users["regional_coordinator"]
    coordinator.memberships.get().access_points.add(world.ap_b)
    client = login(coordinator)
    client.get(reverse("home"))
    response = client.post(reverse("network:access_point_switch"), {"access_point": world.ap_b.pk})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["current_access_point"] == world.ap_b
    director = login(world.users["director"])
    assert director.post(reverse("network:access_point_switch"), {"access_point": world.ap_b.pk}).status_code == 404


@pytest.mark.parametrize("count", [5, 200])
def test_it_lists_access_points_and_territories_with_a_fixed_number_of_queries(world, login, count,
                                                                               django_assert_max_num_queries):
    from pua.network.tests.factories import AccessPointFactory, MembershipFactory, UserFactory

    admin = UserFactory(username="superadmin", is_superuser=True)
    MembershipFactory(user=admin, organisation=world.home_org_a, role="admin")
    for _ in range(count // 5):
        AccessPointFactory()
    client = login(admin)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("network:access_point_list"))
    assert response.status_code == 200
