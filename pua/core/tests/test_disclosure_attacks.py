"""Attacks on the numbers ``pua.core.disclosure`` publishes: differencing
adjacent periods, a quarter minus its months, a year minus its quarters,
totals minus parts, overlapping breakdowns, repeated publication. Each test
publishes everything an attacker can ask for and fails if a true count
between 1 and the threshold − 1 follows from the published numbers.

``recoverable`` is the attacker: every published number is a known value,
every other count an unknown, every additive relation the attacker knows
(rows, columns, margins, period hierarchy) a linear equation; a count is
recovered when its unit vector lies in the span of the equations left after
the known values are substituted. It is written apart from the module's own
check (echelon form modulo a large prime rather than exact fractions) so
that one cannot hide a mistake of the other. The attacks through the real
URLs of the aggregates page are in
``pua/assessments/tests/test_aggregate_attacks.py``."""

from __future__ import annotations

import datetime
import itertools
import random

import pytest

from pua.core.disclosure import MONTH, QUARTER, YEAR, Cube, Dimension, Period, tree

PRIME = (1 << 61) - 1
THRESHOLD = 5


def recoverable(published: dict, relations: list, targets) -> set:
    """The ``targets`` whose value follows linearly from ``published``
    (key -> number, or None when hidden) under ``relations`` ((total,
    parts) pairs). Keys absent from ``published`` are unknown too."""
    index: dict = {}

    def unknown(key) -> bool:
        return published.get(key) is None

    def var(key) -> int:
        return index.setdefault(key, len(index))

    pivots: dict[int, dict[int, int]] = {}

    def reduce(vector: dict[int, int]) -> dict[int, int]:
        vector = {k: v % PRIME for k, v in vector.items() if v % PRIME}
        while vector:
            lead = min(vector)
            if lead not in pivots:
                return vector
            factor = vector[lead]
            for k, v in pivots[lead].items():
                vector[k] = (vector.get(k, 0) - factor * v) % PRIME
                if not vector[k]:
                    del vector[k]
        return vector

    for total, parts in relations:
        equation: dict[int, int] = {}
        for key, sign in ((total, 1), *((part, -1) for part in parts)):
            if unknown(key):
                equation[var(key)] = equation.get(var(key), 0) + sign
        equation = reduce(equation)
        if equation:
            lead = min(equation)
            inverse = pow(equation[lead], PRIME - 2, PRIME)
            pivots[lead] = {k: v * inverse % PRIME for k, v in equation.items()}
    found = set()
    for key in targets:
        if not unknown(key):
            found.add(key)  # published as it is
        elif key in index and not reduce({index[key]: 1}):
            found.add(key)
    return found


def small(counts: dict) -> set:
    return {key for key, count in counts.items() if 0 < count < THRESHOLD}


# --- a synthetic output: places, people, three rows, a year of months ----------------------------------

PLACES = {"t1": ["a1", "a2"], "t2": ["a3"]}
SECTORS = ["s1", "s2", "s3"]
NATIONALITIES = ["n1", "n2"]
ROWS = ["responses", "o1", "o2"]
YEAR_START = datetime.date(2025, 1, 1)


def _place() -> Dimension:
    return tree("place", "all", PLACES, {ap: t for t, aps in PLACES.items() for ap in aps})


def _people() -> Dimension:
    sectors = tuple(("s", s) for s in SECTORS)
    nationalities = tuple(("n", n) for n in NATIONALITIES)
    return Dimension("people", ("*", *sectors, *nationalities),
                     lambda leaf: ("*", ("s", leaf[0]), ("n", leaf[1])), (("*", sectors), ("*", nationalities)))


def _periods() -> list[Period]:
    year = Period(YEAR_START, YEAR)
    return [year, *year.children(), *(m for q in year.children() for m in q.children())]


