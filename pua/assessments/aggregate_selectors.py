"""Aggregates of submitted responses: how many screenings ended with each
outcome and how often each indicator was answered "yes", by period,
territory, access point, sector and nationality.

What is counted
    The *current* submitted responses of one instrument: a response that
    has a submitted amendment is superseded by it and left out, so a
    corrected screening counts once. Outcomes are the confirmed ones where an
    operator reviewed the computed outcome. Indicators come from
    ``AnswerFact`` rows (``key`` = field name, ``value`` = "yes"), so every
    number is a SQL ``GROUP BY`` on indexed tables: the query count does not
    depend on how many responses there are.

Who sees exact numbers (statistical disclosure control)
    Counts below ``settings.AGGREGATE_MIN_CELL`` (5) are hidden from
    everyone outside the case work of the access points counted: board
    members, regional coordinators, administrators, and staff whenever the
    table covers an access point where they do not hold a case role that
    reads the instrument's answers. Secondary (complementary) suppression
    then hides a second cell, or the total, in every row or column where a
    single hidden cell could be recomputed from the others and the total.

How a hidden count reads
    A count hidden because it is small (primary suppression) reads "<5": that
    is true of it. A count hidden only to protect another one (secondary
    suppression) may be any number, 40 as well as 5, so it must not read
    "<5": the page shows "—" and the CSV export the word ``suppressed``
    (``SECONDARY_CSV``), kept untranslated so that the file stays
    machine-readable. Both marks are explained under the table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pua.cases.access import CASE_ROLES
from pua.network.access import grants_for, visible_access_points
from pua.network.models import AccessPoint, Territory
from pua.people.forms import country_name
from pua.people.models import Citizenship

from . import engine, scoring
from .models import AnswerFact, Instrument, InstrumentVersion, Response
from .selectors import current

DEFAULT_INSTRUMENT_CODE = "exploitation_screening"
SECTOR_KEY = "sector"
YES = "yes"
# Facts every submitted response carries that are not indicators.
NON_INDICATOR_KEYS = frozenset({"outcome", "confirmed_outcome", "instrument", SECTOR_KEY})
NOT_STATED = "__none__"
TOTAL = "__total__"
# How a hidden count reads: "<5" is true of a small count; a count hidden only
# to protect another one may be any number.
SECONDARY_MARK = "—"
SECONDARY_CSV = "suppressed"


class Breakdown:
    """The fixed breakdowns a table may have (columns)."""

    NONE = ""
    ACCESS_POINT = "access_point"
    TERRITORY = "territory"
    SECTOR = "sector"
    NATIONALITY = "nationality"

    choices = [
        (NONE, gettext_lazy("No breakdown")),
        (ACCESS_POINT, gettext_lazy("Access point")),
        (TERRITORY, gettext_lazy("Territory")),
        (SECTOR, gettext_lazy("Sector")),
        (NATIONALITY, gettext_lazy("Nationality")),
    ]


def min_cell() -> int:
    return int(getattr(settings, "AGGREGATE_MIN_CELL", 5))


# --- filters and scope ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AggregateFilters:
    instrument: Instrument
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    territory: Territory | None = None
    access_point: AccessPoint | None = None
    sector: str = ""
    nationality: str = ""
    breakdown: str = Breakdown.NONE


def aggregate_access_points(user) -> QuerySet[AccessPoint]:
    """The access points whose responses the user's aggregates count."""
    return visible_access_points(user).select_related("territory").order_by("name", "id")


def aggregate_territories(user) -> QuerySet[Territory]:
    return Territory.objects.filter(pk__in=visible_access_points(user).values("territory_id")).order_by("name", "id")


def aggregate_instruments(user) -> QuerySet[Instrument]:
    """Instruments with at least one version, shipped or of the user's access points."""
    condition = Q(access_point__isnull=True) | Q(access_point__in=visible_access_points(user))
    return (Instrument.objects.filter(condition, Exists(InstrumentVersion.objects.filter(instrument=OuterRef("pk"))))
            .order_by("title", "id"))


def default_instrument(instruments: QuerySet[Instrument]) -> Instrument | None:
    return instruments.filter(code=DEFAULT_INSTRUMENT_CODE).first() or instruments.first()


def instrument_for(user, raw) -> Instrument | None:
    """The instrument asked for (an id among the user's), else the default one."""
    instruments = aggregate_instruments(user)
    chosen = instruments.filter(pk=raw).first() if str(raw or "").isdigit() else None
    return chosen or default_instrument(instruments)


def _scope_access_point_ids(user, filters: AggregateFilters) -> set[int]:
    access_points = visible_access_points(user)
    if filters.access_point is not None:
        access_points = access_points.filter(pk=filters.access_point.pk)
    if filters.territory is not None:
        access_points = access_points.filter(territory_id=filters.territory.pk)
    return set(access_points.values_list("pk", flat=True))


