"""Rule sets shipped with PUA: indicator tables and thresholds as JSON data.

Each ``*.json`` file in this folder is one version of one rule set
(``code`` + ``version``). A loaded version is never changed: a correction of
a label, a strength or a threshold is a new file (or a new ``version`` in
the file), so that every stored result keeps the exact rules that produced
it. ``load_rule_sets`` creates the missing versions and leaves the others
alone; it is called by the instruments loader and its data migration.

The structure a scoring method reads is checked by ``rule_data_errors``:

    code, version, valid_from (ISO date), title {lang: str}, source,
    counted_answer ("yes"), strengths {S|M|W: {lang: str}},
    dimensions [{code, label}], indicators [{code, field, dimension, strength, label}],
    dimension_rule {minimum_combinations: [{S|M|W: int}]},
    outcome_rules [{outcome, all_of: [{any_of: [dimension], label}]}]   (first match wins),
    outcomes [{code, severity, label, description}],
    art603bis {indices: [{code, field, label}], aggravating: [...]},
    next_steps {outcome | "art603bis_index_present": [{area, service_code | null, description}]}
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

RULES_DIR = Path(__file__).resolve().parent
STRENGTHS = ("S", "M", "W")
ART603BIS_STEP = "art603bis_index_present"


def shipped_rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.json"))


def read_rule_file(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _labels_ok(labels) -> bool:
    return isinstance(labels, dict) and all(isinstance(labels.get(lang), str) and labels[lang] for lang in ("it", "en"))


def _check_items(items, where: str, errors: list[str], extra=()) -> set[str]:
    codes: set[str] = set()
    for item in items or ():
        code = item.get("code")
        if not code or code in codes:
            errors.append(f"{where}: missing or duplicate code {code!r}")
        codes.add(code)
        if not _labels_ok(item.get("label")):
            errors.append(f"{where} {code}: label needs 'it' and 'en'")
        errors.extend(f"{where} {code}: missing {key!r}" for key in extra if not item.get(key))
    return codes


def rule_data_errors(data: dict) -> list[str]:
    """What is wrong with a rule set's data (empty when it can be loaded)."""
    errors: list[str] = []
    for key in ("code", "version", "valid_from", "method"):
        if not data.get(key):
            errors.append(f"missing {key!r}")
    try:
        datetime.date.fromisoformat(str(data.get("valid_from")))
    except ValueError:
        errors.append("valid_from must be an ISO date")
    if not _labels_ok(data.get("title")):
        errors.append("title needs 'it' and 'en'")
    if sorted(data.get("strengths") or {}) != sorted(STRENGTHS):
        errors.append("strengths must define exactly S, M and W")
    dimensions = _check_items(data.get("dimensions"), "dimension", errors)
    _check_items(data.get("indicators"), "indicator", errors, extra=("field", "dimension", "strength"))
    fields = [i.get("field") for i in data.get("indicators") or ()]
    for indicator in data.get("indicators") or ():
        if indicator.get("dimension") not in dimensions:
            errors.append(f"indicator {indicator.get('code')}: unknown dimension {indicator.get('dimension')!r}")
        if indicator.get("strength") not in STRENGTHS:
            errors.append(f"indicator {indicator.get('code')}: strength must be S, M or W")
    combinations = (data.get("dimension_rule") or {}).get("minimum_combinations") or []
    if not combinations:
        errors.append("dimension_rule.minimum_combinations is empty")
    for combination in combinations:
        if not combination or any(k not in STRENGTHS or not isinstance(v, int) or v < 1 for k, v in combination.items()):
            errors.append(f"invalid minimum combination {combination!r}")
    outcomes = _check_items(data.get("outcomes"), "outcome", errors, extra=("description",))
    rules = data.get("outcome_rules") or []
    if not rules or rules[-1].get("all_of"):
        errors.append("outcome_rules must end with a rule with no conditions (the fallback outcome)")
    for rule in rules:
        if rule.get("outcome") not in outcomes:
            errors.append(f"outcome rule for unknown outcome {rule.get('outcome')!r}")
        for group in rule.get("all_of") or ():
            if not group.get("any_of") or set(group["any_of"]) - dimensions:
                errors.append(f"outcome rule {rule.get('outcome')}: unknown dimensions in {group.get('any_of')!r}")
    art = data.get("art603bis") or {}
    for key in ("indices", "aggravating"):
        _check_items(art.get(key), f"art603bis.{key}", errors, extra=("field",))
        fields += [i.get("field") for i in art.get(key) or ()]
    if len(fields) != len(set(fields)):
        errors.append("field names must be unique")
    for key, steps in (data.get("next_steps") or {}).items():
        if key not in outcomes and key != ART603BIS_STEP:
            errors.append(f"next_steps for unknown outcome {key!r}")
        for step in steps:
            if not step.get("area") or not _labels_ok(step.get("description")):
                errors.append(f"next_steps {key}: each step needs an area and a description in 'it' and 'en'")
    return errors


def load_rule_sets(*, apps=None) -> list[tuple[str, str]]:
    """Create the ``RuleSet`` row of every shipped file whose (code, version)
    is missing; return the (code, version) pairs created. Idempotent.

    ``apps``: the historical app registry when called from a data migration."""
    if apps is None:
        from django.apps import apps as django_apps

        apps = django_apps
    RuleSet = apps.get_model("assessments", "RuleSet")
    created = []
    for path in shipped_rule_files():
        data = read_rule_file(path)
        errors = rule_data_errors(data)
        if errors:
            raise ValueError(f"{path.name}: " + "; ".join(errors))
        if RuleSet.objects.filter(code=data["code"], version=data["version"]).exists():
            continue
        RuleSet.objects.create(
            code=data["code"], version=data["version"], title=data["title"]["en"][:200], data=data,
            source=data.get("source", ""), valid_from=datetime.date.fromisoformat(data["valid_from"]),
        )
        created.append((data["code"], data["version"]))
    return created
