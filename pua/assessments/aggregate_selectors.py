"""Aggregates of submitted responses: how many screenings ended with each
outcome and how often each indicator was answered "yes", by fixed period
(month, quarter, year), territory, access point, sector and nationality.

What is counted
    The *current* submitted responses of one instrument: a response that
    has a submitted amendment is superseded by it and left out, so a
    corrected screening counts once. Outcomes are the confirmed ones where an
    operator reviewed the computed outcome. Indicators come from
    ``AnswerFact`` rows (``key`` = field name, ``value`` = "yes"). Three
    SQL ``GROUP BY`` queries by month, access point, sector and nationality
    give every number: the query count does not depend on how many
    responses there are.

Who sees exact numbers (statistical disclosure control)
    Everything goes through ``pua.core.disclosure``: one cube per request
    holds every count the user could ask for in the period (any scope, any
    breakdown, the months and quarters inside it) and hides small counts,
    and whatever would let them be worked out, once for all of them. Counts
    of the access points where the user holds a case role that reads the
    instrument's answers are exact (the user knows them anyway); the others
    are protected. Periods are fixed and complete, and the only cuts are the
    declared breakdowns, so no two requests overlap in a way the cube does
    not know about.

How a hidden count reads
    A count hidden because it is small (primary suppression) reads "<5": that
    is true of it. A count hidden only to protect another one (secondary
    suppression) may be any number, so the page shows "—" and the exports the
    word ``suppressed`` (``SECONDARY_CSV``), kept untranslated so that the
    files stay machine-readable. Both marks are explained under the table and
    in the files.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pua.cases.access import CASE_ROLES
from pua.core import disclosure
from pua.core.disclosure import Cell, Cube, Dimension, Period, Table, TableRow
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
SECONDARY_MARK = disclosure.SECONDARY_MARK
SECONDARY_CSV = disclosure.SECONDARY_EXPORT
# The root of the place and people dimensions: everyone in reach.
ALL = "all"
CACHE_SECONDS = 15 * 60


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
    return disclosure.min_count()


# --- filters and scope ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AggregateFilters:
    """One fixed period, a scope (a territory or an access point, else all
    of them) and one of the fixed breakdowns."""

    instrument: Instrument
    period: Period
    territory: Territory | None = None
    access_point: AccessPoint | None = None
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


def _exact_access_point_ids(user, instrument: Instrument, access_point_ids) -> set[int]:
    """The access points where the user is case staff who read this instrument's answers."""
    grants = grants_for(user)
    roles = set(instrument.read_roles or ()) & set(CASE_ROLES)
    return {ap for ap in access_point_ids if roles and grants.has_role_at(roles, {ap})}


def shows_exact_counts(user, instrument: Instrument, access_point_ids) -> bool:
    """Exact numbers only for the case staff who read this instrument's
    answers at every access point the table covers."""
    access_point_ids = set(access_point_ids)
    return bool(access_point_ids) and _exact_access_point_ids(user, instrument, access_point_ids) == access_point_ids


def current_responses(access_point_ids, instrument: Instrument, period: Period) -> QuerySet[Response]:
    """Submitted, not superseded responses of the instrument in the period
    (on ``submitted_at`` in the local calendar)."""
    responses = current(Response.objects.filter(access_point_id__in=list(access_point_ids),
                                                instrument_version__instrument=instrument))
    return responses.filter(submitted_at__date__gte=period.start, submitted_at__date__lt=period.end).order_by()


def _nationality(person_ref: str):
    """The person's first citizenship (the one recorded first)."""
    return Subquery(Citizenship.objects.filter(person_id=OuterRef(person_ref)).order_by("id").values("country")[:1])


def _sector(response_ref: str):
    return Subquery(AnswerFact.objects.filter(response_id=OuterRef(response_ref), key=SECTOR_KEY)
                    .order_by("value").values("value")[:1])


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

# The table of this page is the core's table; the names stay for the views and templates.
Row = TableRow


@dataclass
class AggregateTable(Table):
    responses: int = 0  # for the page's empty state only; never shown when hidden

    @property
    def min_cell(self) -> int:
        return self.threshold


def _place_dimension(access_points: list[AccessPoint]) -> Dimension:
    """All access points in reach, their territories, each access point."""
    territories: dict = {}
    for ap in access_points:
        territories.setdefault(("territory", ap.territory_id), []).append(("access_point", ap.pk))
    return disclosure.tree("place", ALL, territories, {("access_point", ap.pk): ("territory", ap.territory_id)
                                                      for ap in access_points})


def _people_dimension(sectors: list, nationalities: list) -> Dimension:
    """Sector and nationality, each a partition of everyone (the table never crosses them)."""
    sector_nodes = tuple((Breakdown.SECTOR, s) for s in sectors)
    nationality_nodes = tuple((Breakdown.NATIONALITY, n) for n in nationalities)
    return Dimension("people", (ALL, *sector_nodes, *nationality_nodes),
                     lambda leaf: (ALL, (Breakdown.SECTOR, leaf[0]), (Breakdown.NATIONALITY, leaf[1])),
                     ((ALL, sector_nodes), (ALL, nationality_nodes)))


