"""Filling in instruments: starting a response, saving drafts page by page,
submitting (validation, calculations, scoring, reported facts), amending a
submitted response and reviewing its computed outcome.

A submitted response is immutable: its answers, score and facts never
change. A correction is a new draft that ``amends`` it; once that draft is
submitted it becomes the person's current response for the instrument
(``selectors.current``). Only the operator's review of the outcome
(confirmed outcome, reason, reviewer) is written on a submitted response.

Answers are strings as in ODK: numbers as written ("12", "3.5"), dates as
``YYYY-MM-DD``, several choices as space-separated names. Audit entries and
case events carry field names, ids and outcome codes, never the answers.

The screening flag
    A case carries a risk flag (``pua.people.models.ScreeningFlag``) from the
    outcome in force — the confirmed or overridden one once reviewed, else
    the computed one — of its latest submitted exploitation screening:
    "presumed trafficking" or "exploitation indicators" (``SCREENING_FLAGS``).
    Submitting (an amendment too) and reviewing recompute it and hand it to
    ``pua.cases.case_services.case_screening_flag_set``, which keeps the
    person's flag in step.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pua.cases.case_services import case_screening_flag_set, event_record
from pua.cases.models import CaseEventKind
from pua.core.audit import audit_change
from pua.core.concurrency import claim
from pua.core.models import AuditAction
from pua.people.models import ScreeningFlag

from . import engine, scoring
from .access import RESTRICTED_DETAIL_PURPOSES, may_fill
from .models import AnswerFact, Purpose, Response, ResponseStatus, VersionStatus

# Types that take an answer; notes are read, calculations computed.
ANSWER_TYPES = frozenset({"text", "integer", "decimal", "date", "select_one", "select_multiple"})
MAX_TEXT_LENGTH = 5000
FACT_VALUE_LENGTH = AnswerFact._meta.get_field("value").max_length
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The screening outcomes (codes of the rule set, see ``scoring``) that flag a case and its person.
SCREENING_FLAGS = {
    "presumed_trafficking_victim": ScreeningFlag.TRAFFICKING,
    "exploitation_without_trafficking_indicators": ScreeningFlag.EXPLOITATION,
}


# --- the definition ---------------------------------------------------------------------

def page_fields(definition: dict, page: int) -> list[dict]:
    pages = definition.get("pages") or []
    if not 0 <= page < len(pages):
        return []
    return list(pages[page].get("fields") or [])


def all_fields(definition: dict) -> dict[str, dict]:
    return {f["name"]: f for p in definition.get("pages") or [] for f in p.get("fields") or []}


def form_language(definition: dict, requested: str | None = None) -> str:
    """``requested`` (or the active language) when the form has it, else the form's default."""
    languages = definition.get("languages") or []
    for code in (requested, translation.get_language()):
        code = (code or "").split("-")[0].lower()
        if code and code in languages:
            return code
    return definition.get("default_language") or (languages[0] if languages else "it")


def _choice_names(definition: dict, field: dict) -> list[str]:
    return [c["name"] for c in (definition.get("choices") or {}).get(field.get("choices") or "", [])]


def clean_value(definition: dict, field: dict, value) -> str:
    """The answer as stored, or ValidationError when it is not of the field's
    type. Empty stays empty: whether an answer is required is decided at submit."""
    kind = field.get("type")
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        if kind != "select_multiple":
            raise ValidationError(_("Give one answer only."), code="invalid")
        value = " ".join(str(v) for v in value)
    value = str(value).strip()
    if not value:
        return ""
    if kind == "text":
        if len(value) > MAX_TEXT_LENGTH:
            raise ValidationError(_("This answer is too long (at most %(max)d characters).") % {"max": MAX_TEXT_LENGTH},
                                  code="too_long")
        return value
    if kind == "integer":
        if not _INTEGER.match(value):
            raise ValidationError(_("Enter a whole number."), code="invalid")
        return str(int(value))
    if kind == "decimal":
        if not _DECIMAL.match(value):
            raise ValidationError(_("Enter a number."), code="invalid")
        value = value.replace(",", ".").lstrip("+")
        return ("0" + value) if value.startswith(".") else ("-0" + value[1:]) if value.startswith("-.") else value
    if kind == "date":
        try:
            if not _DATE.match(value):
                raise ValueError
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD."), code="invalid") from None
        return value
    if kind in ("select_one", "select_multiple"):
        names = _choice_names(definition, field)
        given = value.split()
        if kind == "select_one" and len(given) != 1:
            raise ValidationError(_("Choose one option."), code="invalid")
        if any(name not in names for name in given):
            raise ValidationError(_("Choose among the options offered."), code="invalid_choice")
        return " ".join(name for name in names if name in given)  # the form's order, once each
    raise ValidationError(_("This question takes no answer."), code="not_answerable")


