"""Reading a scored response as a result: the outcome, its explanation per
dimension, the art. 603-bis indices and the proposed next steps, with every
label taken from the rule set version that produced the score, in the
reader's language. The sentences themselves are written by the templates.

What an outcome-only reader gets (``result_view(..., with_detail=False)``)
holds no indicator, index or override reason: only the outcome, its
description and the next steps that follow from the outcome.

The outcome *in force* is the one an operator confirmed or set when
reviewing the response, else the computed one (not yet reviewed). The page
leads with it; the computed outcome and the reviews come after.

Reviews
    A response keeps its latest review only (outcome, reason, who, when).
    Earlier reviews of the same response are read back from the audit trail,
    which is append-only and records who chose which outcome and when, never
    the reason (``review_history``). A correction (an amendment) is a new
    response: the reviews of the responses it amends belong to its history.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from pua.cases.models import GoalArea
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Service

from . import scoring
from .access import directed_responses, visible_responses
from .models import Response, ResponseStatus, RuleSet
from .rules import ART603BIS_STEP, STRENGTHS
from .selectors import superseded_condition

_RELATED = ("instrument_version__instrument", "person", "case", "access_point", "rule_set", "reviewed_by")
# How far back the history follows a chain of amendments (chains are short; this only bounds the queries).
MAX_AMENDED = 20


def reader_language() -> str:
    return "it" if (get_language() or "it").startswith("it") else "en"


def pick(labels, language: str) -> str:
    """The text in ``language``, else Italian, else any: rule sets carry it and en."""
    if not isinstance(labels, dict):
        return str(labels or "")
    return labels.get(language) or labels.get("it") or next(iter(labels.values()), "")


def result_get(user, pk) -> Response | None:
    """A submitted, scored response whose outcome ``user`` may read."""
    return (visible_responses(user).filter(pk=pk, status=ResponseStatus.SUBMITTED).exclude(outcome="")
            .select_related(*_RELATED).first())


def score_payload(response: Response) -> dict:
    """The stored score (``ScoreResult.as_json``); recomputed with the
    response's own rule set version when an older row lacks the explanation."""
    stored = response.score or {}
    if "explanation" in stored and "data" in stored:
        return stored
    result = scoring.score(response.instrument_version, response.answers or {}, rule_set=response.rule_set)
    return result.as_json() if result is not None else {"data": {}, "explanation": []}


def _outcome(rules: dict, code: str, language: str) -> dict | None:
    for outcome in rules.get("outcomes") or ():
        if outcome.get("code") == code:
            return {"code": code, "severity": outcome.get("severity", ""),
                    "label": pick(outcome.get("label"), language),
                    "description": pick(outcome.get("description"), language)}
    return {"code": code, "severity": "", "label": code, "description": ""} if code else None


def outcome_choices(response: Response, language: str | None = None) -> list[tuple[str, str]]:
    """The outcomes the response's rule set can give, for the review form."""
    language = language or reader_language()
    rules = response.rule_set.data if response.rule_set_id else {}
    return [(o["code"], pick(o.get("label"), language)) for o in rules.get("outcomes") or ()]


def _parts(counts: dict) -> list[dict]:
    return [{"strength": s, "count": counts[s]} for s in STRENGTHS if counts.get(s)]


def _strength_count(strength: str, count: int) -> str:
    if strength == "S":
        return ngettext("%(count)d strong indicator", "%(count)d strong indicators", count) % {"count": count}
    if strength == "M":
        return ngettext("%(count)d medium indicator", "%(count)d medium indicators", count) % {"count": count}
    return ngettext("%(count)d weak indicator", "%(count)d weak indicators", count) % {"count": count}


def combination_text(parts: list[dict]) -> str:
    """``[{"strength": "S", "count": 1}, {"strength": "W", "count": 1}]`` in words."""
    return _(" and ").join(_strength_count(p["strength"], p["count"]) for p in parts)


def _alternatives(options: list[str]) -> str:
    return _("; or ").join(options)


def _dimensions(explanation: list[dict], language: str) -> list[dict]:
    rows = []
    for item in explanation:
        counts = item.get("counts") or {}
        rows.append({
            "code": item["dimension"], "label": pick(item.get("label"), language), "positive": item.get("positive"),
            "found": [{"code": i["code"], "strength": i["strength"], "label": pick(i.get("label"), language),
                       "strength_label": pick(i.get("strength_label"), language)} for i in item.get("found") or ()],
            "found_text": combination_text(_parts(counts)),
            "single_strong": counts.get("S") == 1 and not counts.get("M") and not counts.get("W"),
            "met_text": combination_text(item.get("met_combination") or []),
            "required_text": _alternatives([combination_text(c) for c in item.get("required") or ()]),
        })
    return rows


