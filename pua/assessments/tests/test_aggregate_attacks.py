"""A board viewer attacks the aggregates through the real URLs: small
groups of synthetic screenings in several months, access points, sectors and
nationalities; every table the form allows (each month, quarter and the
year, each scope, each breakdown) downloaded as CSV; then the attacker of
``pua.core.tests.test_disclosure_attacks`` tries to work out any count
between 1 and 4 from everything published."""

from __future__ import annotations

import csv
import io
import itertools
import random

import pytest
from django.utils import translation

from pua.cases.tests.factories import PersonFactory
from pua.core.disclosure import latest_period
from pua.core.names import country_name
from pua.core.tests.test_disclosure_attacks import recoverable
from pua.network.models import Role
from pua.network.tests.factories import MembershipFactory
from pua.people.models import Citizenship

from .screening_data import EXPLOITATION_ONLY, NOTHING_FOUND, PRESUMED_VICTIM, screening_version, submit
from .test_aggregates import _in

URL = "/assessments/aggregates/"
CSV_URL = "/assessments/aggregates/export.csv"
NONE = "__none__"
SECTORS = {"A": "Agriculture", "F": "Construction", NONE: "Not stated"}
NATIONALITIES = ["RO", "AL", NONE]
ANSWERS = {"presumed_trafficking_victim": PRESUMED_VICTIM,
           "exploitation_without_trafficking_indicators": EXPLOITATION_ONLY,
           "no_exploitation_indicators": NOTHING_FOUND}
INDICATORS = {"EX_01": {"presumed_trafficking_victim", "exploitation_without_trafficking_indicators"},
              "CD_01": {"presumed_trafficking_victim"}}
ROWS = ["responses", *ANSWERS, *INDICATORS]
ALL = "*"


@pytest.fixture(params=["board_viewer", "director"])
def attack(request, world):
    """A board viewer of A, or the director of A (who knows A's exact
    counts), also board viewer at B; and a year of small groups."""
    with translation.override("en"):
        viewer = world.users[request.param]
        viewer.preferred_language = "en"
        viewer.save(update_fields=["preferred_language"])
        MembershipFactory(user=viewer, organisation=world.home_org_b, role=Role.BOARD_VIEWER, access_points=[world.ap_b])
        version = screening_version()
        year = latest_period("year")
        months = [m for q in year.children() for m in q.children()]
        rng = random.Random(20260)
        records = []
        for month in (months[0], months[1], months[2], months[5]):
            for ap, by in ((world.ap_a, world.users["director"]), (world.ap_b, world.other_director)):
                for _n in range(rng.choice([1, 2, 3, 6])):
                    outcome, sector, nationality = (rng.choice(list(ANSWERS)), rng.choice(list(SECTORS)),
                                                    rng.choice(NATIONALITIES))
                    person = PersonFactory(access_point=ap)
                    if nationality != NONE:
                        Citizenship.objects.create(person=person, country=nationality)
                    answers = {**ANSWERS[outcome], **({"sector": sector} if sector != NONE else {})}
                    submit(version, person, by=by, answers=answers, submitted_at=_in(month, rng.randint(1, 28)))
                    records.append((month, ap.pk, sector, nationality, outcome))
        yield viewer, year, [year, *year.children(), *months], records


def _place_nodes(world):
    return [frozenset({world.ap_a.pk, world.ap_b.pk}), frozenset({world.ap_a.pk}), frozenset({world.ap_b.pk})]


def _people_nodes():
    return [ALL, *(("sector", s) for s in SECTORS), *(("nationality", n) for n in NATIONALITIES)]


def _truth(world, periods, records) -> dict:
    counts = {}
    for period, row, place, people in itertools.product(periods, ROWS, _place_nodes(world), _people_nodes()):
        counts[(str(period), row, place, people)] = 0
    for month, ap, sector, nationality, outcome in records:
        rows = ["responses", outcome, *(name for name, outcomes in INDICATORS.items() if outcome in outcomes)]
        for period in periods:
            if not period.start <= month.start < period.end:
                continue
            for row, place, people in itertools.product(rows, _place_nodes(world),
                                                        [ALL, ("sector", sector), ("nationality", nationality)]):
                if ap in place:
                    counts[(str(period), row, place, people)] += 1
    return counts


def _requests(world, periods):
    """Every table the form allows, as query strings (scope and breakdown)."""
    scopes = [{}, {"territory": world.ap_a.territory_id}, {"territory": world.ap_b.territory_id},
              {"access_point": world.ap_a.pk}, {"access_point": world.ap_b.pk}]
    for period, scope in itertools.product(periods, scopes):
        breakdowns = ["", "access_point", "territory", "sector", "nationality"] if not scope else \
            ["", "sector", "nationality"]  # by place inside one place: the total again
        for breakdown in breakdowns:
            yield {"period": str(period), **scope, "breakdown": breakdown}