def _records(seed: int, months=(0, 1, 2, 4, 10), most: int = 4) -> list[tuple]:
    """Small groups: 0 to ``most`` records per month, place, sector and nationality."""
    rng = random.Random(seed)
    records = []
    for month in months:
        start = datetime.date(YEAR_START.year, month + 1, 1)
        for ap in [ap for aps in PLACES.values() for ap in aps]:
            for sector, nationality in itertools.product(SECTORS, NATIONALITIES):
                for _n in range(rng.choice([0, 0, 0, 1, 1, 2, most])):
                    records.append((start, ap, sector, nationality, rng.choice(["o1", "o2"])))
    return records


def _cube(records, known=None) -> Cube:
    cube = Cube(rows=ROWS, dimensions=[_place(), _people()], threshold=THRESHOLD,
                row_sums=[("responses", ["o1", "o2"])], known=known)
    for start, ap, sector, nationality, outcome in records:
        cube.add("responses", start, (ap, (sector, nationality)), 1)
        cube.add(outcome, start, (ap, (sector, nationality)), 1)
    return cube


def _all_keys():
    place, people = _place(), _people()
    return [(period, row, p, q) for period in _periods() for row in ROWS for p in place.nodes for q in people.nodes]


def _true_counts(records) -> dict:
    counts = dict.fromkeys(_all_keys(), 0)
    place, people = _place(), _people()
    for start, ap, sector, nationality, outcome in records:
        for kind in (MONTH, QUARTER, YEAR):
            period = Period.containing(kind, start)
            for row in ("responses", outcome):
                for p in place.nodes_of(ap):
                    for q in people.nodes_of((sector, nationality)):
                        counts[(period, row, p, q)] += 1
    return counts


def _attacker_relations() -> list:
    """Every additive relation an attacker knows from the tables' layout."""
    place, people = _place(), _people()
    relations = []
    for period in _periods():
        for p, q in itertools.product(place.nodes, people.nodes):
            relations.append(((period, "responses", p, q), [(period, "o1", p, q), (period, "o2", p, q)]))
            for row in ROWS:
                if period.children():
                    relations.append(((period, row, p, q), [(child, row, p, q) for child in period.children()]))
        for row in ROWS:
            for (node, parts), q in itertools.product(place.partitions, people.nodes):
                relations.append(((period, row, node, q), [(period, row, part, q) for part in parts]))
            for (node, parts), p in itertools.product(people.partitions, place.nodes):
                relations.append(((period, row, p, node), [(period, row, p, part) for part in parts]))
    return relations


def _publish_everything(cube: Cube, order=None) -> dict:
    published = {}
    for period in order or _periods():
        for (row, p, q), cell in cube.publish(period).items():
            published[(period, row, p, q)] = cell.value
    # Everything not in the cube reads 0 in the tables.
    return {key: published.get(key, 0) for key in _all_keys()}


@pytest.mark.parametrize("seed", range(6))
def test_no_small_count_is_recoverable_from_every_period_scope_and_breakdown(seed):
    records = _records(seed)
    truth = _true_counts(records)
    published = _publish_everything(_cube(records))

    leaked = recoverable(published, _attacker_relations(), small(truth))

    assert small(truth), "the data must hold small counts to attack"
    assert leaked == set()


def test_a_month_differing_by_one_person_from_the_next_gives_nobody_away():
    # One person in February on top of January's six: the two months and the quarter.
    records = [(datetime.date(2025, 1, 1), "a1", "s1", "n1", "o1")] * 6
    records += [(datetime.date(2025, 2, 1), "a1", "s1", "n1", "o1")]
    records += [(datetime.date(2025, 3, 1), "a1", "s1", "n1", "o1")] * 7
    truth = _true_counts(records)
    published = _publish_everything(_cube(records))

    february = (Period.parse("2025-02"), "responses", "all", "*")
    assert published[february] is None
    assert published[(Period.parse("2025-Q1"), "responses", "all", "*")] is None  # 14 - 6 - 7 would give 1
    assert recoverable(published, _attacker_relations(), small(truth)) == set()