def _month(value) -> object:
    if hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date()
    return value


def _column(value) -> str:
    return NOT_STATED if value in (None, "") else value


def aggregate_cube(user, instrument: Instrument, period: Period, definitions: list[dict],
                   indicators: list[IndicatorField], outcomes: list[str] | None):
    """The cube of every count the user may ask for in ``period``, and the
    access points it covers. Three GROUP BY queries (responses, outcomes,
    indicators) plus one for the access points."""
    access_points = list(aggregate_access_points(user))
    ids = {ap.pk for ap in access_points}
    responses = current_responses(ids, instrument, period)
    group = {"month": TruncMonth("submitted_at"), "sector": _sector("pk"), "nationality": _nationality("person_id")}
    base = [(r["month"], r["access_point_id"], _column(r["sector"]), _column(r["nationality"]), r["n"]) for r in
            responses.annotate(**group).values("month", "access_point_id", "sector", "nationality")
            .annotate(n=Count("pk")).order_by()]
    outcome_base = []
    if outcomes is not None:
        effective = Coalesce(NullIf("confirmed_outcome", Value("")), "outcome")
        outcome_base = [(r["o"] or "", r["month"], r["access_point_id"], _column(r["sector"]),
                         _column(r["nationality"]), r["n"]) for r in
                        responses.annotate(**group, o=effective)
                        .values("o", "month", "access_point_id", "sector", "nationality")
                        .annotate(n=Count("pk")).order_by()]
    indicator_base = []
    if indicators:
        facts = (AnswerFact.objects.filter(response__in=responses.values("pk"), value=YES,
                                           key__in=[i.name for i in indicators])
                 .annotate(month=TruncMonth("response__submitted_at"), ap=F("response__access_point_id"),
                           sector=_sector("response_id"), nationality=_nationality("response__person_id"))
                 .values("key", "month", "ap", "sector", "nationality").annotate(n=Count("response_id")).order_by())
        indicator_base = [(r["key"], r["month"], r["ap"], _column(r["sector"]), _column(r["nationality"]), r["n"])
                          for r in facts]
    outcome_codes = list(outcomes or [])
    outcome_codes += sorted({o for o, *_rest in outcome_base} - set(outcome_codes))
    rows = ["responses", *(("outcome", code) for code in outcome_codes),
            *(("indicator", i.name) for i in indicators)]
    sectors = sorted({b[2] for b in base}, key=str)
    nationalities = sorted({b[3] for b in base}, key=str)
    place = _place_dimension(access_points)
    exact_ids = _exact_access_point_ids(user, instrument, ids)
    leaves = {node: ({node[1]} if node[0] == "access_point" else
                     {ap.pk for ap in access_points if node == ALL or ap.territory_id == node[1]})
              for node in place.nodes}

    def known(nodes) -> bool:
        return leaves[nodes[0]] <= exact_ids

    cube = Cube(rows=rows, dimensions=[place, _people_dimension(sectors, nationalities)],
                threshold=disclosure.min_count(), known=known,
                row_sums=[("responses", [("outcome", code) for code in outcome_codes])] if outcomes is not None else [])
    for month, ap, sector, nationality, n in base:
        cube.add("responses", _month(month), (("access_point", ap), (sector, nationality)), n)
    for outcome, month, ap, sector, nationality, n in outcome_base:
        cube.add(("outcome", outcome), _month(month), (("access_point", ap), (sector, nationality)), n)
    for key, month, ap, sector, nationality, n in indicator_base:
        cube.add(("indicator", key), _month(month), (("access_point", ap), (sector, nationality)), n)
    return cube, access_points, leaves


def _scope_node(filters: AggregateFilters):
    if filters.access_point is not None:
        return ("access_point", filters.access_point.pk)
    if filters.territory is not None:
        return ("territory", filters.territory.pk)
    return ALL


def _column_nodes(breakdown: str, scope, access_points, cube: Cube, period: Period) -> list[tuple]:
    """(column key, place node, people node) of the breakdown's columns that count someone."""
    in_scope = [ap for ap in access_points if scope == ALL or scope == ("access_point", ap.pk)
                or scope == ("territory", ap.territory_id)]
    if breakdown == Breakdown.ACCESS_POINT:
        candidates = [(ap.pk, ("access_point", ap.pk), ALL) for ap in in_scope]
    elif breakdown == Breakdown.TERRITORY:
        territory_ids = list(dict.fromkeys(ap.territory_id for ap in in_scope))
        if isinstance(scope, tuple) and scope[0] == "access_point":
            candidates = [(tid, scope, ALL) for tid in territory_ids]
        else:
            candidates = [(tid, ("territory", tid), ALL) for tid in territory_ids]
    elif breakdown in (Breakdown.SECTOR, Breakdown.NATIONALITY):
        people = cube.dimensions[1].nodes
        candidates = [(node[1], scope, node) for node in people if node != ALL and node[0] == breakdown]
    else:
        return []
    return [c for c in candidates if cube.count(period, "responses", (c[1], c[2])) > 0]


