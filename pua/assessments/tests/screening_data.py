"""A small labour-exploitation screening for the integration, aggregates and
API tests: a parsed definition written by hand (the parser has its own
tests) with the real field names of the shipped rule set, so that scoring,
next steps and facts are the real ones."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils import timezone

from pua.assessments import services
from pua.assessments.models import (
    Instrument,
    InstrumentVersion,
    Purpose,
    Response,
    RuleSet,
    VersionStatus,
)
from pua.assessments.rules import RULES_DIR, load_rule_sets, read_rule_file

RULE_FILE = RULES_DIR / "exploitation_adult_2009.json"
STAFF_ROLES = ["director", "social_expert", "labour_expert", "outreach_operator"]
READ_ROLES = ["director", "social_expert", "labour_expert"]

# Answers giving each outcome under the ILO–EC rule (D1, D4 and D5 positive; D4 only; nothing).
PRESUMED_VICTIM = {"DR_01": "yes", "DR_02": "yes", "EX_01": "yes", "EX_04": "yes", "CD_01": "yes", "CD_14": "yes"}
EXPLOITATION_ONLY = {"EX_01": "yes", "EX_04": "yes", "DR_01": "yes"}
NOTHING_FOUND = {"DR_01": "no", "EX_01": "unknown"}


def _labels(text: str) -> dict:
    return {"it": text, "en": text}


def _field(name: str, label: str, *, kind: str = "select_one", choices: str | None = "yes_no_unknown",
           report: bool = True) -> dict:
    return {"name": name, "type": kind, "label": _labels(label), "hint": {}, "required": False,
            "required_message": {}, "relevant": "", "constraint": "", "constraint_message": {}, "calculation": "",
            "choices": choices, "choice_filter": "", "appearance": "", "default": "", "group": "",
            "group_relevant": "", "report": report, "row": 2}


def _page(name: str, label: str, fields: list[dict]) -> dict:
    return {"name": name, "label": _labels(label), "relevant": "", "fields": fields}


def screening_definition(form_version: str = "test-1") -> dict:
    return {
        "form_id": "exploitation_screening", "version": form_version, "title": _labels("Exploitation screening"),
        "default_language": "it", "languages": ["it", "en"],
        "scoring": "exploitation_adult", "rule_set": "exploitation-adult",
        "pages": [
            _page("context", "Context", [_field("sector", "Sector", choices="ateco"),
                                         _field("employer", "Employer", kind="text", choices=None, report=False)]),
            _page("d1", "Deceptive recruitment", [_field("DR_01", "Deceived about the job"),
                                                  _field("DR_02", "Deceived about conditions")]),
            _page("d4", "Exploitative conditions of work", [_field("EX_01", "Excessive working hours"),
                                                            _field("EX_04", "Low or no salary")]),
            _page("d5", "Coercion at destination", [_field("CD_01", "Documents confiscated"),
                                                    _field("CD_14", "Wages withheld")]),
            _page("law", "Art. 603-bis", [_field("IT_1", "Pay clearly below the agreements")]),
        ],
        "choices": {
            "yes_no_unknown": [{"name": n, "label": _labels(n.capitalize()), "extra": {}}
                               for n in ("yes", "no", "unknown")],
            "ateco": [{"name": "A", "label": _labels("Agriculture"), "extra": {}},
                      {"name": "F", "label": _labels("Construction"), "extra": {}},
                      {"name": "I", "label": _labels("Hotels and restaurants"), "extra": {}}],
        },
    }


def rule_set() -> RuleSet:
    """The shipped rule set (loaded as the instruments loader does)."""
    load_rule_sets()
    return RuleSet.objects.get(code="exploitation-adult", version=read_rule_file(RULE_FILE)["version"])


def screening_version(*, fill_roles=None, read_roles=None, code: str = "exploitation_screening",
                      purpose: str = Purpose.EXPLOITATION_SCREENING, definition: dict | None = None,
                      title: str = "Exploitation screening") -> InstrumentVersion:
    """The published version of the screening (the shipped instrument, if it
    is loaded, gets this definition as its newest version)."""
    rule_set()
    instrument, _created = Instrument.objects.get_or_create(code=code, defaults={
        "title": title, "purpose": purpose})
    instrument.fill_roles = STAFF_ROLES if fill_roles is None else fill_roles
    instrument.read_roles = READ_ROLES if read_roles is None else read_roles
    instrument.title, instrument.purpose, instrument.is_active = title, purpose, True
    instrument.save()
    instrument.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.RETIRED)
    number = (instrument.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    definition = definition or screening_definition()
    return InstrumentVersion.objects.create(
        instrument=instrument, number=number, form_version=definition["version"], status=VersionStatus.PUBLISHED,
        source_name="screening.xlsx", source=b"PK-test", definition=definition, languages=definition["languages"],
        scoring_method=definition["scoring"], published_at=timezone.now())


def submit(version: InstrumentVersion, person, *, by, answers: dict, case=None,
           submitted_at: datetime.datetime | None = None) -> Response:
    """A submitted response through the services (answers set in one go)."""
    response = services.response_start(version=version, person=person, by=by, case=case)
    Response.objects.filter(pk=response.pk).update(answers=answers)
    response.refresh_from_db()
    response = services.response_submit(response=response, by=by)
    if submitted_at is not None:
        Response.objects.filter(pk=response.pk).update(submitted_at=submitted_at)
        response.refresh_from_db()
    return response


def vulnerability_definition() -> dict:
    """A short form with no scoring."""
    return {
        "form_id": "vulnerability", "version": "test-1", "title": _labels("Vulnerability form"),
        "default_language": "it", "languages": ["it", "en"], "scoring": "", "rule_set": "",
        "pages": [_page("housing", "Housing", [_field("housing_severity", "Severity", choices="severity")])],
        "choices": {"severity": [{"name": str(n), "label": _labels(str(n)), "extra": {}} for n in range(4)]},
    }


def vulnerability_version() -> InstrumentVersion:
    return screening_version(code="vulnerability", purpose=Purpose.VULNERABILITY, definition=vulnerability_definition(),
                             title="Vulnerability form")