# --- starting and saving ------------------------------------------------------------------

def _locked_draft(response: Response) -> Response:
    locked = Response.objects.select_for_update().select_related(
        "instrument_version__instrument", "person").get(pk=response.pk)
    if locked.status != ResponseStatus.DRAFT:
        raise ValidationError(_("This response has been submitted and can no longer be changed: amend it instead."),
                              code="submitted")
    return locked


def _require_fill(by, response: Response) -> None:
    if not may_fill(by, response.instrument_version.instrument, response.person):
        raise PermissionDenied


@transaction.atomic
def response_start(*, version, person, by, case=None) -> Response:
    """A new draft of ``version`` (published) about ``person``, optionally within their ``case``."""
    instrument = version.instrument
    if not may_fill(by, instrument, person):
        raise PermissionDenied
    if person.merged_into_id:
        raise ValidationError(_("This record was merged into another one: fill the form in there."), code="merged")
    if version.status != VersionStatus.PUBLISHED or not instrument.is_active:
        raise ValidationError(_("Only the published version of an active instrument can be filled in."),
                              code="not_published")
    if case is not None and case.person_id != person.pk:
        raise ValidationError({"case": _("This case belongs to another person.")}, code="wrong_case")
    response = Response.objects.create(
        instrument_version=version, access_point_id=person.access_point_id, person=person, case=case,
        started_at=timezone.now(), started_by=by,
    )
    audit_change(action=AuditAction.CREATE, actor=by, obj=response, access_point_id=response.access_point_id, changes={
        "instrument_version": [None, version.pk], "person": [None, person.pk],
        "case": [None, case.pk if case is not None else None],
    })
    return response


@transaction.atomic
def response_save(*, response: Response, answers: dict, page: int, by, expected_version: int | None = None) -> Response:
    """Merge the answers of page ``page`` (0-based) into a draft and remember the page.

    Values present are checked against their field's type (all errors at
    once, nothing saved); empty values clear the answer. Required answers
    are not checked: a draft may be partial.
    """
    locked = _locked_draft(response)
    _require_fill(by, locked)
    definition = locked.instrument_version.definition
    fields = {f["name"]: f for f in page_fields(definition, page)}
    if not fields:
        raise ValidationError(_("This form has no page %(page)d.") % {"page": page + 1}, code="invalid_page")
    errors: dict[str, list] = {}
    cleaned: dict[str, str] = {}
    for name, value in (answers or {}).items():
        field = fields.get(name)
        if field is None or field.get("type") not in ANSWER_TYPES:
            errors.setdefault(name, []).append(ValidationError(
                _("“%(name)s” is not a question of page %(page)d.") % {"name": name, "page": page + 1},
                code="unknown_field"))
            continue
        try:
            cleaned[name] = clean_value(definition, field, value)
        except ValidationError as error:
            errors.setdefault(name, []).append(error)
    if errors:
        raise ValidationError(errors)
    stored = dict(locked.answers or {})
    changed = sorted(name for name, value in cleaned.items() if stored.get(name, "") != value)
    for name in changed:
        if cleaned[name]:
            stored[name] = cleaned[name]
        else:
            stored.pop(name, None)
    page_changed = locked.current_page != page
    if changed or page_changed:
        locked.answers = stored
        locked.current_page = page
        claim(locked, expected_version)
        locked.save(update_fields=["answers", "current_page", "updated_at"])
    if changed:  # moving between pages is not worth an audit entry; changing answers is
        audit_change(action=AuditAction.UPDATE, actor=by, obj=locked, access_point_id=locked.access_point_id,
                     changes={"answers": changed, "page": page})
    return locked