def shows_exact_counts(user, instrument: Instrument, access_point_ids) -> bool:
    """Exact numbers only for the case staff who read this instrument's
    answers at every access point the table covers."""
    grants = grants_for(user)
    roles = set(instrument.read_roles or ()) & set(CASE_ROLES)
    return bool(access_point_ids) and bool(roles) and all(grants.has_role_at(roles, {ap}) for ap in access_point_ids)


def current_responses(access_point_ids, filters: AggregateFilters) -> QuerySet[Response]:
    """Submitted, not superseded responses of the instrument, filtered. The
    period is on ``submitted_at`` in the local calendar."""
    responses = current(Response.objects.filter(access_point_id__in=list(access_point_ids),
                                                instrument_version__instrument=filters.instrument))
    if filters.submitted_from:
        responses = responses.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        responses = responses.filter(submitted_at__date__lte=filters.submitted_to)
    if filters.sector:
        responses = responses.filter(Exists(AnswerFact.objects.filter(response=OuterRef("pk"), key=SECTOR_KEY,
                                                                      value=filters.sector)))
    if filters.nationality:
        responses = responses.annotate(_nationality=_nationality(person_ref="person_id")).filter(
            _nationality=filters.nationality)
    return responses.order_by()


def _nationality(person_ref: str):
    """The person's first citizenship (the one recorded first)."""
    return Subquery(Citizenship.objects.filter(person_id=OuterRef(person_ref)).order_by("id").values("country")[:1])


def _sector(response_ref: str):
    return Subquery(AnswerFact.objects.filter(response_id=OuterRef(response_ref), key=SECTOR_KEY)
                    .order_by("value").values("value")[:1])


def _group_expression(breakdown: str, prefix: str = ""):
    """The column a row falls in, as an SQL expression on responses
    (``prefix`` "") or on facts (``prefix`` "response__")."""
    if breakdown == Breakdown.ACCESS_POINT:
        return F(f"{prefix}access_point_id")
    if breakdown == Breakdown.TERRITORY:
        return F(f"{prefix}access_point__territory_id")
    if breakdown == Breakdown.SECTOR:
        return _sector(f"{prefix}id" if prefix else "pk")
    if breakdown == Breakdown.NATIONALITY:
        return _nationality(f"{prefix}person_id")
    return Value(TOTAL)


# --- the instrument's rows ------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorField:
    name: str
    label: str
    section: str


def _definitions(instrument: Instrument) -> list[dict]:
    """The instrument's definitions, newest version first."""
    return list(InstrumentVersion.objects.filter(instrument=instrument).order_by("-number")
                .values_list("definition", flat=True))


def _language(definition: dict) -> tuple[str, str]:
    default = definition.get("default_language") or "it"
    language = (get_language() or default).split("-")[0]
    return (language if language in (definition.get("languages") or [default]) else default), default


def _is_indicator(field: dict, choices: dict) -> bool:
    if not field.get("report") or field.get("name") in NON_INDICATOR_KEYS:
        return False
    if field.get("type") not in ("select_one", "select_multiple"):
        return False
    return any(choice.get("name") == YES for choice in choices.get(field.get("choices") or "", []))


def indicator_fields(definitions: list[dict]) -> list[IndicatorField]:
    """Reported yes/no fields of every version (the newest wording wins), in form order."""
    seen: dict[str, IndicatorField] = {}
    for definition in definitions:
        language, default = _language(definition)
        choices = definition.get("choices") or {}
        for page in definition.get("pages") or []:
            section = engine.label(page.get("label") or {}, language, default) or page.get("name", "")
            for item in page.get("fields") or []:
                if _is_indicator(item, choices) and item["name"] not in seen:
                    label = engine.label(item.get("label") or {}, language, default) or item["name"]
                    seen[item["name"]] = IndicatorField(item["name"], label, section)
    # Fields only older versions have join their page's rows, not the end of the table.
    sections = list(dict.fromkeys(field.section for field in seen.values()))
    return sorted(seen.values(), key=lambda field: sections.index(field.section))


def outcome_choices(definitions: list[dict]) -> list[tuple[str, str]]:
    """The outcomes the instrument's rule set can give, in its order, with their labels."""
    code = next((d.get("rule_set") for d in definitions if d.get("rule_set")), "")
    rule_set = scoring.latest_rule_set(code) if code else None
    data = rule_set.data if rule_set is not None and isinstance(rule_set.data, dict) else {}
    language = (get_language() or "it").split("-")[0]
    choices = []
    for outcome in data.get("outcomes") or ():
        if isinstance(outcome, dict) and outcome.get("code"):
            labels = outcome.get("label") or {}
            choices.append((outcome["code"], labels.get(language) or labels.get("it") or outcome["code"]))
    return choices