def _checks(data: dict, rules: dict, outcome: str, language: str) -> list[dict]:
    """The outcome rules tried, in order, up to the one that gave the outcome."""
    labels = {d["code"]: pick(d["label"], language) for d in rules.get("dimensions") or ()}
    checks = []
    for check in data.get("outcome_checks") or ():
        if check.get("groups"):
            checks.append({
                "outcome": _outcome(rules, check["outcome"], language), "holds": check.get("holds"),
                "groups": [{"label": pick(g.get("label"), language), "any_of": g["any_of"],
                            "any_of_labels": [labels.get(d, d) for d in g["any_of"]],
                            "positive": g.get("positive") or [], "met": bool(g.get("positive"))}
                           for g in check["groups"]],
            })
        if check.get("outcome") == outcome:
            break
    return checks


def _art603bis(data: dict, rules: dict, language: str) -> dict:
    art = rules.get("art603bis") or {}
    indices, aggravating = set(data.get("art603bis_indices") or ()), set(data.get("aggravating") or ())
    return {
        "present": bool(data.get(ART603BIS_STEP)),
        "indices": [{"code": i["code"], "label": pick(i["label"], language)} for i in art.get("indices") or ()
                    if i["code"] in indices],
        "aggravating": [{"code": i["code"], "label": pick(i["label"], language)} for i in art.get("aggravating") or ()
                        if i["code"] in aggravating],
    }


def next_steps(response: Response, *, with_art603bis: bool, language: str | None = None) -> list[dict]:
    """The steps the rule set proposes for the outcome in force (the confirmed
    one when the operator overrode it), plus those for the art. 603-bis
    indices; each with its catalogue service when it names one."""
    language = language or reader_language()
    rules = response.rule_set.data if response.rule_set_id else {}
    mapping = rules.get("next_steps") or {}
    steps = [(step, "outcome") for step in mapping.get(response.confirmed_outcome or response.outcome) or ()]
    if with_art603bis and (score_payload(response).get("data") or {}).get(ART603BIS_STEP):
        steps += [(step, ART603BIS_STEP) for step in mapping.get(ART603BIS_STEP) or ()]
    codes = {step.get("service_code") for step, _ in steps if step.get("service_code")}
    services = {}
    if codes:
        for service in Service.objects.for_programme(response.access_point.programme_id).filter(code__in=codes) \
                .order_by(F("programme_id").desc(nulls_last=True)):
            services.setdefault(service.code, service)
    return [{"area": step["area"], "area_label": GoalArea(step["area"]).label if step["area"] in GoalArea.values
             else step["area"], "description": pick(step.get("description"), language),
             "service_code": step.get("service_code") or "", "service": services.get(step.get("service_code")),
             "because": because} for step, because in steps]


def superseding(response: Response) -> Response | None:
    """The submitted amendment that replaces ``response``, if any."""
    return response.amendments.filter(status=ResponseStatus.SUBMITTED).order_by("submitted_at", "id").first()


def _reviewer_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _review(response: Response, code: str, *, by: str, at, reason: str, reason_kept: bool, language: str) -> dict:
    rules = response.rule_set.data if response.rule_set_id else {}
    return {"response": response, "computed": _outcome(rules, response.outcome, language),
            "chosen": _outcome(rules, code, language), "overridden": code != response.outcome,
            "by": by, "at": at, "reason": reason, "reason_kept": reason_kept}