# --- submitting ---------------------------------------------------------------------------

def _facts(response: Response, definition: dict, answers: dict) -> list[AnswerFact]:
    seen: set[tuple[str, str]] = set()
    facts = []

    def add(key: str, value: str) -> None:
        value = str(value)[:FACT_VALUE_LENGTH]
        if value and (key, value) not in seen:
            seen.add((key, value))
            facts.append(AnswerFact(response=response, key=key[:80], value=value))

    for name, field in all_fields(definition).items():
        value = answers.get(name)
        if not field.get("report") or value in (None, ""):
            continue
        if field.get("type") == "select_multiple":
            for choice in str(value).split():
                add(name, choice)
        else:
            add(name, value)
    if response.outcome:
        add("outcome", response.outcome)
    add("instrument", response.instrument_version.instrument.code)
    return facts


def _restricted(instrument) -> bool:
    return instrument.purpose in RESTRICTED_DETAIL_PURPOSES


@transaction.atomic
def response_submit(*, response: Response, by, expected_version: int | None = None) -> Response:
    """Validate every visible answer, compute calculations and the score,
    record the reported facts; the response is then immutable."""
    locked = _locked_draft(response)
    _require_fill(by, locked)
    version = locked.instrument_version
    definition = version.definition
    language = form_language(definition)
    answers = dict(locked.answers or {})
    errors = engine.validate_all(definition, answers, language)
    if errors:
        raise ValidationError({name: [ValidationError(message, code="invalid")] for name, message in errors.items()})
    answers = engine.computed(definition, answers)
    result = scoring.score(version, answers) if definition.get("scoring") else None
    if result is not None:
        locked.score = result.as_json()
        locked.outcome = result.outcome or ""
        locked.rule_set = result.rule_set
    locked.answers = answers
    locked.status = ResponseStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = by
    claim(locked, expected_version)
    locked.save()
    AnswerFact.objects.bulk_create(_facts(locked, definition, answers))
    instrument = version.instrument
    audit_change(action=AuditAction.UPDATE, actor=by, obj=locked, access_point_id=locked.access_point_id, changes={
        "status": [ResponseStatus.DRAFT, ResponseStatus.SUBMITTED],
        **({"amends": locked.amends_id} if locked.amends_id else {}),
    })
    if locked.case_id:
        message = "response_amendment_submitted" if locked.amends_id else "response_submitted"
        data = {"response": locked.pk, "outcome": locked.outcome, "title": instrument.title}
        if locked.amends_id:
            data["amends"] = locked.amends_id
        event_record(case=locked.case, kind=CaseEventKind.NOTE, actor=by, message=message, data=data, obj=locked,
                     restricted=_restricted(instrument))
    if locked.case_id and instrument.purpose == Purpose.EXPLOITATION_SCREENING:
        _case_screening_flag_refresh(locked.case, by=by)
    return locked


# --- amending and reviewing ---------------------------------------------------------------

@transaction.atomic
def response_amend(*, response: Response, by, reason: str) -> Response:
    """A new draft correcting the submitted ``response``, which stays as it was."""
    original = Response.objects.select_for_update().select_related(
        "instrument_version__instrument", "person").get(pk=response.pk)
    _require_fill(by, original)
    reason = (reason or "").strip()
    if original.status != ResponseStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted response can be amended: this draft can still be changed."),
                              code="not_submitted")
    if not reason:
        raise ValidationError({"reason": _("Explain why the response is amended.")}, code="required")
    later = original.amendments.first()
    if later is not None:
        if later.status == ResponseStatus.DRAFT:
            raise ValidationError(_("An amendment of this response is already in progress: continue it."),
                                  code="amendment_in_progress")
        raise ValidationError(_("This response has already been amended: amend the current one."),
                              code="superseded")
    draft = Response.objects.create(
        instrument_version=original.instrument_version, access_point_id=original.access_point_id,
        person=original.person, case=original.case, answers=dict(original.answers or {}),
        started_at=timezone.now(), started_by=by, amends=original, amendment_reason=reason,
    )
    audit_change(action=AuditAction.CREATE, actor=by, obj=draft, access_point_id=draft.access_point_id,
                 changes={"amends": [None, original.pk]})
    return draft