def _humanised(code: str) -> str:
    return code.replace("_", " ").capitalize() if code else _("No outcome")


def sector_choices_for(instrument: Instrument | None) -> list[tuple[str, str]]:
    return sector_choices(_definitions(instrument)) if instrument is not None else []


def sector_choices(definitions: list[dict]) -> list[tuple[str, str]]:
    """The choices of the instrument's ``sector`` field, if it has one."""
    for definition in definitions:
        language, default = _language(definition)
        for page in definition.get("pages") or []:
            for item in page.get("fields") or []:
                if item.get("name") == SECTOR_KEY and item.get("choices"):
                    return [(c["name"], engine.label(c.get("label") or {}, language, default) or c["name"])
                            for c in (definition.get("choices") or {}).get(item["choices"], [])]
    return []


# --- the table ------------------------------------------------------------------------------------------

@dataclass
class Cell:
    count: int
    suppressed: bool = False  # hidden, for either reason
    secondary: bool = False  # hidden only so that another hidden count cannot be worked out

    @property
    def primary(self) -> bool:
        """Hidden because it is small: "<5" is true of it."""
        return self.suppressed and not self.secondary

    @property
    def shown(self) -> str:
        if not self.suppressed:
            return str(self.count)
        return SECONDARY_MARK if self.secondary else f"<{min_cell()}"

    @property
    def csv_value(self) -> str:
        if not self.suppressed:
            return str(self.count)
        return SECONDARY_CSV if self.secondary else f"<{min_cell()}"


@dataclass
class Row:
    key: str
    label: str
    kind: str  # "responses", "outcome" or "indicator"
    section: str = ""
    cells: dict = field(default_factory=dict)  # column key -> Cell

    def cells_in(self, columns) -> list[Cell]:
        return [self.cells[key] for key, _label in columns]


@dataclass
class AggregateTable:
    columns: list[tuple[str, str]]  # (key, label); the last one is the total
    rows: list[Row]
    exact: bool
    min_cell: int
    responses: int  # for the page's empty state only; never shown when suppressed

    @property
    def sections(self) -> list[tuple[str, list[Row]]]:
        """Rows grouped for display: responses and outcomes first, then indicators by page."""
        groups: list[tuple[str, list[Row]]] = []
        for row in self.rows:
            if not groups or groups[-1][0] != row.section:
                groups.append((row.section, []))
            groups[-1][1].append(row)
        return groups

    @property
    def has_suppressed(self) -> bool:
        return any(cell.suppressed for row in self.rows for cell in row.cells.values())

    @property
    def has_primary(self) -> bool:
        return any(cell.primary for row in self.rows for cell in row.cells.values())

    @property
    def has_secondary(self) -> bool:
        return any(cell.secondary for row in self.rows for cell in row.cells.values())


def suppress(rows: list[Row], columns: list[tuple[str, str]], threshold: int) -> None:
    """Hide small counts, then hide more until no hidden count can be recomputed.

    Primary suppression hides every count with ``0 < count < threshold``;
    the cells hidden after it are marked ``secondary``.
    The table holds linear relations: in every row the columns add up to the
    total column, and in every column the outcomes add up to the responses
    row (each response has one outcome). A relation with exactly one hidden
    member gives it away, so a second one is hidden: the smallest non-zero
    visible member, or the relation's total when there is none. Repeated
    until stable (each pass only hides more, so it ends)."""
    keys = [key for key, _label in columns]
    groups, total = keys[:-1], keys[-1]
    for row in rows:
        for cell in row.cells.values():
            cell.suppressed, cell.secondary = 0 < cell.count < threshold, False
    relations: list[tuple[list[Cell], Cell]] = []
    if groups:
        relations += [([row.cells[g] for g in groups], row.cells[total]) for row in rows]
    responses = next((row for row in rows if row.kind == "responses"), None)
    outcomes = [row for row in rows if row.kind == "outcome"]
    if responses is not None and outcomes:
        relations += [([row.cells[key] for row in outcomes], responses.cells[key]) for key in keys]
    changed = True
    while changed:
        changed = False
        for members, relation_total in relations:
            hidden = [c for c in [*members, relation_total] if c.suppressed]
            if len(hidden) != 1:
                continue
            candidates = sorted((c for c in members if not c.suppressed and c.count > 0), key=lambda c: c.count)
            protecting = candidates[0] if candidates else relation_total
            protecting.suppressed = protecting.secondary = True
            changed = True


