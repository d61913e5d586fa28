"""The aggregates page: outcome and indicator counts of current submitted
responses by fixed period, filters, small-count suppression and the CSV and
XLSX exports. The attacks on the published numbers are in
``pua/core/tests/test_disclosure_attacks.py``."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from pua.assessments import services
from pua.assessments.aggregate_selectors import TOTAL
from pua.cases.tests.factories import PersonFactory
from pua.core.disclosure import latest_period
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Role
from pua.network.tests.factories import MembershipFactory
from pua.people.models import Citizenship

from .screening_data import EXPLOITATION_ONLY, NOTHING_FOUND, PRESUMED_VICTIM, screening_version, submit

URL = "/assessments/aggregates/"
CSV_URL = "/assessments/aggregates/export.csv"
XLSX_URL = "/assessments/aggregates/export.xlsx"


def _in(period, day=10):
    """Noon on ``day`` of the period's first month, local time."""
    return timezone.make_aware(datetime.datetime.combine(period.start.replace(day=day), datetime.time(12)))


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


def _submit_many(version, people, by, answers, period=None):
    """Submitted in ``period``, by default the last complete month (the page's default)."""
    when = _in(period or latest_period())
    return [submit(version, person, by=by, answers=answers, submitted_at=when) for person in people]


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
    original = submit(version, PersonFactory(access_point=world.ap_a), by=director, answers=PRESUMED_VICTIM,
                      submitted_at=_in(latest_period()))
    amendment = services.response_amend(response=original, by=director, reason="Wrong answer on D5")
    amendment.answers = NOTHING_FOUND
    amendment.save()
    amendment = services.response_submit(response=amendment, by=director)
    type(amendment).objects.filter(pk=amendment.pk).update(submitted_at=_in(latest_period(), 20))

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

def test_it_counts_the_chosen_month_quarter_or_year(world, login, version):
    director = world.users["director"]
    month = latest_period()
    year = latest_period("year")
    submit(version, PersonFactory(access_point=world.ap_a), by=director, answers=PRESUMED_VICTIM,
           submitted_at=_in(year))
    submit(version, PersonFactory(access_point=world.ap_a), by=director, answers=PRESUMED_VICTIM,
           submitted_at=_in(year.children()[-1]))
    submit(version, PersonFactory(access_point=world.ap_a), by=director, answers=NOTHING_FOUND, submitted_at=_in(month))
    submit(version, PersonFactory(access_point=world.ap_a), by=director, answers=NOTHING_FOUND)  # this month: not yet

    client = login(director)
    default = _table(client.get(URL))
    whole_year = _table(client.get(URL, {"period": str(year)}))
    last_quarter = _table(client.get(URL, {"period": str(year.children()[-1])}))

    assert default.period == month
    assert _total(default, "responses").count == 1 and _total(default, "no_exploitation_indicators").count == 1
    assert _total(whole_year, "responses").count == 2 and _total(whole_year, "presumed_trafficking_victim").count == 2
    assert _total(last_quarter, "responses").count == 1


def test_it_offers_only_whole_completed_periods_explaining_why(world, login, version):
    response = login(world.users["board_viewer"]).get(URL)

    html = response.content.decode()
    assert 'type="date"' not in html
    assert f'<option value="{latest_period()}"' in html
    assert f'<option value="{latest_period().next()}"' not in html  # the running month
    assert '<optgroup label="Quarters">' in html and '<optgroup label="Years">' in html
    assert "Whole months, quarters and years only" in html


@pytest.mark.parametrize("params", [
    {"submitted_from": "2026-05-01", "submitted_to": "2026-05-02"},
    {"period": "2026-05-01"},
    {"period": "2026-05-01..2026-05-31"},
    {"period": "2026-Q5"},
    {"period": "2026-13"},
    {"period": "0000"},
    {"period": "9999-12"},
    {"period": "x" * 500},
])
def test_it_accepts_no_free_or_crafted_period(world, login, version, params):
    _submit_many(version, _people(world, 6), world.users["director"], EXPLOITATION_ONLY)

    client = login(world.users["board_viewer"])
    page = client.get(URL, params)
    export = client.get(CSV_URL, params)

    assert page.status_code == 200 and export.status_code == 200
    table = _table(page)
    assert table.period == latest_period()  # free dates are ignored: the default month is counted
    if "period" in params:
        assert "Select a valid choice" in page.content.decode()
        assert page.context["form"].errors["period"]


