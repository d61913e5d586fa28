"""Reading responses. Views that show one audit the read.

A person's *current* response to an instrument is the latest submitted one
that no submitted amendment supersedes (``current``). Fillers reach the
drafts they may continue (``response_for_fill``); readers reach submitted
responses through the instrument's read roles (``access.visible_responses``).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from pua.network.access import grants_for
from pua.people.access import PERSON_ROLES, person_access_point_ids

from .access import may_fill, published_versions, visible_responses
from .models import Instrument, InstrumentVersion, Response, ResponseStatus, RuleSet

_RELATED = ("instrument_version__instrument", "person", "access_point", "case", "amends")


def superseded_condition() -> Exists:
    return Exists(Response.objects.filter(amends_id=OuterRef("pk"), status=ResponseStatus.SUBMITTED))


def current(qs: QuerySet[Response]) -> QuerySet[Response]:
    """Of ``qs``: submitted responses that no submitted amendment supersedes."""
    return qs.filter(status=ResponseStatus.SUBMITTED).exclude(superseded_condition())


def current_response(user, person, instrument) -> Response | None:
    """The person's current response to ``instrument`` among those the user may read."""
    qs = visible_responses(user).filter(person=person, instrument_version__instrument=instrument)
    return current(qs).select_related(*_RELATED).order_by("-submitted_at", "-id").first()


def fillable_versions(user, person) -> list[InstrumentVersion]:
    """The published versions the user may fill in about ``person``, by title."""
    if person.merged_into_id:
        return []
    versions = published_versions(user).filter(
        Q(instrument__access_point__isnull=True) | Q(instrument__access_point_id=person.access_point_id),
    ).select_related("instrument").order_by("instrument__title", "instrument_id")
    return [v for v in versions if may_fill(user, v.instrument, person)]


def _fillable_instrument_ids(user, access_point_id) -> list[int]:
    """Instruments whose fill roles the user holds at ``access_point_id`` (instruments are few)."""
    roles = {r for r in PERSON_ROLES if grants_for(user).has_role_at({r}, {access_point_id})}
    if not roles:
        return []
    return [pk for pk, fill_roles in Instrument.objects.values_list("pk", "fill_roles")
            if roles & set(fill_roles or ())]


def response_for_fill(user, pk) -> Response | None:
    """A response of a person the user works with (access is then decided by
    ``assessments.fill_response``); another access point's gives None."""
    return (Response.objects.filter(pk=pk, access_point_id__in=person_access_point_ids(user))
            .select_related(*_RELATED).first())


def response_get(user, pk) -> Response | None:
    """A response the user may read, or one of their access point's drafts they may fill."""
    response = response_for_fill(user, pk)
    if response is None:
        return None
    if visible_responses(user).filter(pk=pk).exists():
        return response
    if response.status == ResponseStatus.DRAFT and response.instrument_version.instrument_id in \
            _fillable_instrument_ids(user, response.access_point_id):
        return response
    return None


def person_responses(user, person) -> QuerySet[Response]:
    """The person's responses the user may read, plus the drafts they may
    continue, newest first, with what the list shows in a fixed number of queries."""
    condition = Q(pk__in=visible_responses(user).filter(person=person).values("pk"))
    fillable = _fillable_instrument_ids(user, person.access_point_id)
    if fillable:
        condition |= Q(status=ResponseStatus.DRAFT, instrument_version__instrument_id__in=fillable)
    return (Response.objects.filter(person=person).filter(condition)
            .select_related("instrument_version__instrument", "amends", "started_by", "submitted_by")
            .annotate(superseded=superseded_condition())
            .prefetch_related("amendments")
            .order_by("-started_at", "-id"))


def drafts_for_person(user, person) -> QuerySet[Response]:
    fillable = _fillable_instrument_ids(user, person.access_point_id)
    return (Response.objects.filter(person=person, status=ResponseStatus.DRAFT,
                                    instrument_version__instrument_id__in=fillable)
            .select_related("instrument_version__instrument", "case", "amends")
            .order_by("-updated_at", "-id"))


def amendment_chain(response: Response) -> list[Response]:
    """Every response of the chain ``response`` belongs to, oldest first
    (chains are short: one query per link)."""
    root = response
    while root.amends_id:
        root = Response.objects.select_related("amends").get(pk=root.amends_id)
    chain = [root]
    while True:
        following = Response.objects.filter(amends=chain[-1]).order_by("started_at", "id").first()
        if following is None:
            return chain
        chain.append(following)


def _outcome_label(rule_data: dict | None, code: str, language: str) -> str:
    for outcome in (rule_data or {}).get("outcomes") or []:
        if isinstance(outcome, dict) and outcome.get("code") == code:
            labels = outcome.get("label") or {}
            return labels.get(language) or next(iter(labels.values()), code)
    return code.replace("_", " ").capitalize()


def outcome_label(response: Response, language: str) -> str:
    """The confirmed (else computed) outcome in ``language``, from the rule set's list of outcomes."""
    code = response.confirmed_outcome or response.outcome
    if not code:
        return ""
    return _outcome_label(response.rule_set.data if response.rule_set_id else None, code, language)


def computed_outcome_label(response: Response, language: str) -> str:
    """The outcome the rules computed, before any review, in ``language``."""
    if not response.outcome:
        return ""
    return _outcome_label(response.rule_set.data if response.rule_set_id else None, response.outcome, language)


def outcome_labels(responses, language: str) -> dict[int, str]:
    """``outcome_label`` for many responses, reading each rule set once (one query)."""
    responses = [r for r in responses if r.confirmed_outcome or r.outcome]
    rule_data = dict(RuleSet.objects.filter(pk__in={r.rule_set_id for r in responses if r.rule_set_id})
                     .values_list("pk", "data")) if responses else {}
    return {r.pk: _outcome_label(rule_data.get(r.rule_set_id), r.confirmed_outcome or r.outcome, language)
            for r in responses}
