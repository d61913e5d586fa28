"""The disclosure-control module's parts: fixed periods, percentages,
primary and secondary suppression on one table, and the table the pages and
files render. The attacks are in ``test_disclosure_attacks.py``."""

import datetime

import pytest
from django.test import override_settings
from django.utils import translation

from pua.core.disclosure import (
    MONTH,
    QUARTER,
    YEAR,
    Cell,
    Cube,
    Dimension,
    Period,
    Table,
    TableRow,
    determined,
    latest_period,
    min_count,
    percentage,
    period_choices,
    selectable_periods,
)

TODAY = datetime.date(2026, 5, 14)


@pytest.mark.parametrize(("text", "kind", "start", "end"), [
    ("2026-03", MONTH, datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)),
    ("2026-12", MONTH, datetime.date(2026, 12, 1), datetime.date(2027, 1, 1)),
    ("2026-Q1", QUARTER, datetime.date(2026, 1, 1), datetime.date(2026, 4, 1)),
    ("2026-Q4", QUARTER, datetime.date(2026, 10, 1), datetime.date(2027, 1, 1)),
    ("2026", YEAR, datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)),
])
def test_it_reads_and_writes_the_three_kinds_of_period(text, kind, start, end):
    period = Period.parse(text)

    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert str(period) == text
    assert period.last_day == end - datetime.timedelta(days=1)


@pytest.mark.parametrize("text", ["", "2026-3", "2026-13", "2026-00", "2026-Q0", "2026-Q5", "26", "2026-01-01",
                                  "2026-01..2026-02", "0000", "2026-W01", " ", None])
def test_it_refuses_anything_but_a_fixed_period(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_it_refuses_a_period_that_does_not_start_where_its_kind_starts():
    with pytest.raises(ValueError):
        Period(datetime.date(2026, 2, 1), QUARTER)


def test_it_steps_back_and_splits_periods():
    assert str(Period.parse("2026-01").previous()) == "2025-12"
    assert str(Period.parse("2026-Q1").previous()) == "2025-Q4"
    assert str(Period.parse("2026").previous()) == "2025"
    assert [str(p) for p in Period.parse("2026").children()] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [str(p) for p in Period.parse("2026-Q2").children()] == ["2026-04", "2026-05", "2026-06"]
    assert len(Period.parse("2026").month_starts()) == 12


def test_it_offers_only_completed_periods_newest_first():
    months = selectable_periods(MONTH, TODAY)
    quarters = selectable_periods(QUARTER, TODAY)
    years = selectable_periods(YEAR, TODAY)

    assert str(months[0]) == "2026-04" and str(months[-1]) == "2022-01"
    assert str(quarters[0]) == "2026-Q1"
    assert [str(y) for y in years] == ["2025", "2024", "2023", "2022"]
    assert all(p.is_complete(TODAY) for p in [*months, *quarters, *years])
    assert str(latest_period(MONTH, TODAY)) == "2026-04"


def test_it_groups_the_selector_by_kind():
    with translation.override("en"):
        groups = period_choices(TODAY)

    assert [label for label, _choices in groups] == ["Months", "Quarters", "Years"]
    assert groups[1][1][0] == ("2026-Q1", "2026 Q1")


@pytest.mark.parametrize(("part", "base", "expected"), [
    (3, 10, None),  # base too small for any percentage
    (7, 20, 35),  # 35 exactly
    (6, 22, 25),  # 27.3 to the nearest 5
    (1, 40, 5),  # 2.5 rounds up to 5
    (0, 40, 0),
    (33, 200, 17),  # 16.5: whole numbers from 100 up
    (1, 300, 0),
    (5, 4, None),  # a part larger than its base is no percentage
])
def test_it_rounds_percentages_on_small_bases(part, base, expected):
    assert percentage(part, base) == expected


@override_settings(AGGREGATE_MIN_CELL=10)
def test_it_takes_the_threshold_from_the_settings():
    assert min_count() == 10


def _one_month_cube(counts: dict, threshold=5) -> dict:
    """A table rows x columns of one month, with its totals."""
    columns = sorted({column for _row, column in counts})
    place = Dimension("place", ("all", *columns), lambda leaf: ("all", leaf), (("all", tuple(columns)),))
    rows = sorted({row for row, _column in counts})
    cube = Cube(rows=rows, dimensions=[place], threshold=threshold)
    for (row, column), n in counts.items():
        cube.add(row, datetime.date(2025, 1, 1), (column,), n)
    return cube.publish(Period.parse("2025-01"))


def test_it_hides_small_counts_and_shows_zeros():
    cells = _one_month_cube({("x", "a"): 3, ("x", "b"): 40, ("y", "a"): 0, ("y", "b"): 9})

    assert cells[("x", "a")].primary and cells[("x", "a")].shown == "<5"
    assert ("y", "a") not in cells  # a zero is not held: it reads 0
    assert not cells[("y", "b")].suppressed


def test_it_hides_a_second_count_so_the_total_does_not_give_the_first_away():
    cells = _one_month_cube({("x", "a"): 3, ("x", "b"): 40})

    hidden = [key for key, cell in cells.items() if cell.suppressed]
    assert len(hidden) == 2 and cells[("x", "a")].primary
    secondary = next(cell for cell in cells.values() if cell.secondary)
    assert secondary.shown == "—" and secondary.export_value == "suppressed"


def test_it_hides_the_total_when_no_other_count_can_hide_a_small_one():
    cells = _one_month_cube({("x", "a"): 3, ("y", "a"): 6, ("y", "b"): 7, ("x", "c"): 6})
    # x: a (3) hidden; c (6) hidden with it. y: no small count, nothing hidden.

    assert cells[("x", "a")].primary and cells[("x", "c")].secondary
    assert not cells[("x", "all")].suppressed
    assert not any(cells[("y", column)].suppressed for column in ("a", "b", "all"))

    alone = _one_month_cube({("x", "a"): 3, ("x", "b"): 0, ("y", "b"): 8})
    assert alone[("x", "a")].primary and alone[("x", "all")].suppressed  # 3 = total - 0


def test_it_leaves_tables_without_small_counts_alone():
    cells = _one_month_cube({("x", "a"): 7, ("x", "b"): 5, ("y", "a"): 12})

    assert not any(cell.suppressed for cell in cells.values())


def test_it_finds_a_hidden_count_that_follows_from_a_chain_of_relations():
    cells = {key: Cell(1, suppressed=key in ("p", "q")) for key in ("t", "p", "q", "r", "s")}
    relations = [("t", ["p", "r"]), ("s", ["p", "q"])]  # t and r shown: p = t - r, then q = s - p

    assert determined(cells, relations) == ["p", "q"]
    assert determined(cells, [("s", ["p", "q"])]) == []


def _table():
    rows = [TableRow("responses", "Responses", "responses", cells={"a": Cell(3, True), "T": Cell(43, False)}),
            TableRow("o1", "Outcome 1", "outcome", cells={"a": Cell(40, True, True), "T": Cell(43)})]
    return Table(columns=[("a", "A"), ("T", "Total")], rows=rows, threshold=5)


def test_it_renders_the_same_table_for_files_with_a_footnote_per_mark():
    table = _table()

    with translation.override("en"):
        lines = table.export_rows(["Code"], lambda row: [row.key])
        notes = table.footnotes()

    assert lines == [["Code", "A", "Total"], ["responses", "<5", "43"], ["o1", "suppressed", "43"]]
    assert notes[0].startswith("<5: a count above zero and below 5")
    assert notes[1].startswith("suppressed: a count hidden only so that a small count cannot be worked out")
    assert table.has_primary and table.has_secondary and table.has_suppressed
