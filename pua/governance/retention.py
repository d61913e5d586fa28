"""How long PUA keeps each kind of personal data, and applying it.

The periods come from ``settings.RETENTION`` merged over ``DEFAULT_RETENTION``
(kind → ``{"years": N, ...}``). ``retention_apply`` is run by the
``apply_retention`` management command (daily, see docs/deploy.md):

closed_case
    A person whose cases are all closed, the last more than N years ago, with
    no legal hold, is erased by pseudonymisation
    (``privacy_services.person_erase``): their case data stay, anonymous.
anonymous_contact
    Contacts never linked to a person, older than N years, are deleted.
document
    Files of documents uploaded more than N years ago, of persons with no
    open case and no legal hold, are removed (the record of the document
    stays). ``minimum_years`` gives, per document kind, a legal minimum:
    those documents stop an erasure until it has passed.
audit_entry
    The audit trail is append-only (the database refuses to change it);
    entries past the period are counted, for the archiving procedure of
    docs/privacy.md, and never deleted here.

Reports count rows per kind and never name anyone.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from pua.core.audit import audit_record
from pua.core.models import AuditAction, AuditEntry
from pua.people.models import Person

from . import privacy_services
from .models import LegalHold

DEFAULT_RETENTION: dict[str, dict] = {
    "closed_case": {"years": 10},
    "anonymous_contact": {"years": 2},
    "document": {"years": 10, "minimum_years": {}},
    "audit_entry": {"years": 10},
}
KINDS = tuple(DEFAULT_RETENTION)


def retention(kind: str) -> dict:
    """The retention rule for ``kind``: the setting over the default."""
    configured = getattr(settings, "RETENTION", {}) or {}
    return {**DEFAULT_RETENTION.get(kind, {}), **configured.get(kind, {})}


def retention_years(kind: str) -> int:
    return int(retention(kind)["years"])


def _cutoff(kind: str, now: datetime.datetime) -> datetime.datetime:
    years = retention_years(kind)
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _held(person_ref: str = "pk"):
    return Exists(LegalHold.objects.active().filter(person_id=OuterRef(person_ref)))


def persons_past_retention(now: datetime.datetime):
    """Not yet erased persons whose cases are all closed, the last before the cutoff, with no legal hold."""
    Case = apps.get_model("cases", "Case")
    open_case = Exists(Case.objects.filter(person_id=OuterRef("pk")).exclude(status="closed"))
    return (Person.objects.filter(erased_at__isnull=True, cases__isnull=False)
            .annotate(last_closed=Max("cases__closed_at"))
            .filter(last_closed__lt=_cutoff("closed_case", now))
            .exclude(open_case).exclude(_held()).filter(merged_into__isnull=True))


def anonymous_contacts_past_retention(now: datetime.datetime):
    Contact = apps.get_model("cases", "Contact")
    return Contact.objects.filter(person__isnull=True, occurred_at__lt=_cutoff("anonymous_contact", now))


def documents_past_retention(now: datetime.datetime):
    Case = apps.get_model("cases", "Case")
    Document = apps.get_model("cases", "CaseDocument")
    open_case = Exists(Case.objects.filter(person_id=OuterRef("person_id")).exclude(status="closed"))
    return (Document.objects.filter(uploaded_at__lt=_cutoff("document", now)).exclude(file="")
            .exclude(open_case).exclude(_held("person_id")))


def audit_entries_past_retention(now: datetime.datetime):
    return AuditEntry.objects.filter(at__lt=_cutoff("audit_entry", now))


def retention_plan(now: datetime.datetime | None = None) -> dict[str, int]:
    """What a run would do, as counts per kind."""
    now = now or timezone.now()
    eligible = [p for p in persons_past_retention(now) if not privacy_services.erasure_obstacles(p)]
    return {
        "closed_case": len(eligible),
        "anonymous_contact": anonymous_contacts_past_retention(now).count(),
        "document": documents_past_retention(now).count(),
        "audit_entry": audit_entries_past_retention(now).count(),
    }


def retention_apply(now: datetime.datetime | None = None) -> dict[str, int]:
    """Apply the policy; each kind in its own transaction, each action audited."""
    now = now or timezone.now()
    done = dict.fromkeys(KINDS, 0)
    for person in persons_past_retention(now):
        if privacy_services.erasure_obstacles(person):
            continue
        privacy_services.person_erase(person=person, by=None, reason="retention")
        done["closed_case"] += 1
    with transaction.atomic():
        contacts = anonymous_contacts_past_retention(now)
        ids = sorted(contacts.values_list("pk", flat=True))
        if ids:
            contacts.filter(pk__in=ids).delete()
            audit_record(action=AuditAction.DELETE, actor_username="apply_retention",
                         changes={"retention": "anonymous_contact", "rows": len(ids), "ids": [str(i) for i in ids]})
        done["anonymous_contact"] = len(ids)
    with transaction.atomic():
        ids = []
        for document in documents_past_retention(now).select_for_update():
            document.file.storage.delete(document.file.name)
            type(document).objects.filter(pk=document.pk).update(file="")
            ids.append(str(document.pk))
        if ids:
            audit_record(action=AuditAction.DELETE, actor_username="apply_retention",
                         changes={"retention": "document", "rows": len(ids), "ids": ids})
        done["document"] = len(ids)
    done["audit_entry"] = 0  # append-only: counted by the plan, never deleted
    return done
