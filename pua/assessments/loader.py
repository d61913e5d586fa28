"""Loading the instruments shipped with PUA (``instruments/*.xlsx``).

``load_instruments`` is idempotent and only ever adds:

- an ``Instrument`` (code = the form's ``form_id``, no access point: it is
  available everywhere) when none has that code, with the purpose and the
  roles of ``SHIPPED``;
- a new *published* ``InstrumentVersion`` when the file's bytes differ from
  every version the instrument already has; the version published before
  it is retired. Old versions and the responses given to them are never
  touched, and a file that is already loaded (even if an administrator has
  since published another version) is not loaded again;
- the missing rule-set versions (``pua.assessments.rules.load_rule_sets``).

It runs from the data migration ``0002_shipped_instruments`` (with the
migration's historical models: pass ``apps``), from ``manage.py
load_instruments`` and from the browser tests' reference data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps as live_apps
from django.db import transaction
from django.utils import timezone

from pua.core.audit import audit_change
from pua.core.models import AuditAction

from .rules import load_rule_sets
from .xlsform import XLSFormError, parse_xlsform

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"

_CASE_ROLES = ["director", "social_expert", "labour_expert"]
_STAFF_ROLES = [*_CASE_ROLES, "outreach_operator"]

# form_id: (purpose, fill roles, read roles, description). Read by code only when the
# instrument is created: afterwards administrators may change roles and description.
SHIPPED = {
    "exploitation_screening": (
        "exploitation_screening", _STAFF_ROLES, _CASE_ROLES,
        "Screening degli indicatori ILO–Commissione europea di tratta e sfruttamento lavorativo e degli indici "
        "dell'art. 603-bis c.p. Supporto alla decisione: l'esito va confermato o corretto dall'operatore."),
    "vulnerability": (
        "vulnerability", _STAFF_ROLES, _CASE_ROLES,
        "Bisogni e fragilità della persona per area (casa, salute, documenti, lingua, debiti, famiglia, "
        "dipendenze, giustizia), con una gravità da 0 a 3 per area e le priorità per il piano personalizzato."),
    "satisfaction": (
        "satisfaction", _STAFF_ROLES, _STAFF_ROLES,
        "Questionario breve per le persone seguite, in italiano, inglese, francese, arabo e rumeno."),
    "interview_social": (
        "interview_guide", ["director", "social_expert"], _CASE_ROLES,
        "Traccia di colloquio per gli operatori dell'area sociale: famiglia, casa, salute, rete di sostegno."),
    "interview_labour": (
        "interview_guide", ["director", "labour_expert"], _CASE_ROLES,
        "Traccia di colloquio per gli operatori dell'area lavoro: situazione attuale, storia lavorativa, "
        "competenze, disponibilità, vincoli e aspettative."),
    "skills_assessment": (
        "skills_assessment", _CASE_ROLES, _CASE_ROLES,
        "Bilancio delle competenze: istruzione, lingue, esperienze, competenze trasversali e digitali, patenti, "
        "certificazioni e settori preferiti."),
}
_OTHER = ("other", _CASE_ROLES, _CASE_ROLES, "")


def shipped_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or INSTRUMENTS_DIR).glob("*.xlsx"))


def _title(definition: dict) -> str:
    titles = definition.get("title") or {}
    default = definition.get("default_language") or "it"
    return (titles.get(default) or next(iter(titles.values()), "") or definition["form_id"])[:200]


def load_instruments(apps=None, *, by=None, directory: Path | None = None, strict: bool = True) -> dict:
    """Load every shipped XLSForm; return what was done:
    ``{"created": [codes], "versions": [(code, number)], "unchanged": [codes],
    "skipped": {file name: reason}, "rule_sets": [(code, version)]}``.

    ``apps``: the historical app registry inside a data migration (no audit
    entries then: the audit helpers use the live models). ``strict`` False
    skips a file that does not parse instead of raising ``XLSFormError``."""
    live = apps is None
    registry = live_apps if live else apps
    Instrument = registry.get_model("assessments", "Instrument")
    InstrumentVersion = registry.get_model("assessments", "InstrumentVersion")
    result = {"created": [], "versions": [], "unchanged": [], "skipped": {}, "rule_sets": []}
    for path in shipped_files(directory):
        data = path.read_bytes()
        # Files are named after their form_id: an unchanged file needs no parsing.
        if _is_loaded(InstrumentVersion.objects.filter(instrument__code=path.stem), data):
            result["unchanged"].append(path.stem)
            continue
        try:
            definition = parse_xlsform(data, path.name)
        except XLSFormError as error:
            if strict:
                raise
            result["skipped"][path.name] = str(error)
            continue
        with transaction.atomic():
            _load_one(Instrument, InstrumentVersion, path.name, data, definition, by=by, audit=live, result=result)
    result["rule_sets"] = load_rule_sets(apps=registry)
    return result


def _load_one(Instrument, InstrumentVersion, name, data, definition, *, by, audit, result) -> None:  # noqa: N803
    code = definition["form_id"]
    instrument = Instrument.objects.select_for_update().filter(code=code).first()
    if instrument is not None and instrument.access_point_id is not None:
        # A local instrument took the code first: never attach shipped versions to it.
        result["skipped"][name] = f"the code {code!r} belongs to an access point's instrument"
        return
    if instrument is None:
        purpose, fill_roles, read_roles, description = SHIPPED.get(code, _OTHER)
        instrument = Instrument.objects.create(code=code, title=_title(definition), purpose=purpose,
                                               description=description, access_point=None, owner=None,
                                               fill_roles=list(fill_roles), read_roles=list(read_roles))
        result["created"].append(code)
        if audit:
            _audit_create(instrument, by, {"code": [None, code], "purpose": [None, purpose], "shipped": [None, True]})
    versions = InstrumentVersion.objects.filter(instrument=instrument)
    if _is_loaded(versions, data):
        result["unchanged"].append(code)
        return
    now = timezone.now()
    retiring = list(versions.filter(status="published").values_list("pk", flat=True))
    versions.filter(pk__in=retiring).update(status="retired", retired_at=now)
    number = max(versions.values_list("number", flat=True), default=0) + 1
    version = InstrumentVersion.objects.create(
        instrument=instrument, number=number, form_version=str(definition.get("version") or "")[:40],
        status="published", source_name=name, source=data, definition=definition,
        languages=list(definition.get("languages") or []), scoring_method=definition.get("scoring") or "",
        uploaded_by=by, published_at=now, published_by=by,
    )
    result["versions"].append((code, number))
    if audit:
        _audit_create(version, by, {"instrument": [None, instrument.pk], "number": [None, number],
                                    "status": [None, "published"], "retired_versions": [None, retiring]})


def _is_loaded(versions, data: bytes) -> bool:
    """Is ``data`` the file of one of ``versions``?"""
    digest = hashlib.sha256(data).digest()
    return any(hashlib.sha256(bytes(source)).digest() == digest for source in versions.values_list("source", flat=True))


def _audit_create(obj, by, changes) -> None:
    audit_change(action=AuditAction.CREATE, actor=by, obj=obj, changes=changes)
