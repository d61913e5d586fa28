"""Statistical disclosure control for every aggregate output that leaves the
case team (pages, CSV and XLSX exports, the monitoring to come).

An output counts records (responses, cases...) along *rows* (what is counted:
an outcome, an indicator) and along fixed *dimensions* it declares (where:
access point and territory; who: sector, nationality). User input selects
only among what the output declares: a period among the fixed ones, a node
of each dimension as the scope, one dimension as the breakdown. The numbers
then come from one ``Cube`` per output, which decides once, for every count
the output can ever publish, which ones are hidden, so that no request and no
combination of requests gives a small count away.

Fixed periods (``Period``)
    Calendar months (``2026-03``), quarters (``2026-Q1``) and years
    (``2026``), never free dates: two ranges one day apart would give away
    whoever was counted on that day. Only *completed* periods can be chosen
    (``selectable_periods``): a month shown while it runs and again once it
    ends would give away the people counted in between.

Primary suppression
    Every count with ``0 < count < min_count()`` (``AGGREGATE_MIN_CELL``, 5)
    is hidden; it reads "<5". Zero is shown: on its own it tells nothing of a
    person, and the same rule holds in every table, so an empty cell cannot be
    told apart by its mark.

Secondary suppression
    The counts hold additive relations: the columns of a breakdown add up to
    the total column, the outcome rows to the responses row (``row_sums``),
    the children of a dimension's node to the node (access points to their
    territory, sectors to all sectors), and months to their quarter,
    quarters to their year. A relation with exactly one hidden member gives
    it away, so another member is hidden too: the smallest non-zero shown
    part, else the relation's total; repeated until stable. Then every
    relation is solved as a linear system (``determined``): while some small
    hidden count is still determined by the shown ones, one more count next
    to it is hidden. A count hidden only to protect another reads "—" (on
    the page) or ``suppressed`` (in files): it may be any number.

Periods against each other (the rule chosen)
    A month is protected on its own data only, so its pattern never changes
    once the month is over. A quarter is protected *after* its months, which
    are then final: whatever the quarter's counts would give away together
    with its published months is hidden in the quarter (suppression at the
    coarser level, never back in a finer one); a year likewise after its
    quarters. So asking for March, then the first quarter, then the year can
    never reveal what March hid, and the published numbers stay the same
    whenever they are asked for again.

Counts the reader knows anyway (``known``)
    Case staff see exact counts of the access points where they work. Those
    counts are shown and treated as published when protecting the others, so
    that "all access points minus mine" does not give another's small count
    away.

Percentages (``percentage``)
    No percentage on a base below ``PERCENT_MIN_BASE``; whole numbers from
    ``PERCENT_EXACT_BASE`` up, 5-point bands below; none of a hidden count.

Using it::

    cube = Cube(rows=[...], dimensions=[place, people], row_sums=[("responses", outcome_rows)],
                threshold=min_count(), known=lambda nodes: ...)
    cube.add(row, month_start, (access_point_id, (sector, nationality)), n)   # leaves, one per dimension
    cells = cube.publish(Period.parse("2026-Q1"))        # {(row, node, node): Cell}
    table = Table(columns=[...], rows=[TableRow(key, label, kind, section, {column: cell})])

``Table`` is rendered alike by the page and the CSV/XLSX writers
(``Table.export_rows``), with the footnote of ``Table.footnotes``.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import math
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MONTH, QUARTER, YEAR = "month", "quarter", "year"
REST = "rest"  # the unknown part of a count whose other parts the reader knows
KINDS = [(MONTH, gettext_lazy("Months")), (QUARTER, gettext_lazy("Quarters")), (YEAR, gettext_lazy("Years"))]
YEARS_OFFERED = 5  # how far back the period selector goes
SECONDARY_MARK = "—"
SECONDARY_EXPORT = "suppressed"  # kept untranslated: exported files stay machine-readable
PERCENT_MIN_BASE = 20
PERCENT_EXACT_BASE = 100

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


def min_count() -> int:
    """The smallest count shown outside the case team."""
    return int(getattr(settings, "AGGREGATE_MIN_CELL", 5))


# --- periods ----------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, quarter or year: ``kind`` and its first day."""

    start: datetime.date
    kind: str = MONTH

    def __post_init__(self):
        valid_start = self.start.day == 1 and (
            self.kind == MONTH
            or (self.kind == QUARTER and self.start.month % 3 == 1)
            or (self.kind == YEAR and self.start.month == 1))
        if not valid_start:
            raise ValueError(f"{self.start} does not start a {self.kind}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-03``, ``2026-Q1`` or ``2026``; ``ValueError`` for anything else."""
        match = _PERIOD.match(str(text or "").strip())
        if not match:
            raise ValueError("not a period")
        year = int(match["year"])
        if year < 1:
            raise ValueError("not a period")
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise ValueError("not a month")
            return cls(datetime.date(year, month, 1), MONTH)
        if match["quarter"]:
            return cls(datetime.date(year, 3 * int(match["quarter"]) - 2, 1), QUARTER)
        return cls(datetime.date(year, 1, 1), YEAR)

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> Period:
        if kind == YEAR:
            return cls(datetime.date(day.year, 1, 1), YEAR)
        if kind == QUARTER:
            return cls(datetime.date(day.year, day.month - (day.month - 1) % 3, 1), QUARTER)
        return cls(datetime.date(day.year, day.month, 1), MONTH)

    @property
    def months(self) -> int:
        return {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]

    @property
    def end(self) -> datetime.date:
        """The first day after the period."""
        index = self.start.year * 12 + self.start.month - 1 + self.months
        return datetime.date(index // 12, index % 12 + 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def __str__(self) -> str:
        if self.kind == YEAR:
            return f"{self.start.year:04d}"
        if self.kind == QUARTER:
            return f"{self.start.year:04d}-Q{(self.start.month + 2) // 3}"
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            from django.utils.dateformat import format as date_format
            return date_format(self.start, "F Y")
        return str(self).replace("-", " ")

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - datetime.timedelta(days=1))

    def next(self) -> Period:
        return Period(self.end, self.kind)

    def children(self) -> list[Period]:
        """The periods it is the sum of: a year's quarters, a quarter's months."""
        if self.kind == MONTH:
            return []
        kind = QUARTER if self.kind == YEAR else MONTH
        children, period = [], Period(self.start, kind)
        while period.start < self.end:
            children.append(period)
            period = period.next()
        return children

    def month_starts(self) -> list[datetime.date]:
        if self.kind == MONTH:
            return [self.start]
        return [day for child in self.children() for day in child.month_starts()]

    def is_complete(self, today: datetime.date | None = None) -> bool:
        return self.end <= (today or timezone.localdate())


def selectable_periods(kind: str, today: datetime.date | None = None, years: int = YEARS_OFFERED) -> list[Period]:
    """The completed periods of ``kind`` of the last ``years`` years, newest first."""
    today = today or timezone.localdate()
    first = datetime.date(today.year - years + 1, 1, 1)
    periods, period = [], Period.containing(kind, today).previous()
    while period.start >= first:
        periods.append(period)
        period = period.previous()
    return periods


def latest_period(kind: str = MONTH, today: datetime.date | None = None) -> Period:
    """The last completed period of ``kind``."""
    return Period.containing(kind, today or timezone.localdate()).previous()


def period_choices(today: datetime.date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The selector's choices, grouped by kind (``<optgroup>``)."""
    return [(str(label), [(str(p), p.label) for p in selectable_periods(kind, today)]) for kind, label in KINDS]


# --- percentages ------------------------------------------------------------------------------------

def percentage(part: int, base: int, *, min_base: int = PERCENT_MIN_BASE) -> int | None:
    """``part`` as a percentage of ``base``, rounded so that it tells no
    small count: None below ``min_base``; to the nearest 5 below
    ``PERCENT_EXACT_BASE``; to a whole number from there."""
    if base < max(min_base, 1) or part < 0 or part > base:
        return None
    value = Fraction(100 * part, base)
    if base < PERCENT_EXACT_BASE:
        return 5 * math.floor(value / 5 + Fraction(1, 2))
    return math.floor(value + Fraction(1, 2))


# --- cells and tables -------------------------------------------------------------------------------

@dataclass
class Cell:
    count: int
    suppressed: bool = False  # hidden, for either reason
    secondary: bool = False  # hidden only so that another hidden count cannot be worked out
    threshold: int = 5

    @property
    def primary(self) -> bool:
        """Hidden because it is small: "<5" is true of it."""
        return self.suppressed and not self.secondary

    @property
    def shown(self) -> str:
        if not self.suppressed:
            return str(self.count)
        return SECONDARY_MARK if self.secondary else f"<{self.threshold}"

    @property
    def export_value(self) -> str:
        if not self.suppressed:
            return str(self.count)
        return SECONDARY_EXPORT if self.secondary else f"<{self.threshold}"

    @property
    def value(self) -> int | None:
        """The published number, None when hidden."""
        return None if self.suppressed else self.count


@dataclass
class TableRow:
    key: str
    label: str
    kind: str
    section: str = ""
    cells: dict = field(default_factory=dict)  # column key -> Cell

    def cells_in(self, columns) -> list[Cell]:
        return [self.cells[key] for key, _label in columns]


@dataclass
class Table:
    """What an aggregate output publishes: columns (the last is the total),
    rows of cells, and the marks' footnotes."""

    columns: list[tuple]
    rows: list[TableRow]
    threshold: int
    exact: bool = False
    period: Period | None = None

    @property
    def sections(self) -> list[tuple[str, list[TableRow]]]:
        groups: list[tuple[str, list[TableRow]]] = []
        for row in self.rows:
            if not groups or groups[-1][0] != row.section:
                groups.append((row.section, []))
            groups[-1][1].append(row)
        return groups

    def _cells(self):
        return (cell for row in self.rows for cell in row.cells.values())

    @property
    def has_suppressed(self) -> bool:
        return any(cell.suppressed for cell in self._cells())

    @property
    def has_primary(self) -> bool:
        return any(cell.primary for cell in self._cells())

    @property
    def has_secondary(self) -> bool:
        return any(cell.secondary for cell in self._cells())

    def footnotes(self) -> list[str]:
        """One line per mark the table uses, for files (the page has its own)."""
        notes = []
        if self.has_primary:
            notes.append(_("<%(n)s: a count above zero and below %(n)s, hidden to protect the people counted.")
                         % {"n": self.threshold})
        if self.has_secondary:
            notes.append(_("%(word)s: a count hidden only so that a small count cannot be worked out from the "
                           "others; it can be any number.") % {"word": SECONDARY_EXPORT})
        return notes

    def export_rows(self, header: list[str], leading: Callable[[TableRow], list[str]]) -> list[list[str]]:
        """The rows of a CSV or XLSX file: ``header`` then the columns'
        labels, each row's ``leading`` values then its cells."""
        lines = [[*header, *[str(label) for _key, label in self.columns]]]
        for row in self.rows:
            lines.append([*leading(row), *[cell.export_value for cell in row.cells_in(self.columns)]])
        return lines


# --- the cube: every count an output can publish, protected together --------------------------------

@dataclass(frozen=True)
class Dimension:
    """A fixed dimension of an output.

    ``nodes``: every value a scope or a column can take, the root (all)
    first; ``nodes_of``: the nodes a leaf (one record's value) counts in;
    ``partitions``: (node, its children) pairs whose counts add up."""

    name: str
    nodes: tuple
    nodes_of: Callable[[Hashable], Iterable[Hashable]]
    partitions: tuple = ()

    @property
    def root(self):
        return self.nodes[0]


def tree(name: str, root, groups: dict, leaf_group: dict | None = None) -> Dimension:
    """A dimension of leaves grouped once or twice: ``groups`` maps each
    middle node to its leaves (``leaf_group`` when leaves sit under one
    middle node each, e.g. access points under territories); without
    ``leaf_group`` the leaves are the middle nodes themselves."""
    if leaf_group is None:
        nodes = (root, *groups)
        return Dimension(name, nodes, lambda leaf: (root, leaf), ((root, tuple(groups)),))
    leaves = [leaf for members in groups.values() for leaf in members]
    nodes = (root, *groups, *leaves)
    partitions = ((root, tuple(groups)), *((g, tuple(members)) for g, members in groups.items()))
    return Dimension(name, nodes, lambda leaf: (root, leaf_group[leaf], leaf), partitions)


class Cube:
    """Counts by row, month and leaf of each dimension, and the protected
    cells of any fixed period (see the module's docstring).

    Only non-zero counts are held: a zero is shown, never hidden, and adds
    nothing to a relation, so the work grows with the records counted, not
    with the number of possible cells."""

    def __init__(self, *, rows: list, dimensions: list[Dimension], threshold: int,
                 row_sums: Iterable[tuple] = (),
                 known: Callable[[tuple], bool] | None = None):
        self.rows = list(rows)
        self.dimensions = list(dimensions)
        self.threshold = threshold
        self.row_sums = {total: list(parts) for total, parts in row_sums if parts}
        self.known = known or (lambda nodes: False)
        self._counts: dict[tuple, int] = {}  # (period, row, *nodes) -> count, never 0
        self._published: dict[Period, dict] = {}
        # node -> the partitions it is the total of, per dimension
        self._children = [{} for _dimension in self.dimensions]
        for index, dimension in enumerate(self.dimensions):
            for node, parts in dimension.partitions:
                self._children[index].setdefault(node, []).append(tuple(parts))

    def add(self, row, month: datetime.date, leaves: tuple, count: int) -> None:
        """Add ``count`` records of ``row`` in the month starting ``month``, with one leaf per dimension."""
        if count <= 0:
            return
        periods = [Period.containing(kind, month) for kind in (MONTH, QUARTER, YEAR)]
        for nodes in itertools.product(*(d.nodes_of(leaf) for d, leaf in zip(self.dimensions, leaves, strict=True))):
            for period in periods:
                key = (period, row, *nodes)
                self._counts[key] = self._counts.get(key, 0) + count
        self._published.clear()

    def count(self, period: Period, row, nodes: tuple) -> int:
        return self._counts.get((period, row, *nodes), 0)

    def publish(self, period: Period) -> dict[tuple, Cell]:
        """The non-zero cells of ``period``, keyed ``(row, *nodes)``; any other count is 0."""
        cells = self._protect(period)
        return {key[1:]: cell for key, cell in cells.items() if key[0] == period}

    def fingerprint(self, period: Period, *extra) -> str:
        """A digest of everything ``publish(period)`` depends on (the caller
        adds what ``known`` depends on to ``extra``): equal digests, equal
        cells, so the result may be cached."""
        counts = sorted((repr(key), count) for key, count in self._counts.items()
                        if period.start <= key[0].start < period.end)
        structure = [(d.name, d.nodes, d.partitions) for d in self.dimensions]
        text = repr((str(period), self.threshold, self.rows, sorted(self.row_sums.items(), key=repr), structure,
                     counts, extra))
        return hashlib.sha256(text.encode()).hexdigest()

    def _relations(self, keys: Iterable[tuple]) -> list[tuple[tuple, list[tuple]]]:
        """Every relation whose total is one of ``keys``, its zero parts left out."""
        relations = []
        for key in keys:
            if key[0] == REST:
                continue
            period, row, nodes = key[0], key[1], key[2:]
            candidates = []
            if row in self.row_sums:
                candidates.append([(period, part, *nodes) for part in self.row_sums[row]])
            children = period.children()
            if children:
                candidates.append([(child, row, *nodes) for child in children])
            for index, node in enumerate(nodes):
                for parts in self._children[index].get(node, ()):
                    candidates.append([(period, row, *nodes[:index], part, *nodes[index + 1:]) for part in parts])
            for members in candidates:
                relations.append((key, [m for m in members if m in self._counts]))
        return relations

    def _protect(self, period: Period) -> dict[tuple, Cell]:
        """The cells of ``period`` and of the periods below it, the finer ones final first."""
        if period in self._published:
            return self._published[period]
        cells: dict[tuple, Cell] = {}
        for child in period.children():
            cells.update(self._protect(child))
        own = {}
        for key, count in self._counts.items():
            if key[0] == period:
                small = count < self.threshold and not self.known(key[2:])
                own[key] = Cell(count, suppressed=small, threshold=self.threshold)
        cells.update(own)
        if any(cell.suppressed for cell in cells.values()):
            free = {key for key in own if not self.known(key[2:])}
            relations = self._relations(cells)
            _suppress(cells, relations + self._rests(cells), free)
        self._published[period] = cells
        return cells

    def _rests(self, cells: dict) -> list:
        """What a count gives away beyond the parts the reader knows.

        Where a count splits (down a dimension, as far as needed) into parts
        the reader knows and parts they do not, the count minus the known
        parts is the number of the others: a hidden unknown of its own
        (``(REST, count's key, dimension)``, never published), small or not,
        so that the check hides the count when the others are few."""
        extra = []
        for key in [k for k in cells if k[0] != REST and not self.known(k[2:])]:
            for index in range(len(self.dimensions)):
                cover = self._cover(key, index)
                if cover is None:
                    continue
                known, unknown = ([k for k in keys if k in cells] for keys in cover)
                rest = (REST, key, index)
                count = cells[key].count - sum(cells[k].count for k in known)
                small = 0 < count < self.threshold
                cells[rest] = Cell(count, suppressed=True, secondary=not small, threshold=self.threshold)
                extra.append((key, [*known, rest]))
                if unknown:
                    extra.append((rest, unknown))
        return extra

    def _cover(self, key: tuple, index: int) -> tuple[list, list] | None:
        """``key`` split along dimension ``index`` into the largest parts the
        reader knows and the parts they do not; None when no part is known."""
        nodes = key[2:]
        for parts in self._children[index].get(nodes[index], ()):
            known, unknown = [], []
            for part in parts:
                sub = (*key[:2], *nodes[:index], part, *nodes[index + 1:])
                if self.known(sub[2:]):
                    known.append(sub)
                    continue
                inner = self._cover(sub, index)
                if inner is None:
                    unknown.append(sub)
                else:
                    known += inner[0]
                    unknown += inner[1]
            if known:
                return known, unknown
        return None


def _hide(cell: Cell) -> None:
    cell.suppressed = cell.secondary = True


def _suppress(cells: dict, relations: list, free: set) -> None:
    """Hide more of the ``free`` cells until no small hidden count can be
    worked out from the shown ones (see the module's docstring)."""
    while True:
        _single_hidden(cells, relations, free)
        exposed = [key for key in determined(cells, relations) if cells[key].primary]
        if not exposed:
            return
        by_member: dict = {}
        for relation in relations:
            for member in (relation[0], *relation[1]):
                by_member.setdefault(member, []).append(relation)
        hid = [_hide_next_to(key, cells, by_member, free) for key in exposed]
        if not any(hid):
            return  # nothing left that may be hidden: every count next to it is known to the reader


def _single_hidden(cells: dict, relations: list, free: set) -> None:
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            members = [total, *parts]
            hidden = [m for m in members if cells[m].suppressed]
            if len(hidden) != 1 or (hidden[0][0] == REST and not cells[hidden[0]].primary):
                continue
            candidates = sorted((p for p in parts if p in free and not cells[p].suppressed and cells[p].count > 0),
                                key=lambda p: (cells[p].count, repr(p)))
            if candidates:
                _hide(cells[candidates[0]])
            elif total in free and not cells[total].suppressed:
                _hide(cells[total])
            else:
                others = [m for m in members if m in free and not cells[m].suppressed and cells[m].count > 0]
                if not others:
                    continue
                _hide(cells[others[0]])
            changed = True


def _hide_next_to(key, cells: dict, by_member: dict, free: set) -> bool:
    """Hide one more free cell in a relation linked to ``key`` through hidden cells."""
    seen, frontier = {key}, [key]
    while frontier:
        current = frontier.pop(0)
        for total, parts in by_member.get(current, []):
            members = [total, *parts]
            # Zeros stay shown: hiding them never protects anything, and the
            # pattern then does not depend on which empty columns exist.
            visible = [m for m in members if m in free and not cells[m].suppressed and cells[m].count > 0]
            if visible:
                _hide(cells[min(visible, key=lambda m: (cells[m].count, repr(m)))])
                return True
            for member in members:
                if member not in seen and cells[member].suppressed:
                    seen.add(member)
                    frontier.append(member)
    return False


def determined(cells: dict, relations: list) -> list:
    """The hidden cells whose value follows from the shown ones through the
    relations (each hidden cell an unknown, each relation a linear equation):
    those whose unit vector lies in the row space of the equations, read off
    their reduced row echelon form. Integer rows divided by their greatest
    common divisor keep the arithmetic exact."""
    index: dict = {}
    keys: list = []
    for key, cell in cells.items():
        if cell.suppressed:
            index[key] = len(keys)
            keys.append(key)
    pivots: dict[int, dict[int, int]] = {}  # pivot unknown -> equation, in reduced row echelon form

    def combine(row: dict, factor: int, pivot_row: dict, scale: int) -> dict:
        """scale * row - factor * pivot_row, divided by the gcd."""
        result = {k: scale * v for k, v in row.items()}
        for k, v in pivot_row.items():
            result[k] = result.get(k, 0) - factor * v
        result = {k: v for k, v in result.items() if v}
        divisor = math.gcd(*result.values()) if result else 1
        return {k: v // divisor for k, v in result.items()} if divisor > 1 else result

    for total, parts in relations:
        equation: dict[int, int] = {}
        for member, sign in ((total, 1), *((p, -1) for p in parts)):
            position = index.get(member)
            if position is not None:
                equation[position] = equation.get(position, 0) + sign
        equation = {k: v for k, v in equation.items() if v}
        for unknown in [k for k in equation if k in pivots]:
            factor = equation.get(unknown)
            if factor:
                row = pivots[unknown]
                equation = combine(equation, factor, row, row[unknown])
        if not equation:
            continue
        pivot = min(equation)
        if equation[pivot] < 0:
            equation = {k: -v for k, v in equation.items()}
        for other, row in list(pivots.items()):
            factor = row.get(pivot)
            if factor:
                pivots[other] = combine(row, factor, equation, equation[pivot])
        pivots[pivot] = equation
    return [keys[unknown] for unknown, row in sorted(pivots.items()) if len(row) == 1]
