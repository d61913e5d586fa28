"""Scoring a submitted response with the method its instrument declares.

An instrument version names its method (settings column ``scoring``) and the
code of the rule set the method reads (settings column ``rule_set``).
``score`` runs the method with the latest valid version of that rule set —
or the one given, e.g. to explain an old result with the rules it was
computed with — and returns a ``ScoreResult``; ``None`` when the instrument
has no scoring. Methods are plain functions registered by name; they read
the thresholds from the rule set's data, never from code.

The exploitation screening (``exploitation_adult``) applies the ILO–EC
combination rule for adults (see ``../shared/domain/exploitation_indicators.md``):

1. A dimension is positive when the indicators answered *yes* in it include
   AT LEAST one of the listed minimum combinations (``dimension_rule``), read
   literally: the counts per strength must reach every count of one listed
   combination. 1 strong + 1 weak is positive; 2 medium alone, 1 medium +
   2 weak, any number of weak indicators, and 1 strong alone are not.
2. The outcome is the first of ``outcome_rules`` whose groups all hold (a
   group holds when any of its dimensions is positive): presumed victim of
   trafficking when (D1 or D2 or D3) and D4 and (D5 or D6); exploitation
   without trafficking indicators when D4; else no exploitation indicators.
3. Independently, the art. 603-bis indices and aggravating circumstances
   answered *yes* are listed; one index is enough for
   ``art603bis_index_present``.

Only the answer ``counted_answer`` (*yes*) counts: *no*, *unknown* and blanks
never do. Results hold codes and numbers only (``data``) plus the labels
needed to explain them in every language of the rule set (``explanation``);
the sentences are written by the templates, in the reader's language.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RuleSet
from .rules import ART603BIS_STEP, STRENGTHS

Method = Callable[[dict, dict], tuple[str, dict, list[dict]]]
_METHODS: dict[str, Method] = {}


@dataclass(frozen=True)
class ScoreResult:
    outcome: str
    data: dict
    explanation: list[dict]
    rule_set: RuleSet

    def as_json(self) -> dict:
        """What to store in ``Response.score``: everything the result page
        and the API need, with the rule set version that produced it."""
        return {
            "outcome": self.outcome, "data": self.data, "explanation": self.explanation,
            "rule_set": {"code": self.rule_set.code, "version": self.rule_set.version},
        }


def register(name: str):
    """Register ``method(rules: dict, answers: dict) -> (outcome, data, explanation)`` under ``name``."""
    def decorator(method: Method) -> Method:
        _METHODS[name] = method
        return method
    return decorator


def registered_methods() -> list[str]:
    return sorted(_METHODS)


def latest_rule_set(code: str, *, on: datetime.date | None = None) -> RuleSet | None:
    """The rule set version with ``code`` in force on ``on`` (today by default)."""
    on = on or timezone.localdate()
    return RuleSet.objects.filter(code=code, valid_from__lte=on).order_by("-valid_from", "-id").first()


def score(version, answers: dict, *, rule_set: RuleSet | None = None) -> ScoreResult | None:
    definition = version.definition or {}
    name = definition.get("scoring") or ""
    if not name:
        return None
    method = _METHODS.get(name)
    if method is None:
        raise ValidationError(_("The form asks for the scoring method “%(name)s”, which does not exist.") % {"name": name},
                              code="unknown_scoring")
    if rule_set is None:
        code = definition.get("rule_set") or ""
        rule_set = latest_rule_set(code) if code else None
        if rule_set is None:
            raise ValidationError(_("The rules for scoring this form (“%(code)s”) are not loaded.") % {"code": code},
                                  code="missing_rule_set")
    outcome, data, explanation = method(rule_set.data, answers or {})
    data = {**data, "rule_set": {"code": rule_set.code, "version": rule_set.version}}
    return ScoreResult(outcome=outcome, data=data, explanation=explanation, rule_set=rule_set)


# --- the exploitation screening (adults) -------------------------------------------------

def _meets(counts: dict[str, int], combination: dict[str, int]) -> bool:
    return all(counts.get(strength, 0) >= needed for strength, needed in combination.items())


def _as_parts(combination: dict[str, int]) -> list[dict]:
    """``{"S": 1, "M": 1}`` as an ordered list the templates can word."""
    return [{"strength": s, "count": combination[s]} for s in STRENGTHS if combination.get(s)]


def dimension_positive(counts: dict[str, int], combinations: list[dict]) -> dict | None:
    """The first listed minimum combination the counts reach, or None."""
    return next((c for c in combinations if _meets(counts, c)), None)


@register("exploitation_adult")
def exploitation_adult(rules: dict, answers: dict) -> tuple[str, dict, list[dict]]:
    counted = rules.get("counted_answer", "yes")

    def said_yes(field: str) -> bool:
        return str(answers.get(field, "")).strip() == counted

    combinations = rules["dimension_rule"]["minimum_combinations"]
    strength_labels = rules["strengths"]
    dimensions: dict[str, dict] = {}
    explanation = []
    for dimension in rules["dimensions"]:
        found = [i for i in rules["indicators"] if i["dimension"] == dimension["code"] and said_yes(i["field"])]
        counts = {s: sum(1 for i in found if i["strength"] == s) for s in STRENGTHS}
        met = dimension_positive(counts, combinations)
        dimensions[dimension["code"]] = {**counts, "positive": met is not None, "found": [i["code"] for i in found]}
        explanation.append({
            "dimension": dimension["code"], "label": dimension["label"], "positive": met is not None,
            "counts": counts, "met_combination": _as_parts(met) if met else [],
            "required": [_as_parts(c) for c in combinations],
            "found": [{"code": i["code"], "strength": i["strength"], "strength_label": strength_labels[i["strength"]],
                       "label": i["label"]} for i in found],
        })

    checks = []
    outcome = ""
    for rule in rules["outcome_rules"]:
        groups = [{"any_of": group["any_of"], "label": group.get("label", {}),
                   "positive": [d for d in group["any_of"] if dimensions[d]["positive"]]}
                  for group in rule["all_of"]]
        holds = all(group["positive"] for group in groups)
        checks.append({"outcome": rule["outcome"], "holds": holds, "groups": groups})
        if holds and not outcome:
            outcome = rule["outcome"]

    art = rules.get("art603bis") or {}
    indices = [i["code"] for i in art.get("indices", ()) if said_yes(i["field"])]
    aggravating = [i["code"] for i in art.get("aggravating", ()) if said_yes(i["field"])]
    data = {
        "dimensions": dimensions,
        "outcome_checks": checks,
        ART603BIS_STEP: bool(indices),
        "art603bis_indices": indices,
        "aggravating": aggravating,
    }
    return outcome, data, explanation