def test_it_refuses_an_access_point_outside_the_territory_chosen(world, login, version):
    response = login(world.users["admin"]).get(URL, {"territory": world.ap_a.territory_id,
                                                     "access_point": world.ap_b.pk})

    assert response.status_code == 200
    assert "This access point is not in the territory chosen." in response.content.decode()


def test_it_breaks_down_by_sector_and_nationality_and_filters_by_territory(world, login, version):
    director = world.users["director"]
    romanian = PersonFactory(access_point=world.ap_a)
    Citizenship.objects.create(person=romanian, country="RO")
    Citizenship.objects.create(person=romanian, country="MD")  # second citizenship: not the first
    when = _in(latest_period())
    submit(version, romanian, by=director, answers={**PRESUMED_VICTIM, "sector": "A"}, submitted_at=when)
    submit(version, PersonFactory(access_point=world.ap_a), by=director, answers={**NOTHING_FOUND, "sector": "F"},
           submitted_at=when)

    client = login(director)
    by_sector = _table(client.get(URL, {"breakdown": "sector"}))
    by_nationality = _table(client.get(URL, {"breakdown": "nationality"}))

    assert _row(by_sector, "responses").cells["A"].count == 1
    assert _row(by_nationality, "presumed_trafficking_victim").cells["RO"].count == 1
    assert "MD" not in _row(by_nationality, "responses").cells
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
    by_code = {line[2]: line for line in lines[1:] if len(line) > 2}
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
    by_code = {line[2]: line for line in lines[1:] if len(line) > 2}
    assert by_code["presumed_trafficking_victim"][-1] == "<5"
    assert by_code["exploitation_without_trafficking_indicators"][-1] == "0"
    assert lines[-1] == ["<5: a count above zero and below 5, hidden to protect the people counted."]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, actor=world.users["board_viewer"])
    assert entry.changes["export"] == "assessment_aggregates:exploitation_screening"
    assert entry.changes["rows"] == len(by_code)  # the table's rows, not the footnote


def test_it_exports_the_same_table_as_xlsx_with_the_footnotes(world, login, version):
    _secondary_case(world, version)

    response = login(world.users["board_viewer"]).get(XLSX_URL, {"breakdown": "access_point"})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-{latest_period()}.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    by_code = {line[2]: line for line in lines[1:] if line[2]}
    assert by_code["responses"][-1] == 9
    assert by_code["presumed_trafficking_victim"][-1] == "<5"
    assert by_code[EXPLOITATION][-1] == "suppressed"
    notes = [line[0] for line in lines if line[0] and line[0].startswith(("<5:", "suppressed:"))]
    assert len(notes) == 2
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=world.users["board_viewer"]).count() == 1


def test_it_builds_the_table_in_a_fixed_number_of_queries(world, login, version, django_assert_max_num_queries):
    director = world.users["director"]
    _submit_many(version, _people(world, 1), director, PRESUMED_VICTIM, period=latest_period("quarter"))
    client = login(world.users["board_viewer"])
    params = {"breakdown": "sector", "period": str(latest_period("quarter"))}
    with CaptureQueriesContext(connection) as few:
        client.get(URL, params)
    people = _people(world, 12)
    for person in people:
        Citizenship.objects.create(person=person, country="RO")
    _submit_many(version, people, director, {**EXPLOITATION_ONLY, "sector": "A"}, period=latest_period("quarter"))

    with django_assert_max_num_queries(len(few.captured_queries)):
        table = _table(client.get(URL, params))
    assert _total(table, "responses").count == 13
