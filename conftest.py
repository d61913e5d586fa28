"""Personas shared by every test: one user per role at access point A, plus
a case worker and a director of access point B, who must see nothing of A.

    world.ap_a / world.ap_b            access points (different territories and programmes)
    world.org_a / world.org_b          organisations in the network of A / of B
    world.partner_org                  partner organisation in A's network
    world.users[role]                  a user with ``role`` at A
    world.other_director, world.other_worker   director and social expert at B
"""

import shutil
from dataclasses import dataclass, field

import pytest

from pua.network.models import Role
from pua.network.tests.factories import (
    AccessPointFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    TerritoryFactory,
    UserFactory,
)

PASSWORD = "Test-Password-2026!"


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that commit (live server, threads) run after every other test.

    They leave an empty database behind, reference data loaded by the
    migrations included (catalogue, municipalities, instruments). pytest-django
    orders them last, but pytest's own grouping of items by their fixtures
    runs after it and may move them back among the others; this runs last."""
    items.sort(key=_commits)


@pytest.fixture
def reference_data(transactional_db):
    """For tests that commit: the reference data the migrations load
    (municipalities, the service catalogue, the shipped instruments), put back
    if a test that committed before flushed them with the rest."""
    from django.apps import apps

    from pua.assessments.loader import load_instruments
    from pua.assessments.models import Instrument
    from pua.network.models import Municipality
    from pua.network.reference import load_reference_data

    if not Municipality.objects.exists():
        load_reference_data(apps)
    if not Instrument.objects.exists():
        load_instruments()


@dataclass
class World:
    ap_a: object
    ap_b: object
    org_a: object
    org_b: object
    partner_org: object
    home_org_a: object
    home_org_b: object
    users: dict = field(default_factory=dict)
    other_director: object = None
    other_worker: object = None


def _member(username, role, organisation, access_points, **extra):
    user = UserFactory(username=username, **extra)
    MembershipFactory(user=user, organisation=organisation, role=role, access_points=access_points)
    return user


@pytest.fixture
def world(db):
    ap_a = AccessPointFactory(name="PUA Alfa", territory=TerritoryFactory(name="Ambito Alfa"),
                              programme=ProgrammeFactory(code="prog-a", name="Programma A"))
    ap_b = AccessPointFactory(name="UTI Beta", kind="placement_unit",
                              territory=TerritoryFactory(name="Distretto Beta", region="Lazio", province="FR"),
                              programme=ProgrammeFactory(code="prog-b", name="Programma B"))
    home_org_a = OrganisationFactory(name="Comune Alfa", kind="public_body", access_points=[ap_a])
    home_org_b = OrganisationFactory(name="Comune Beta", kind="public_body", access_points=[ap_b])
    w = World(
        ap_a=ap_a,
        ap_b=ap_b,
        org_a=OrganisationFactory(name="Cooperativa Alfa", access_points=[ap_a]),
        org_b=OrganisationFactory(name="Cooperativa Beta", access_points=[ap_b]),
        partner_org=OrganisationFactory(name="Associazione Partner", kind="volunteer_association",
                                        access_points=[ap_a]),
        home_org_a=home_org_a,
        home_org_b=home_org_b,
    )
    for role in Role:
        org = w.partner_org if role == Role.PARTNER_OPERATOR else home_org_a
        aps = [] if role == Role.ADMIN else [ap_a]
        w.users[role.value] = _member(f"{role.value}_a", role, org, aps)
    w.other_director = _member("director_b", Role.DIRECTOR, home_org_b, [ap_b])
    w.other_worker = _member("social_expert_b", Role.SOCIAL_EXPERT, home_org_b, [ap_b])
    return w


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def english_personas(request):
    """For tests that read messages and labels written in English: pages
    follow the signed-in user's language, so the personas speak English too."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    with translation.override("en"):
        if "world" in request.fixturenames:
            w = request.getfixturevalue("world")
            get_user_model().objects.update(preferred_language="en")
            for user in [*w.users.values(), w.other_director, w.other_worker]:
                user.preferred_language = "en"
        yield


# Playwright drives Debian's Chromium (never a downloaded browser build), for
# the browser tests and the crawl alike.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# The crawl (tests/crawl) records its figures per persona as a user property;
# they are printed at the end of the run, also when the tests ran in workers.
CRAWL_FIGURES = "crawl figures"
_crawl_figures: list[str] = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        _crawl_figures.extend(value for name, value in report.user_properties if name == CRAWL_FIGURES)


def pytest_terminal_summary(terminalreporter):
    if _crawl_figures:
        terminalreporter.section("crawl: pages visited and problems per demo user")
        for line in sorted(_crawl_figures):
            terminalreporter.write_line(line)