def _column_labels(breakdown: str, keys: set, access_points, territories, sectors: dict) -> list[tuple[str, str]]:
    not_stated = _("Not stated")
    if breakdown == Breakdown.ACCESS_POINT:
        names = {ap.pk: ap.name for ap in access_points}
        columns = [(k, names.get(k, str(k))) for k in keys]
    elif breakdown == Breakdown.TERRITORY:
        names = {t.pk: t.name for t in territories}
        columns = [(k, names.get(k, str(k))) for k in keys]
    elif breakdown == Breakdown.SECTOR:
        columns = [(k, sectors.get(k, k) if k is not None else not_stated) for k in keys]
    elif breakdown == Breakdown.NATIONALITY:
        columns = [(k, country_name(k) if k is not None else not_stated) for k in keys]
    else:
        return []
    # Named columns alphabetically, "not stated" last.
    columns.sort(key=lambda c: (c[0] is None, str(c[1]).lower()))
    return [(NOT_STATED if k is None else k, label) for k, label in columns]


def aggregate_table(user, filters: AggregateFilters) -> AggregateTable:
    """The table of outcomes and indicators for ``filters`` (four GROUP BY
    queries plus a few for names, whatever the number of responses)."""
    access_point_ids = _scope_access_point_ids(user, filters)
    exact = shows_exact_counts(user, filters.instrument, access_point_ids)
    responses = current_responses(access_point_ids, filters)
    breakdown = filters.breakdown
    definitions = _definitions(filters.instrument)
    indicators = indicator_fields(definitions)

    def column(value):
        return NOT_STATED if value is None else value

    per_group = {column(r["g"]): r["n"] for r in
                 responses.annotate(g=_group_expression(breakdown)).values("g").annotate(n=Count("pk")).order_by()}
    outcome_counts: dict[tuple, int] = {}
    scored = any(d.get("scoring") for d in definitions)
    if scored:
        effective = Coalesce(NullIf("confirmed_outcome", Value("")), "outcome")
        for r in (responses.annotate(g=_group_expression(breakdown), o=effective).values("g", "o")
                  .annotate(n=Count("pk")).order_by()):
            outcome_counts[(r["o"] or "", column(r["g"]))] = r["n"]
    indicator_counts: dict[tuple, int] = {}
    if indicators:
        facts = (AnswerFact.objects.filter(response__in=responses.values("pk"), value=YES,
                                           key__in=[i.name for i in indicators])
                 .annotate(g=_group_expression(breakdown, "response__")).values("key", "g")
                 .annotate(n=Count("response_id")).order_by())
        indicator_counts = {(r["key"], column(r["g"])): r["n"] for r in facts}

    # Columns: the groups found (named), then the total.
    columns: list[tuple[str, str]] = []
    if breakdown:
        raw_keys = {None if k == NOT_STATED else k for k in per_group}
        access_points = aggregate_access_points(user).filter(pk__in=[k for k in raw_keys if k is not None]) \
            if breakdown == Breakdown.ACCESS_POINT else []
        territories = Territory.objects.filter(pk__in=[k for k in raw_keys if k is not None]) \
            if breakdown == Breakdown.TERRITORY else []
        columns = _column_labels(breakdown, raw_keys, access_points, territories, dict(sector_choices(definitions)))
    columns.append((TOTAL, _("Total")))
    group_keys = [key for key, _label in columns[:-1]]

    def cells(counts: dict) -> dict:
        result = {key: Cell(counts.get(key, 0)) for key in group_keys}
        result[TOTAL] = Cell(sum(counts.values()) if group_keys else counts.get(TOTAL, 0))
        return result

    rows = [Row("responses", _("Responses counted"), "responses", "", cells(per_group))]
    if scored:
        outcomes = outcome_choices(definitions)
        known = {code for code, _label in outcomes}
        outcomes += [(code, _humanised(code)) for code in sorted({o for o, _g in outcome_counts} - known)]
        for code, label in outcomes:
            counts = {g: n for (o, g), n in outcome_counts.items() if o == code}
            rows.append(Row(code or "none", label, "outcome", "", cells(counts)))
    for indicator in indicators:
        counts = {g: n for (k, g), n in indicator_counts.items() if k == indicator.name}
        rows.append(Row(indicator.name, indicator.label, "indicator", indicator.section, cells(counts)))
    threshold = min_cell()
    if not exact:
        suppress(rows, columns, threshold)
    return AggregateTable(columns=columns, rows=rows, exact=exact, min_cell=threshold,
                          responses=rows[0].cells[TOTAL].count)


def aggregate_csv_rows(table: AggregateTable) -> list[list[str]]:
    """The same table as CSV rows: a header, then one line per row. A hidden
    count reads "<5" when it is small, ``suppressed`` when it is hidden only
    to protect another one (see the module's docstring)."""
    header = [_("Kind"), _("Section"), _("Code"), _("Label"), *[str(label) for _key, label in table.columns]]
    kinds = {"responses": _("Responses"), "outcome": _("Outcome"), "indicator": _("Indicator")}
    lines = [header]
    for row in table.rows:
        lines.append([kinds[row.kind], row.section, row.key, str(row.label),
                      *[cell.csv_value for cell in row.cells_in(table.columns)]])
    return lines