def review_history(response: Response, *, with_reason: bool, language: str | None = None) -> list[dict]:
    """Every review of ``response`` and of the responses it amends, newest
    first: the response reviewed, its computed outcome, the outcome the
    operator chose and whether that overrode the computed one, who, when and
    (``with_reason``) why. Only a response's latest review keeps its reason
    (``reason_kept``). One query per amended response, plus one."""
    language = language or reader_language()
    chain = [response]
    while chain[-1].amends_id and len(chain) <= MAX_AMENDED:
        chain.append(Response.objects.select_related("rule_set", "reviewed_by").get(pk=chain[-1].amends_id))
    logged: dict[str, list[AuditEntry]] = {}
    for entry in (AuditEntry.objects.filter(object_type=Response._meta.label_lower, action=AuditAction.UPDATE,
                                            object_id__in=[str(r.pk) for r in chain],
                                            changes__has_key="confirmed_outcome")
                  .select_related("actor").order_by("at", "id")):
        logged.setdefault(entry.object_id, []).append(entry)
    history = []
    for item in chain:
        earlier = logged.get(str(item.pk), [])
        if item.reviewed_at and earlier and earlier[-1].at >= item.reviewed_at:
            earlier = earlier[:-1]  # the entry written with the stored review
        reviews = [_review(item, (entry.changes.get("confirmed_outcome") or [""])[-1] or "", at=entry.at,
                           by=_reviewer_name(entry.actor) if entry.actor_id else entry.actor_username,
                           reason="", reason_kept=False, language=language) for entry in earlier]
        if item.reviewed_at and item.confirmed_outcome:
            reason = item.override_reason if with_reason and item.is_overridden else ""
            reviews.append(_review(item, item.confirmed_outcome, by=_reviewer_name(item.reviewed_by),
                                   at=item.reviewed_at, reason=reason, reason_kept=True, language=language))
        history += reversed(reviews)
    return history


def result_view(response: Response, *, with_detail: bool, language: str | None = None) -> dict:
    """Everything the result page shows, as plain values in ``language``.

    ``in_force`` is the outcome that counts (the reviewed one, else the
    computed one), ``reviewed`` whether an operator confirmed or set it;
    ``outcome`` stays the computed one."""
    language = language or reader_language()
    rules = response.rule_set.data if response.rule_set_id else {}
    payload = score_payload(response)
    data = payload.get("data") or {}
    reviewed = bool(response.confirmed_outcome)
    view = {
        "outcome": _outcome(rules, response.outcome, language),
        "confirmed": _outcome(rules, response.confirmed_outcome, language) if response.confirmed_outcome else None,
        "in_force": _outcome(rules, response.confirmed_outcome or response.outcome, language),
        "reviewed": reviewed,
        "reviewer": _reviewer_name(response.reviewed_by) if reviewed else "",
        "overridden": response.is_overridden,
        "rule_set": {"title": pick(rules.get("title"), language) or (response.rule_set.title if response.rule_set_id
                                                                     else ""),
                     "version": response.rule_set.version if response.rule_set_id else ""},
        "next_steps": next_steps(response, with_art603bis=with_detail, language=language),
        "with_detail": with_detail,
    }
    if with_detail:
        view.update({
            "dimensions": _dimensions(payload.get("explanation") or [], language),
            "checks": _checks(data, rules, response.outcome, language),
            "art603bis": _art603bis(data, rules, language),
        })
    return view


def overrides_report(user, *, reviewed_from: datetime.date | None = None, reviewed_to: datetime.date | None = None,
                     outcome: str = "") -> QuerySet[Response]:
    """Responses whose computed outcome an operator overrode, at the access
    points ``user`` directs, most recent review first; ``superseded`` when a
    submitted correction has since replaced the response (its outcome is no
    longer the person's outcome in force)."""
    qs = (directed_responses(user).filter(status=ResponseStatus.SUBMITTED).exclude(confirmed_outcome="")
          .exclude(confirmed_outcome=F("outcome")))
    if reviewed_from:
        qs = qs.filter(reviewed_at__date__gte=reviewed_from)
    if reviewed_to:
        qs = qs.filter(reviewed_at__date__lte=reviewed_to)
    if outcome:
        qs = qs.filter(Q(outcome=outcome) | Q(confirmed_outcome=outcome))
    return (qs.annotate(superseded=superseded_condition()).select_related(*_RELATED)
            .order_by("-reviewed_at", "-id"))


def known_outcomes(language: str | None = None) -> list[tuple[str, str]]:
    """Every outcome of every rule set (rule sets are few), labelled by the latest one."""
    language = language or reader_language()
    labels: dict[str, str] = {}
    for data in RuleSet.objects.order_by("valid_from", "id").values_list("data", flat=True):
        for outcome in (data or {}).get("outcomes") or ():
            labels[outcome["code"]] = pick(outcome.get("label"), language)
    return list(labels.items())


def outcome_labels(language: str | None = None) -> dict[str, str]:
    return dict(known_outcomes(language))
