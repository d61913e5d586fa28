import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from pua.core.audit import audit_read
from pua.core.models import AuditEntry


@pytest.fixture
def entry(world):
    return audit_read(actor=world.users["director"], obj=world.org_a)


def test_it_records_reads_with_the_object_and_the_actor(entry, world):
    assert entry.action == "read"
    assert entry.object_type == "network.organisation"
    assert entry.object_id == str(world.org_a.pk)
    assert entry.actor_username == "director_a"


def test_it_refuses_to_change_an_entry_through_the_model(entry):
    entry.action = "export"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_it_refuses_bulk_updates_and_deletes(entry):
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="export")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_it_refuses_raw_sql_updates_in_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'export' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.action == "read"


def test_it_offers_no_way_to_edit_entries_in_the_admin(entry, client, world):
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    assert client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_it_lets_a_director_browse_and_filter_their_access_points_entries(world, client):
    director = world.users["director"]
    client.force_login(director)
    # Entries are written with the actor's current access point.
    client.get(reverse("home"))
    client.post(reverse("network:organisation_set_active", args=[world.org_a.pk]), {"active": "0"})
    other = world.other_director
    client.force_login(other)
    client.post(reverse("network:organisation_set_active", args=[world.org_b.pk]), {"active": "0"})
    client.force_login(director)
    response = client.get(reverse("governance:audit_list"), {"action": "delete"})
    entries = list(response.context["page"].object_list)
    assert [e.object_id for e in entries] == [str(world.org_a.pk)]


@pytest.mark.parametrize("role", ["social_expert", "partner_operator", "board_viewer", "regional_coordinator"])
def test_it_hides_the_audit_trail_from_other_roles(world, client, role):
    client.force_login(world.users[role])
    assert client.get(reverse("governance:audit_list")).status_code == 403