def test_a_quarter_minus_its_months_and_a_year_minus_its_quarters_give_nothing_away():
    records = [(datetime.date(2025, 1, 1), "a1", "s1", "n1", "o1")] * 8
    records += [(datetime.date(2025, 4, 1), "a3", "s2", "n2", "o2")] * 2  # the only record of Q2
    records += [(datetime.date(2025, 7, 1), "a2", "s1", "n1", "o1")] * 9
    truth = _true_counts(records)
    published = _publish_everything(_cube(records))

    assert published[(Period.parse("2025"), "responses", "all", "*")] is None  # 19 - 8 - 9 = 2
    assert recoverable(published, _attacker_relations(), small(truth)) == set()


def test_a_total_minus_the_other_parts_gives_nothing_away():
    records = [(datetime.date(2025, 1, 1), "a1", "s1", "n1", "o1")] * 3
    records += [(datetime.date(2025, 1, 1), "a3", "s1", "n1", "o1")] * 40
    published = _publish_everything(_cube(records))
    month = Period.parse("2025-01")

    assert published[(month, "responses", "a1", "*")] is None
    assert published[(month, "responses", "a3", "*")] is None or published[(month, "responses", "all", "*")] is None
    assert recoverable(published, _attacker_relations(), small(_true_counts(records))) == set()


def test_cells_hidden_by_pairs_are_not_left_recoverable_through_a_chain_of_relations():
    # Two blocks of small counts joined by one count: each line has two hidden cells,
    # yet the joining cell follows from the blocks' margins unless more is hidden.
    records = []
    for ap, sector, n in [("a1", "s1", 2), ("a1", "s2", 2), ("a2", "s1", 2), ("a2", "s2", 2),
                          ("a3", "s3", 2), ("a1", "s3", 3), ("a3", "s1", 30), ("a2", "s3", 30)]:
        records += [(datetime.date(2025, 1, 1), ap, sector, "n1", "o1")] * n
    truth = _true_counts(records)

    leaked = recoverable(_publish_everything(_cube(records)), _attacker_relations(), small(truth))

    assert leaked == set()


def test_the_published_numbers_do_not_depend_on_the_order_or_number_of_requests():
    records = _records(11, months=(0, 1, 2, 4))
    first = _publish_everything(_cube(records))
    cube = _cube(records)
    for _request in range(3):
        again = _publish_everything(cube, order=list(reversed(_periods())))

    assert again == first


def test_a_month_reads_the_same_before_and_after_its_quarter_and_year_exist():
    records = _records(3)
    january = Period.parse("2025-01")
    alone = _cube([r for r in records if r[0] < datetime.date(2025, 2, 1)]).publish(january)

    with_the_year = _cube(records).publish(january)

    assert {k: c.value for k, c in alone.items()} == {k: c.value for k, c in with_the_year.items()}


def test_counts_the_reader_knows_are_shown_and_do_not_give_the_others_away():
    records = _records(5)
    truth = _true_counts(records)

    def known(nodes) -> bool:
        return nodes[0] in ("a1",)

    published = _publish_everything(_cube(records, known=known))

    for key, count in truth.items():
        if key[2] == "a1":
            assert published[key] == count
    # What the reader does not know: the part of each count outside a1 (a1 being
    # known, a count of t1 or of all places gives that part away).
    others = set()
    for key, count in truth.items():
        period, row, place, people = key
        outside = count - (truth[(period, row, "a1", people)] if place in ("t1", "all") else 0)
        if place != "a1" and 0 < outside < THRESHOLD:
            others.add(key)
    assert others
    assert recoverable(published, _attacker_relations(), others) == set()


def test_the_checker_finds_a_count_left_unprotected():
    # Without the secondary suppression, 3 = 43 - 40 is there for the taking.
    published = {"total": 43, "a": None, "b": 40}

    assert recoverable(published, [("total", ["a", "b"])], {"a"}) == {"a"}
    assert recoverable({"total": None, "a": None, "b": 40}, [("total", ["a", "b"])], {"a"}) == set()