def _column_labels(breakdown: str, keys: set, access_points, territories, sectors: dict) -> list[tuple[str, str]]:
    not_stated = _("Not stated")
    if breakdown == Breakdown.ACCESS_POINT:
        names = {ap.pk: ap.name for ap in access_points}
        columns = [(k, names.get(k, str(k))) for k in keys]
    elif breakdown == Breakdown.TERRITORY:
        names = {t.pk: t.name for t in territories}
        columns = [(k, names.get(k, str(k))) for k in keys]
    elif breakdown == Breakdown.SECTOR:
        columns = [(k, sectors.get(k, k) if k != NOT_STATED else not_stated) for k in keys]
    elif breakdown == Breakdown.NATIONALITY:
        columns = [(k, country_name(k) if k != NOT_STATED else not_stated) for k in keys]
    else:
        return []
    # Named columns alphabetically, "not stated" last.
    columns.sort(key=lambda c: (c[0] == NOT_STATED, str(c[1]).lower()))
    return columns


def aggregate_table(user, filters: AggregateFilters) -> AggregateTable:
    """The table of outcomes and indicators for ``filters``, every count
    protected with all the others the user may ask for (see the module's
    docstring). A fixed number of queries, whatever the number of responses."""
    definitions = _definitions(filters.instrument)
    indicators = indicator_fields(definitions)
    scored = any(d.get("scoring") for d in definitions)
    outcomes = outcome_choices(definitions) if scored else None
    cube, access_points, leaves = aggregate_cube(
        user, filters.instrument, filters.period, definitions, indicators,
        [code for code, _label in outcomes] if outcomes is not None else None)
    # The same counts always give the same cells: computed once, then reused
    # by every table, export and user with the same reach.
    known_places = sorted(repr(node) for node in leaves if cube.known((node, ALL)))
    key = "aggregates:" + cube.fingerprint(filters.period, known_places)
    published = cache.get(key)
    if published is None:
        published = cube.publish(filters.period)
        cache.set(key, published, CACHE_SECONDS)
    scope = _scope_node(filters)
    if scope not in leaves:  # out of reach: an empty table
        scope = ("access_point", None)
        leaves[scope] = set()
    breakdown = filters.breakdown
    column_nodes = _column_nodes(breakdown, scope, access_points, cube, filters.period)
    columns: list[tuple] = []
    if breakdown:
        territories = Territory.objects.filter(pk__in=[k for k, _p, _q in column_nodes]) \
            if breakdown == Breakdown.TERRITORY else []
        columns = _column_labels(breakdown, {k for k, _p, _q in column_nodes}, access_points, territories,
                                 dict(sector_choices(definitions)))
    columns.append((TOTAL, _("Total")))
    nodes_of = {key: (place, people) for key, place, people in column_nodes}
    nodes_of[TOTAL] = (scope, ALL)
    threshold = disclosure.min_count()

    def cells(cube_row) -> dict:
        result = {}
        for key, _label in columns:
            cell = published.get((cube_row, *nodes_of[key]))
            result[key] = cell if cell is not None else Cell(0, threshold=threshold)
        return result

    rows = [Row("responses", _("Responses counted"), "responses", "", cells("responses"))]
    if outcomes is not None:
        known_codes = {code for code, _label in outcomes}
        extra = sorted({row[1] for row in cube.rows if isinstance(row, tuple) and row[0] == "outcome"} - known_codes)
        for code, label in [*outcomes, *((code, _humanised(code)) for code in extra)]:
            rows.append(Row(code or "none", label, "outcome", "", cells(("outcome", code))))
    for indicator in indicators:
        rows.append(Row(indicator.name, indicator.label, "indicator", indicator.section,
                        cells(("indicator", indicator.name))))
    exact = bool(leaves[scope]) and cube.known((scope, ALL))
    return AggregateTable(columns=columns, rows=rows, exact=exact, threshold=threshold, period=filters.period,
                          responses=rows[0].cells[TOTAL].count)


def aggregate_export_rows(table: AggregateTable) -> list[list[str]]:
    """The same table for the CSV and XLSX files: a header, one line per
    row, then the marks' footnotes. A hidden count reads "<5" when it is
    small, ``suppressed`` when it is hidden only to protect another one."""
    kinds = {"responses": _("Responses"), "outcome": _("Outcome"), "indicator": _("Indicator")}
    lines = table.export_rows([_("Kind"), _("Section"), _("Code"), _("Label")],
                              lambda row: [kinds[row.kind], row.section, row.key, str(row.label)])
    notes = table.footnotes()
    if notes:
        lines.append([])
        lines += [[note] for note in notes]
    return lines


# The CSV export's name for it.
aggregate_csv_rows = aggregate_export_rows
