"""Query counts and response times of the busiest pages at 100 and at 10,000 persons.

The data are built once for the module: ``dataset_generate`` registers 100
persons with their whole journey at one access point, every page is measured,
9,900 more persons are added at the same access point and every page is
measured again. All of it happens in one transaction that is rolled back at
the end of the module, so other tests never see these rows. Each page family
then has its own test, which asserts that the number of queries does not grow
with the data (the same count, not just a bound) and prints the timings: run
with ``-s`` to see them, e.g. ``case list 10000: 41 ms, 11 queries``.

Timings are only checked against a loose ceiling (ten times the goal: 60 ms
for a 25-row list, 200 ms for My work), which catches a missing index or a
loop over rows without failing on a busy machine.
"""

import datetime
import gc
import statistics
import time
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pua.cases.dataset import STAFF_PREFIX, dataset_generate
from pua.network.models import Role

# django_db: the test database is only set up for modules that ask for it.
pytestmark = [pytest.mark.scale, pytest.mark.django_db]

SEED = 20260
SIZES = (100, 10_000)
LIST_GOAL_MS, DASHBOARD_GOAL_MS = 60, 200
RUNS = 3



def _since(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


# name → (URL, who looks at it, goal in ms). The director sees every list with
# names; My work is measured for a social expert who manages a share of the cases.
# The filtered variants check that the filters have indexes to use.
PAGES = {
    "persons list": (lambda: reverse("people:person_list"), Role.DIRECTOR, LIST_GOAL_MS),
    "persons list by legal status": (lambda: reverse("people:person_list") + "?legal_status=irregular",
                                     Role.DIRECTOR, LIST_GOAL_MS),
    "persons api": (lambda: "/api/v1/persons/", Role.DIRECTOR, LIST_GOAL_MS),
    "case list": (lambda: reverse("cases:case_list"), Role.DIRECTOR, LIST_GOAL_MS),
    "case list by status": (lambda: reverse("cases:case_list") + "?status=plan_active", Role.DIRECTOR, LIST_GOAL_MS),
    "case list by date": (lambda: reverse("cases:case_list") + f"?opened_from={_since(120)}&opened_to={_since(30)}",
                          Role.DIRECTOR, LIST_GOAL_MS),
    "my case list": (lambda: reverse("cases:case_list") + "?mine=on", Role.SOCIAL_EXPERT, LIST_GOAL_MS),
    "cases api": (lambda: "/api/v1/cases/", Role.DIRECTOR, LIST_GOAL_MS),
    "my work": (lambda: reverse("cases:my_work"), Role.SOCIAL_EXPERT, DASHBOARD_GOAL_MS),
    "task list": (lambda: reverse("cases:task_list"), Role.SOCIAL_EXPERT, LIST_GOAL_MS),
    "contact list": (lambda: reverse("cases:contact_list"), Role.DIRECTOR, LIST_GOAL_MS),
    "contact list by channel": (lambda: reverse("cases:contact_list") + f"?channel=hotline&date_from={_since(365)}",
                                Role.DIRECTOR, LIST_GOAL_MS),
    "contacts api": (lambda: "/api/v1/contacts/", Role.DIRECTOR, LIST_GOAL_MS),
    "referral list": (lambda: reverse("cases:referral_list"), Role.DIRECTOR, LIST_GOAL_MS),
    "referrals api": (lambda: "/api/v1/referrals/", Role.DIRECTOR, LIST_GOAL_MS),
    "consents api": (lambda: "/api/v1/consents/", Role.DIRECTOR, LIST_GOAL_MS),
}


@dataclass
class Measure:
    status: int
    queries: int
    ms: float


def _measure(client, url) -> Measure:
    client.get(url)  # warm up: templates, the user's grants
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    return Measure(response.status_code, len(queries), statistics.median(timings))


def _clients(access_point) -> dict:
    users = get_user_model().objects
    clients = {}
    for role in (Role.DIRECTOR, Role.SOCIAL_EXPERT):
        client = Client()
        client.force_login(users.get(username=f"{STAFF_PREFIX}.{access_point.pk}.{role}.1"))
        clients[role] = client
    return clients


@pytest.fixture(scope="module")
def measures(django_db_setup, django_db_blocker):
    """``{size: {page: Measure}}``, the data built once and rolled back."""
    results = {}
    with django_db_blocker.unblock(), transaction.atomic():
        access_point = None
        built = 0
        for size in SIZES:
            started = time.perf_counter()
            access_point = dataset_generate(persons=size - built, seed=SEED + size, access_point=access_point).access_point
            print(f"\ndataset {built} → {size} persons: {time.perf_counter() - started:.1f} s")
            built = size
            gc.collect()  # the generator's garbage is not the pages' cost
            clients = _clients(access_point)
            results[size] = {name: _measure(clients[role], url()) for name, (url, role, _goal) in PAGES.items()}
        transaction.set_rollback(True)
    return results


def _check(measures, *names):
    small, large = SIZES
    for name in names:
        goal = PAGES[name][2]
        for size in SIZES:
            m = measures[size][name]
            print(f"{name} {size}: {m.ms:.0f} ms, {m.queries} queries")
            assert m.status == 200, f"{name} at {size} persons answered {m.status}"
        assert measures[large][name].queries == measures[small][name].queries, (
            f"{name}: {measures[small][name].queries} queries at {small} persons, "
            f"{measures[large][name].queries} at {large}")
        assert measures[large][name].ms < 10 * goal, f"{name} took {measures[large][name].ms:.0f} ms at {large} persons"


def test_it_keeps_the_persons_list_and_api_flat(measures):
    _check(measures, "persons list", "persons list by legal status", "persons api")


def test_it_keeps_the_case_list_and_api_flat(measures):
    _check(measures, "case list", "case list by status", "case list by date", "my case list", "cases api")


def test_it_keeps_my_work_and_the_task_list_flat(measures):
    _check(measures, "my work", "task list")


def test_it_keeps_the_contact_list_and_api_flat(measures):
    _check(measures, "contact list", "contact list by channel", "contacts api")


def test_it_keeps_the_referral_list_and_api_flat(measures):
    _check(measures, "referral list", "referrals api")


def test_it_keeps_the_consents_api_flat(measures):
    _check(measures, "consents api")