def _columns(world, params) -> dict:
    """Each column label of the table asked for -> (place, people), and the labels it may show."""
    a, b = world.ap_a, world.ap_b
    scope = frozenset({a.pk, b.pk})
    if params.get("territory"):
        scope = frozenset({ap.pk for ap in (a, b) if ap.territory_id == params["territory"]})
    if params.get("access_point"):
        scope = frozenset({params["access_point"]})
    columns = {"Total": (scope, ALL)}
    breakdown = params["breakdown"]
    if breakdown == "access_point":
        columns |= {ap.name: (frozenset({ap.pk}), ALL) for ap in (a, b) if ap.pk in scope}
    elif breakdown == "territory":
        columns |= {ap.territory.name: (frozenset({ap.pk}), ALL) for ap in (a, b) if ap.pk in scope}
    elif breakdown == "sector":
        columns |= {label: (scope, ("sector", code)) for code, label in SECTORS.items()}
    elif breakdown == "nationality":
        columns |= {(country_name(code) if code != NONE else "Not stated"): (scope, ("nationality", code))
                    for code in NATIONALITIES}
    return columns


def _collect(client, world, periods, records) -> dict:
    """Everything the CSV files publish: (period, row, place, people) -> number, None when hidden.
    Months without records are asked for once (they read 0 everywhere, as
    checked) and read as zeros for the rest, to keep the attack quick."""
    published: dict = {}
    busy = {month for month, *_rest in records}
    empty = [p for p in periods if p.kind == "month" and p not in busy]
    asked = [p for p in periods if p not in empty] + empty[:1]
    with translation.override("en"):
        for period, row, place, people in itertools.product(empty[1:], ROWS, _place_nodes(world), _people_nodes()):
            published[(str(period), row, place, people)] = 0
        for params in _requests(world, asked):
            response = client.get(CSV_URL, params)
            assert response.status_code == 200
            lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            header, body = lines[0], [line for line in lines[1:] if len(line) > 2]
            columns = _columns(world, params)
            assert set(header[4:]) <= set(columns), header
            by_code = {line[2]: line for line in body}
            for label, (place, people) in columns.items():
                for row in ROWS:
                    key = (params["period"], row, place, people)
                    if label in header:
                        raw = by_code[row][header.index(label)]
                        value = int(raw) if raw.isdigit() else None
                    else:
                        value = 0  # a column not shown counts nobody
                    if published.get(key) is None:
                        published[key] = value
                    else:
                        assert value in (None, published[key]), (key, value, published[key])
    return published


def _relations(world, periods) -> list:
    both, *single = _place_nodes(world)
    relations = []
    for period, place, people in itertools.product(periods, _place_nodes(world), _people_nodes()):
        p = str(period)
        relations.append(((p, "responses", place, people), [(p, outcome, place, people) for outcome in ANSWERS]))
        for row in ROWS:
            if period.children():
                relations.append(((p, row, place, people), [(str(c), row, place, people) for c in period.children()]))
    for period, row in itertools.product(periods, ROWS):
        p = str(period)
        for people in _people_nodes():
            relations.append(((p, row, both, people), [(p, row, place, people) for place in single]))
        for place in _place_nodes(world):
            for dimension in ("sector", "nationality"):
                parts = [node for node in _people_nodes() if node != ALL and node[0] == dimension]
                relations.append(((p, row, place, ALL), [(p, row, place, node) for node in parts]))
    return relations


def test_no_small_count_is_recoverable_from_every_table_the_form_allows(world, login, attack):
    viewer, year, periods, records = attack
    truth = _truth(world, periods, records)
    small = {key for key, count in truth.items() if 0 < count < 5}

    published = _collect(login(viewer), world, periods, records)

    assert small, "the data must hold small counts to attack"
    for key, value in published.items():
        assert value is None or value == truth[key], key  # what is shown is true (the empty month too)
    only_a = frozenset({world.ap_a.pk})
    if viewer == world.users["director"]:
        # A's counts are exact for its director; what must stay hidden is the part outside A.
        assert all(value is not None for key, value in published.items() if key[2] == only_a)
        small = {key for key in truth if key[2] != only_a
                 and 0 < truth[key] - (truth[(key[0], key[1], only_a, key[3])] if world.ap_a.pk in key[2] else 0) < 5}
    assert recoverable(published, _relations(world, periods), small) == set()


def test_the_page_shows_what_the_export_gives_and_exports_repeat_identically(world, login, attack):
    viewer, year, periods, records = attack
    client = login(viewer)
    params = {"period": str(year.children()[0]), "breakdown": "nationality"}

    first, second = client.get(CSV_URL, params), client.get(CSV_URL, params)
    page = client.get(URL, params)

    assert first.content == second.content
    lines = [line for line in csv.reader(io.StringIO(first.content.decode("utf-8-sig"))) if len(line) > 2]
    table = page.context["table"]
    assert [line[4:] for line in lines[1:]] == [[cell.export_value for cell in row.cells_in(table.columns)]
                                                for row in table.rows]
    assert any(cell.suppressed for row in table.rows for cell in row.cells.values())

