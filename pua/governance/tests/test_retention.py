"""The retention policy and the apply_retention command."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from pua.cases.models import Contact
from pua.cases.tests.factories import CaseFactory, ContactFactory, PersonFactory
from pua.core.models import AuditAction, AuditEntry
from pua.governance.models import LegalHold
from pua.people.models import Person

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(days=365 * 12)
RECENTLY = timezone.now() - datetime.timedelta(days=365)


@pytest.fixture
def old_records(world):
    closed_long_ago = PersonFactory(access_point=world.ap_a, last_name="Vecchiarelli")
    CaseFactory(person=closed_long_ago, status="closed", closed_at=LONG_AGO)
    held = PersonFactory(access_point=world.ap_a, last_name="Trattenuti")
    CaseFactory(person=held, status="closed", closed_at=LONG_AGO)
    LegalHold.objects.create(person=held, reason="Contenzioso", set_by=world.users["director"])
    closed_recently = PersonFactory(access_point=world.ap_a, last_name="Recentini")
    CaseFactory(person=closed_recently, status="closed", closed_at=RECENTLY)
    still_open = PersonFactory(access_point=world.ap_a, last_name="Apertini")
    CaseFactory(person=still_open, number=f"{still_open.case_number}/1", status="closed", closed_at=LONG_AGO)
    CaseFactory(person=still_open, number=f"{still_open.case_number}/2")
    old_contact = ContactFactory(access_point=world.ap_a, alias="Sconosciuto", occurred_at=LONG_AGO,
                                 operator=world.users["outreach_operator"])
    new_contact = ContactFactory(access_point=world.ap_a, alias="Nuovo", occurred_at=RECENTLY,
                                 operator=world.users["outreach_operator"])
    return {"closed_long_ago": closed_long_ago, "held": held, "closed_recently": closed_recently,
            "still_open": still_open, "old_contact": old_contact, "new_contact": new_contact}


def _run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_reports_counts_and_changes_nothing(old_records):
    entries = AuditEntry.objects.count()
    report = _run("--dry-run")
    assert "closed_case (10 years): 1 " in report
    assert "anonymous_contact (2 years): 1 " in report
    assert "Vecchiarelli" not in report and "Sconosciuto" not in report
    assert not Person.objects.filter(erased_at__isnull=False).exists()
    assert Contact.objects.filter(pk=old_records["old_contact"].pk).exists()
    assert AuditEntry.objects.count() == entries


def test_the_run_erases_deletes_and_audits_what_is_past_its_period(old_records):
    report = _run()
    assert "closed_case (10 years): 1 " in report and "[did]" in report
    erased = Person.objects.get(pk=old_records["closed_long_ago"].pk)
    assert erased.erased_at is not None and erased.last_name == ""
    for kept in ("held", "closed_recently", "still_open"):
        assert Person.objects.get(pk=old_records[kept].pk).erased_at is None, kept
    assert not Contact.objects.filter(pk=old_records["old_contact"].pk).exists()
    assert Contact.objects.filter(pk=old_records["new_contact"].pk).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(erased.pk),
                                     changes__reason="retention").exists()
    contact_entry = AuditEntry.objects.get(action=AuditAction.DELETE, changes__retention="anonymous_contact")
    assert contact_entry.changes["rows"] == 1 and contact_entry.actor_username == "apply_retention"
    # A second run finds nothing left to do.
    assert "closed_case (10 years): 0 " in _run("--dry-run")


def test_the_periods_come_from_the_setting(old_records, settings):
    settings.RETENTION = {**settings.RETENTION, "closed_case": {"years": 15}}
    assert "closed_case (15 years): 0 " in _run("--dry-run")
