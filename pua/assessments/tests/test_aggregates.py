"""The aggregates page: outcome and indicator counts of current submitted
responses, filters, small-count suppression and the CSV export."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from pua.assessments import services
from pua.assessments.aggregate_selectors import TOTAL, Cell, Row, suppress
from pua.cases.tests.factories import PersonFactory
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Role
from pua.network.tests.factories import MembershipFactory
from pua.people.models import Citizenship

from .screening_data import EXPLOITATION_ONLY, NOTHING_FOUND, PRESUMED_VICTIM, screening_version, submit

URL = "/assessments/aggregates/"
CSV_URL = "/assessments/aggregates/export.csv"


@pytest.fixture(autouse=True)
def _english(request):
    with translation.override("en"):
        if "world" in request.fixturenames:
            request.getfixturevalue("world")
            get_user_model().objects.update(preferred_language="en")
        yield


@pytest.fixture
def version(world):
    return screening_version()


def _people(world, count, access_point=None):
    return [PersonFactory(access_point=access_point or world.ap_a) for _ in range(count)]


def _submit_many(version, people, by, answers):
    return [submit(version, person, by=by, answers=answers) for person in people]


def _table(response):
    assert response.status_code == 200, response.content[:500]
    return response.context["table"]


def _row(table, key):
    return next(row for row in table.rows if row.key == key)


def _total(table, key):
    return _row(table, key).cells[TOTAL]


# --- who sees it -----------------------------------------------------------------------------------------

def test_it_sends_anonymous_visitors_to_the_login_page(client, world):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["partner_operator", "outreach_operator"])
def test_it_refuses_roles_without_aggregates(world, login, role):
    assert login(world.users[role]).get(URL).status_code == 403
    assert login(world.users[role]).get(CSV_URL).status_code == 403


def test_it_shows_exact_counts_to_the_case_staff_of_the_access_point(world, login, version):
    director = world.users["director"]
    _submit_many(version, _people(world, 3), director, PRESUMED_VICTIM)
    _submit_many(version, _people(world, 2), director, NOTHING_FOUND)

    table = _table(login(world.users["social_expert"]).get(URL))

    assert table.exact
    assert _total(table, "responses").count == 5
    assert _total(table, "presumed_trafficking_victim").count == 3
    assert _total(table, "no_exploitation_indicators").count == 2
    assert _total(table, "exploitation_without_trafficking_indicators").count == 0
    assert _total(table, "EX_01").count == 3
    assert not table.has_suppressed


@pytest.mark.parametrize("role", ["board_viewer", "regional_coordinator"])
def test_it_hides_small_counts_from_board_and_coordinators(world, login, version, role):
    director = world.users["director"]
    _submit_many(version, _people(world, 3), director, PRESUMED_VICTIM)
    _submit_many(version, _people(world, 6), director, EXPLOITATION_ONLY)

    response = login(world.users[role]).get(URL)
    table = _table(response)

    assert not table.exact
    assert _total(table, "responses").count == 9 and not _total(table, "responses").suppressed
    assert _total(table, "presumed_trafficking_victim").suppressed
    # 9 - 6 would give the 3 away: the 6 is hidden too.
    assert _total(table, "exploitation_without_trafficking_indicators").suppressed
    assert not _total(table, "no_exploitation_indicators").suppressed  # zero is not hidden
    assert _total(table, "EX_01").count == 9 and not _total(table, "EX_01").suppressed
    html = response.content.decode()
    assert "&lt;5" in html
    assert "counts below 5" in html


def test_it_hides_small_counts_when_the_table_covers_an_access_point_where_the_user_is_not_case_staff(
        world, login, version):
    director = world.users["director"]
    MembershipFactory(user=director, organisation=world.home_org_b, role=Role.BOARD_VIEWER,
                      access_points=[world.ap_b])
    _submit_many(version, _people(world, 2), director, PRESUMED_VICTIM)

    client = login(director)
    everywhere = _table(client.get(URL))
    only_a = _table(client.get(URL, {"access_point": world.ap_a.pk}))

    assert not everywhere.exact and _total(everywhere, "presumed_trafficking_victim").suppressed
    assert only_a.exact and _total(only_a, "presumed_trafficking_victim").count == 2


def test_it_counts_only_the_access_points_the_user_works_at(world, login, version):
    _submit_many(version, _people(world, 2), world.users["director"], PRESUMED_VICTIM)
    _submit_many(version, _people(world, 4, access_point=world.ap_b), world.other_director, PRESUMED_VICTIM)

    table_a = _table(login(world.users["director"]).get(URL))
    table_b = _table(login(world.other_director).get(URL))

    assert _total(table_a, "responses").count == 2
    assert _total(table_b, "responses").count == 4


def test_it_counts_an_amended_response_once(world, login, version):
    director = world.users["director"]
    original = submit(version, PersonFactory(access_point=world.ap_a), by=director, answers=PRESUMED_VICTIM)
    amendment = services.response_amend(response=original, by=director, reason="Wrong answer on D5")
    amendment.answers = NOTHING_FOUND
    amendment.save()
    services.response_submit(response=amendment, by=director)

    table = _table(login(director).get(URL))

    assert _total(table, "responses").count == 1
    assert _total(table, "presumed_trafficking_victim").count == 0
    assert _total(table, "no_exploitation_indicators").count == 1


def test_it_leaves_drafts_out(world, login, version):
    services.response_start(version=version, person=PersonFactory(access_point=world.ap_a),
                            by=world.users["director"])

    table = _table(login(world.users["director"]).get(URL))

    assert table.responses == 0
    assert "No submitted response matches these filters." in login(world.users["director"]).get(URL).content.decode()


# --- filters and breakdowns ------------------------------------------------------------------------------

def test_it_filters_by_period(world, login, version):
    director = world.users["director"]
    old = submit(version, PersonFactory(access_point=world.ap_a), by=director, answers=PRESUMED_VICTIM,
                 submitted_at=timezone.now() - datetime.timedelta(days=60))
    submit(version, PersonFactory(access_point=world.ap_a), by=director, answers=NOTHING_FOUND)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    until = (old.submitted_at + datetime.timedelta(days=1)).date().isoformat()

    client = login(director)
    recent = _table(client.get(URL, {"submitted_from": since}))
    earlier = _table(client.get(URL, {"submitted_to": until}))

    assert _total(recent, "responses").count == 1 and _total(recent, "no_exploitation_indicators").count == 1
    assert _total(earlier, "responses").count == 1 and _total(earlier, "presumed_trafficking_victim").count == 1


def test_it_shows_an_error_for_a_reversed_period_and_ignores_it(world, login, version):
    submit(version, PersonFactory(access_point=world.ap_a), by=world.users["director"], answers=PRESUMED_VICTIM)

    response = login(world.users["director"]).get(URL, {"submitted_from": "2026-05-01", "submitted_to": "2026-04-01"})

    assert "The end of the period comes before its start." in response.content.decode()
    assert _total(_table(response), "responses").count == 1


def test_it_filters_by_sector_nationality_and_territory(world, login, version):
    director = world.users["director"]
    romanian = PersonFactory(access_point=world.ap_a)
    Citizenship.objects.create(person=romanian, country="RO")
    Citizenship.objects.create(person=romanian, country="MD")  # second citizenship: not the first
    submit(version, romanian, by=director, answers={**PRESUMED_VICTIM, "sector": "A"})
    submit(version, PersonFactory(access_point=world.ap_a), by=director, answers={**NOTHING_FOUND, "sector": "F"})

    client = login(director)

    assert _total(_table(client.get(URL, {"sector": "A"})), "responses").count == 1
    assert _total(_table(client.get(URL, {"nationality": "RO"})), "presumed_trafficking_victim").count == 1
    assert _total(_table(client.get(URL, {"nationality": "MD"})), "responses").count == 0
    assert _total(_table(client.get(URL, {"territory": world.ap_a.territory_id})), "responses").count == 2


def test_it_refuses_a_territory_outside_the_users_reach(world, login, version):
    response = login(world.users["director"]).get(URL, {"territory": world.ap_b.territory_id})

    assert response.status_code == 200
    assert response.context["form"].errors["territory"]


def test_it_breaks_down_by_nationality_with_a_not_stated_column(world, login, version):
    director = world.users["director"]
    people = _people(world, 6)
    for person in people[:5]:
        Citizenship.objects.create(person=person, country="RO")
    _submit_many(version, people, director, EXPLOITATION_ONLY)

    table = _table(login(director).get(URL, {"breakdown": "nationality"}))

    assert [label for _key, label in table.columns][-1] == "Total"
    responses = _row(table, "responses")
    assert responses.cells["RO"].count == 5
    assert responses.cells["__none__"].count == 1
    assert responses.cells[TOTAL].count == 6


def test_it_suppresses_a_second_cell_of_a_broken_down_row(world, login, version):
    director = world.users["director"]
    people = _people(world, 8)
    for person in people[:6]:
        Citizenship.objects.create(person=person, country="RO")
    for person in people[6:]:
        Citizenship.objects.create(person=person, country="AL")
    _submit_many(version, people, director, EXPLOITATION_ONLY)

    table = _table(login(world.users["board_viewer"]).get(URL, {"breakdown": "nationality"}))

    responses = _row(table, "responses")
    assert responses.cells["AL"].suppressed  # 2
    # RO (6) alone would give AL away as total - 6: one more of the row is hidden.
    assert responses.cells["RO"].suppressed or responses.cells[TOTAL].suppressed


def test_it_breaks_down_by_access_point_for_an_administrator_with_suppression(world, login, version):
    _submit_many(version, _people(world, 5), world.users["director"], EXPLOITATION_ONLY)
    _submit_many(version, _people(world, 1, access_point=world.ap_b), world.other_director, EXPLOITATION_ONLY)

    table = _table(login(world.users["admin"]).get(URL, {"breakdown": "access_point"}))

    responses = _row(table, "responses")
    assert responses.cells[world.ap_a.pk].count == 5
    assert responses.cells[world.ap_b.pk].suppressed
    assert responses.cells[world.ap_a.pk].suppressed or responses.cells[TOTAL].suppressed


# --- suppression rules ----------------------------------------------------------------------------------

def _grid(counts: dict[str, list[int]], kinds: dict[str, str]) -> tuple[list[Row], list[tuple[str, str]]]:
    columns = [("a", "A"), ("b", "B"), (TOTAL, "Total")]
    rows = [Row(key, key, kinds.get(key, "indicator"),
                cells={"a": Cell(values[0]), "b": Cell(values[1]), TOTAL: Cell(values[0] + values[1])})
            for key, values in counts.items()]
    return rows, columns


def test_it_hides_the_total_when_no_other_cell_can_hide_a_small_one():
    rows, columns = _grid({"x": [3, 0]}, {})

    suppress(rows, columns, 5)

    assert rows[0].cells["a"].suppressed
    assert not rows[0].cells["b"].suppressed  # a zero is shown
    assert rows[0].cells[TOTAL].suppressed


def test_it_leaves_tables_without_small_counts_alone():
    rows, columns = _grid({"x": [7, 0], "y": [5, 12]}, {})

    suppress(rows, columns, 5)

    assert not any(cell.suppressed for row in rows for cell in row.cells.values())


def test_it_suppresses_across_outcome_columns_until_nothing_can_be_recomputed():
    rows, columns = _grid({"responses": [10, 9], "o1": [2, 4], "o2": [8, 5]},
                          {"responses": "responses", "o1": "outcome", "o2": "outcome"})

    suppress(rows, columns, 5)

    for row in rows:  # no row has exactly one hidden cell among its cells and total
        assert sum(c.suppressed for c in row.cells.values()) != 1
    for key, _label in columns:  # nor any column among outcomes and responses
        assert sum(row.cells[key].suppressed for row in rows) != 1


def test_it_tells_a_small_hidden_count_from_one_hidden_to_protect_it():
    rows, columns = _grid({"x": [3, 40], "y": [40, 7]}, {})

    suppress(rows, columns, 5)

    small, protecting = rows[0].cells["a"], rows[0].cells["b"]
    assert small.primary and not small.secondary and small.shown == "<5" and small.csv_value == "<5"
    assert protecting.secondary and protecting.shown == "—" and protecting.csv_value == "suppressed"
    assert not rows[0].cells[TOTAL].suppressed  # 43: one hidden count cannot be worked out from two
    assert not any(cell.suppressed for cell in rows[1].cells.values())


# --- how hidden counts read ---------------------------------------------------------------------------------

EXPLOITATION = "exploitation_without_trafficking_indicators"


def _secondary_case(world, version):
    """3 presumed victims and 6 cases of exploitation only: the 3 is hidden as
    small, and the 6 only because 9 - 6 would give the 3 away."""
    director = world.users["director"]
    _submit_many(version, _people(world, 3), director, PRESUMED_VICTIM)
    _submit_many(version, _people(world, 6), director, EXPLOITATION_ONLY)


def _row_cells(html, label):
    row = re.search(rf'<th scope="row"[^>]*>{re.escape(label)}</th>(.*?)</tr>', html, re.S)
    assert row, label
    return row.group(1)


def test_it_shows_a_count_hidden_only_to_protect_another_as_a_dash_with_a_legend(world, login, version):
    _secondary_case(world, version)

    response = login(world.users["board_viewer"]).get(URL)

    table = _table(response)
    assert _total(table, "presumed_trafficking_victim").primary
    assert _total(table, EXPLOITATION).secondary and _total(table, EXPLOITATION).count == 6
    html = response.content.decode()
    presumed = _row_cells(html, "Presumed victim of trafficking for labour exploitation")
    exploitation = _row_cells(html, "Labour exploitation without trafficking indicators")
    assert 'data-suppressed="primary"' in presumed and "&lt;5" in presumed
    assert 'data-suppressed="secondary"' in exploitation and "—" in exploitation
    assert "&lt;5" not in exploitation and ">6<" not in exploitation
    assert 'aria-describedby="suppression-legend"' in html
    legend = html[html.index('id="suppression-legend"'):]
    legend = legend[:legend.index("</ul>")]
    assert "a count above zero and below 5, hidden to protect the people counted." in legend
    assert "it can be any number, small or large." in legend
    assert "“suppressed”" in legend


def test_it_exports_a_count_hidden_only_to_protect_another_as_suppressed(world, login, version):
    _secondary_case(world, version)

    response = login(world.users["board_viewer"]).get(CSV_URL)

    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_code = {line[2]: line for line in lines[1:]}
    assert by_code["presumed_trafficking_victim"][-1] == "<5"
    assert by_code[EXPLOITATION][-1] == "suppressed"
    assert by_code["responses"][-1] == "9"


def test_it_shows_no_legend_when_nothing_is_hidden(world, login, version):
    _submit_many(version, _people(world, 6), world.users["director"], EXPLOITATION_ONLY)

    html = login(world.users["board_viewer"]).get(URL).content.decode()

    assert 'id="suppression-legend"' not in html and 'data-suppressed' not in html


# --- export and queries ------------------------------------------------------------------------------------

def test_it_exports_the_same_table_as_csv_and_audits_it(world, login, version):
    _submit_many(version, _people(world, 2), world.users["director"], PRESUMED_VICTIM)

    response = login(world.users["board_viewer"]).get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][-1] == "Total"
    by_code = {line[2]: line for line in lines[1:]}
    assert by_code["presumed_trafficking_victim"][-1] == "<5"
    assert by_code["exploitation_without_trafficking_indicators"][-1] == "0"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, actor=world.users["board_viewer"])
    assert entry.changes["export"] == "assessment_aggregates:exploitation_screening"
    assert entry.changes["rows"] == len(lines) - 1


def test_it_builds_the_table_in_a_fixed_number_of_queries(world, login, version, django_assert_max_num_queries):
    director = world.users["director"]
    _submit_many(version, _people(world, 1), director, PRESUMED_VICTIM)
    client = login(world.users["board_viewer"])
    params = {"breakdown": "sector", "nationality": "RO"}
    with CaptureQueriesContext(connection) as few:
        client.get(URL, params)
    people = _people(world, 12)
    for person in people:
        Citizenship.objects.create(person=person, country="RO")
    _submit_many(version, people, director, {**EXPLOITATION_ONLY, "sector": "A"})

    with django_assert_max_num_queries(len(few.captured_queries)):
        table = _table(client.get(URL, params))
    assert _total(table, "responses").count == 12