@transaction.atomic
def outcome_review(*, response: Response, confirmed_outcome: str, reason: str = "", by,
                   expected_version: int | None = None) -> Response:
    """The operator confirms the computed outcome, or overrides it with a reason."""
    locked = Response.objects.select_for_update().select_related(
        "instrument_version__instrument", "person").get(pk=response.pk)
    if not by.has_perm("assessments.review_outcome", locked):
        raise PermissionDenied
    if locked.status != ResponseStatus.SUBMITTED or not locked.outcome:
        raise ValidationError(_("Only the computed outcome of a submitted, scored response can be reviewed."),
                              code="not_scored")
    if locked.amendments.filter(status=ResponseStatus.SUBMITTED).exists():
        raise ValidationError(_("This response has been amended: review the current one."), code="superseded")
    confirmed_outcome = (confirmed_outcome or "").strip()
    reason = (reason or "").strip()
    if not confirmed_outcome:
        raise ValidationError({"confirmed_outcome": _("Choose the outcome.")}, code="required")
    known = scoring_outcomes(locked)
    if known and confirmed_outcome not in known:
        raise ValidationError({"confirmed_outcome": _("Choose one of the outcomes offered.")}, code="invalid_choice")
    overridden = confirmed_outcome != locked.outcome
    if overridden and not reason:
        raise ValidationError({"reason": _("Explain why you override the computed outcome.")}, code="required")
    before = locked.confirmed_outcome
    locked.confirmed_outcome = confirmed_outcome
    locked.override_reason = reason if overridden else ""
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = by
    claim(locked, expected_version)
    locked.save(update_fields=["confirmed_outcome", "override_reason", "reviewed_at", "reviewed_by", "updated_at"])
    AnswerFact.objects.filter(response=locked, key="confirmed_outcome").delete()
    AnswerFact.objects.create(response=locked, key="confirmed_outcome", value=confirmed_outcome[:FACT_VALUE_LENGTH])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=locked, access_point_id=locked.access_point_id, changes={
        "confirmed_outcome": [before or None, confirmed_outcome], "overridden": overridden})
    if locked.case_id:
        event_record(case=locked.case, kind=CaseEventKind.NOTE, actor=by, obj=locked,
                     message="outcome_overridden" if overridden else "outcome_confirmed",
                     data={"response": locked.pk, "outcome": locked.outcome, "confirmed_outcome": confirmed_outcome},
                     restricted=True)
    if locked.case_id and locked.instrument_version.instrument.purpose == Purpose.EXPLOITATION_SCREENING:
        _case_screening_flag_refresh(locked.case, by=by)
    return locked


# --- the screening flag -------------------------------------------------------------------

def screening_flag(outcome: str) -> str:
    """The flag an outcome in force gives a case (``ScreeningFlag.NONE`` for the others)."""
    return SCREENING_FLAGS.get(outcome or "", ScreeningFlag.NONE)


def _case_screening_flag_refresh(case, *, by) -> None:
    """Recompute the case's flag from its latest submitted exploitation screening."""
    latest = (Response.objects.filter(case_id=case.pk, status=ResponseStatus.SUBMITTED,
                                      instrument_version__instrument__purpose=Purpose.EXPLOITATION_SCREENING)
              .order_by("-submitted_at", "-id").values_list("outcome", "confirmed_outcome").first())
    flag = screening_flag(latest[1] or latest[0]) if latest else ScreeningFlag.NONE
    case_screening_flag_set(case=case, flag=flag, by=by)


def scoring_outcomes(response: Response) -> list[str]:
    """The outcome codes the response's rule set can produce, when it lists them."""
    data = response.rule_set.data if response.rule_set_id else {}
    outcomes = (data or {}).get("outcomes") if isinstance(data, dict) else None
    if isinstance(outcomes, dict):
        return list(outcomes)
    if isinstance(outcomes, list):
        return [o["code"] if isinstance(o, dict) else str(o) for o in outcomes]
    return []
