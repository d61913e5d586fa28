from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from pua.network.demo import INLAV, NAUTILUS, USERS
from pua.network.models import (
    AccessPoint,
    Membership,
    Municipality,
    Organisation,
    Programme,
    Role,
    Territory,
)

pytestmark = pytest.mark.django_db

MODELS = [Municipality, Programme, Territory, AccessPoint, Organisation, Membership, get_user_model()]


def _load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _counts():
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["networks"] = Organisation.access_points.through.objects.count()
    counts["territory_municipalities"] = Territory.municipalities.through.objects.count()
    counts["membership_access_points"] = Membership.access_points.through.objects.count()
    return counts


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True
    return settings


def test_it_creates_no_duplicates_when_run_twice(debug_on):
    _load()
    first = _counts()
    _load()
    assert _counts() == first
    assert first["Organisation"] >= 15
    assert first["User"] == len(USERS)


def test_it_leaves_existing_data_untouched_with_once(debug_on):
    _load()
    programme = Programme.objects.get(code=INLAV)
    programme.name = "Renamed by a user"
    programme.save()
    before = _counts()

    out = _load("--once")

    assert "already loaded" in out
    assert _counts() == before
    programme.refresh_from_db()
    assert programme.name == "Renamed by a user"


def test_it_loads_everything_with_once_on_an_empty_database(debug_on):
    _load("--once")
    assert Programme.objects.filter(code=INLAV).exists()


def test_it_builds_two_programmes_and_two_access_points():
    _load()
    assert set(Programme.objects.values_list("code", flat=True)) == {INLAV, NAUTILUS}
    kinds = dict(AccessPoint.objects.values_list("name", "kind"))
    assert kinds == {"PUA Ambito di Cremona": "single_access_point", "UTI Distretto B Frosinone": "placement_unit"}
    pua = AccessPoint.objects.get(kind="single_access_point")
    uti = AccessPoint.objects.get(kind="placement_unit")
    assert pua.programme.code == INLAV and uti.programme.code == NAUTILUS
    assert pua.territory.lead_organisation.name == "Comune di Cremona"
    assert uti.territory.lead_organisation.name == "Comune di Frosinone"
    assert all(p.lead_organisation_id for p in Programme.objects.all())
    assert pua.territory.municipalities.filter(istat_code="019036", name="Cremona").exists()
    assert uti.territory.municipalities.filter(istat_code="060038", name="Frosinone").exists()


def test_it_puts_every_organisation_in_a_network():
    _load()
    assert Organisation.objects.count() >= 15
    assert not Organisation.objects.filter(access_points=None).exists()


def test_it_loads_records_that_pass_validation():
    _load()
    for obj in [*Municipality.objects.all(), *Organisation.objects.all(), *Programme.objects.all()]:
        obj.full_clean()


def test_it_creates_one_user_per_role_with_debug_on(debug_on):
    out = _load()
    User = get_user_model()
    by_role = {
        "direttore": Role.DIRECTOR, "sociale": Role.SOCIAL_EXPERT, "lavoro": Role.LABOUR_EXPERT,
        "operatore": Role.OUTREACH_OPERATOR, "partner": Role.PARTNER_OPERATOR, "consiglio": Role.BOARD_VIEWER,
        "regione": Role.REGIONAL_COORDINATOR, "admin": Role.ADMIN,
    }
    assert set(by_role.values()) == set(Role)
    for username, role in by_role.items():
        user = User.objects.get(username=username)
        assert list(user.memberships.values_list("role", flat=True)) == [role]
        assert user.check_password(debug_on.DEMO_PASSWORD)
        assert username in out
    partner = Membership.objects.get(user__username="partner")
    assert partner.organisation.kind == "social_coop_b"
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    director_fr = Membership.objects.get(user__username="direttore_fr")
    assert director_fr.role == Role.DIRECTOR
    assert list(director_fr.access_points.values_list("kind", flat=True)) == ["placement_unit"]
    assert debug_on.DEMO_PASSWORD in out


def test_it_lets_a_demo_user_sign_in(debug_on, client):
    _load()
    response = client.post(reverse("accounts:login"),
                           {"username": "sociale", "password": debug_on.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="sociale").pk)


def test_it_gives_the_regional_coordinator_both_access_points(debug_on):
    _load()
    membership = Membership.objects.get(user__username="regione")
    assert membership.role == Role.REGIONAL_COORDINATOR
    assert set(membership.access_points.all()) == set(AccessPoint.objects.all())
    assert AccessPoint.objects.count() == 2


def test_it_creates_no_users_with_debug_off(settings):
    settings.DEBUG = False
    out = _load()
    assert get_user_model().objects.count() == 0
    assert Membership.objects.count() == 0
    assert "only created with DEBUG on" in out
    assert settings.DEMO_PASSWORD not in out
    assert Organisation.objects.count() >= 15
