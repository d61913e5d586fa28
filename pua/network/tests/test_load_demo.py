import time
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pua.network.demo import (
    INLAV,
    NAUTILUS,
    NAUTILUS_UTIS,
    NETWORK_CONTACTS,
    OFFERINGS,
    PUA_CREMONA,
    USERS,
    UTI_FROSINONE,
)
from pua.network.models import (
    AccessPoint,
    Agreement,
    AgreementStatus,
    ContactPerson,
    Membership,
    Municipality,
    NetworkContact,
    NetworkLink,
    NetworkRelation,
    Offering,
    Organisation,
    Programme,
    Role,
    ServiceLevel,
    Site,
    Territory,
)

pytestmark = pytest.mark.django_db

MODELS = [Municipality, Programme, Territory, AccessPoint, Organisation, Membership, get_user_model(), NetworkLink,
          Site, Offering, ContactPerson, Agreement, NetworkContact]


def _load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _counts():
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["territory_municipalities"] = Territory.municipalities.through.objects.count()
    counts["membership_access_points"] = Membership.access_points.through.objects.count()
    counts["organisation_territories"] = Organisation.territories.through.objects.count()
    counts["organisation_languages"] = Organisation.languages.through.objects.count()
    counts["offering_target_groups"] = Offering.target_groups.through.objects.count()
    counts["offering_languages"] = Offering.languages.through.objects.count()
    counts["agreement_parties"] = Agreement.parties.through.objects.count()
    counts["agreement_services"] = Agreement.services.through.objects.count()
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
    assert first["Offering"] == len(OFFERINGS)
    assert first["NetworkContact"] == len(NETWORK_CONTACTS)


def test_it_creates_no_municipalities(debug_on):
    before = Municipality.objects.count()
    _load()
    assert Municipality.objects.count() == before
    assert before > 7000  # the reference data, loaded by migration


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
    assert Offering.objects.count() == len(OFFERINGS)


def test_it_builds_two_programmes_a_pua_and_four_district_placement_units():
    _load()
    assert set(Programme.objects.values_list("code", flat=True)) == {INLAV, NAUTILUS}
    kinds = dict(AccessPoint.objects.values_list("name", "kind"))
    assert kinds == {
        "PUA Ambito di Cremona": "single_access_point", "UTI Distretto A Alatri": "placement_unit",
        "UTI Distretto B Frosinone": "placement_unit", "UTI Distretto C Sora": "placement_unit",
        "UTI Distretto D Cassino": "placement_unit",
    }
    utis = AccessPoint.objects.filter(kind="placement_unit")
    assert set(utis.values_list("programme__code", flat=True)) == {NAUTILUS}
    pua = AccessPoint.objects.get(kind="single_access_point")
    uti = AccessPoint.objects.get(name=UTI_FROSINONE)
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
    assert not Organisation.objects.filter(territories=None).exists()


def test_it_loads_records_that_pass_validation(debug_on):
    _load()
    for model in [Organisation, Programme, Territory, AccessPoint, NetworkLink, Site, Offering, ContactPerson,
                  Agreement, NetworkContact]:
        for obj in model.objects.all():
            obj.full_clean()
    assert NetworkContact.objects.exists()


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
    assert list(director_fr.access_points.values_list("name", flat=True)) == [UTI_FROSINONE]
    assert debug_on.DEMO_PASSWORD in out


def test_it_lets_a_demo_user_sign_in(debug_on, client):
    _load()
    response = client.post(reverse("accounts:login"),
                           {"username": "sociale", "password": debug_on.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username="sociale").pk)


def test_it_gives_each_regional_coordinator_the_access_points_of_their_region(debug_on):
    _load()
    lombardy = Membership.objects.get(user__username="regione")
    assert lombardy.role == Role.REGIONAL_COORDINATOR
    assert lombardy.organisation.name == "Regione Lombardia"
    assert set(lombardy.access_points.values_list("territory__region", flat=True)) == {"Lombardia"}
    lazio = Membership.objects.get(user__username="regione_lazio")
    assert lazio.role == Role.REGIONAL_COORDINATOR
    assert lazio.organisation.name == "Regione Lazio"
    assert set(lazio.access_points.values_list("territory__region", flat=True)) == {"Lazio"}
    assert set(lazio.access_points.values_list("name", flat=True)) == set(NAUTILUS_UTIS)


def test_it_has_every_role_at_both_staffed_access_points(debug_on):
    _load()
    for access_point in (PUA_CREMONA, UTI_FROSINONE):
        roles = set(Membership.objects.filter(access_points__name=access_point).values_list("role", flat=True))
        assert roles >= set(Role) - {Role.ADMIN}, access_point
    operational = set(Membership.access_points.through.objects.exclude(
        membership__role=Role.REGIONAL_COORDINATOR).values_list("accesspoint__name", flat=True))
    assert operational == {PUA_CREMONA, UTI_FROSINONE}


def test_it_gives_no_two_demo_users_the_same_name(debug_on):
    _load()
    names = list(get_user_model().objects.values_list("first_name", "last_name"))
    assert len(names) == len(USERS)
    assert len(set(names)) == len(names)


def test_it_creates_no_users_with_debug_off(settings):
    settings.DEBUG = False
    out = _load()
    assert get_user_model().objects.count() == 0
    assert Membership.objects.count() == 0
    assert "only created with DEBUG on" in out
    assert settings.DEMO_PASSWORD not in out
    assert Organisation.objects.count() >= 15
    # Everything but the network contacts, which need a demo user as operator.
    assert Offering.objects.count() == len(OFFERINGS)
    assert Agreement.objects.exists() and ContactPerson.objects.exists()
    assert NetworkContact.objects.count() == 0


def test_it_models_the_four_frosinone_districts():
    _load()
    districts = Territory.objects.filter(kind="socio_welfare_district", province="FR")
    leads = dict(districts.values_list("name", "lead_organisation__name"))
    assert leads == {
        "Distretto socio-assistenziale A – Alatri": "Comune di Alatri",
        "Distretto socio-assistenziale B – Frosinone": "Comune di Frosinone",
        "Distretto socio-assistenziale C – Sora": "AIPES",
        "Distretto socio-assistenziale D – Cassino": "Consorzio dei Comuni del Cassinate",
    }
    for district in districts:
        codes = set(district.municipalities.values_list("istat_code", flat=True))
        assert len(codes) >= 5
        assert all(code.startswith("060") for code in codes)
        assert district.access_points.get().kind == "placement_unit"
    # No municipality belongs to two districts.
    memberships = Territory.municipalities.through.objects.filter(territory__in=districts)
    assert memberships.count() == memberships.values("municipality").distinct().count()
    alatri = Territory.objects.get(name="Distretto socio-assistenziale A – Alatri")
    assert alatri.municipalities.filter(istat_code="060003", name="Alatri").exists()


def test_it_links_the_nautilus_partnership_to_the_placement_units():
    _load()
    links = NetworkLink.objects.filter(accesspoint__programme__code=NAUTILUS)
    partners = links.filter(relation=NetworkRelation.FORMAL_PARTNER).values("organisation").distinct()
    assert partners.count() >= 20
    exodus = links.get(organisation__name="Fondazione Exodus", accesspoint__name="UTI Distretto D Cassino")
    assert exodus.relation == NetworkRelation.FORMAL_PARTNER
    assert "Capofila del progetto" in exodus.role and exodus.contributes_services
    assert links.filter(relation=NetworkRelation.INFORMAL_NETWORK, organisation__name="CNA Frosinone").exists()
    faro = Organisation.objects.get(name="Associazione Il Faro")
    assert list(faro.territories.values_list("name", flat=True)) == ["Distretto socio-assistenziale C – Sora"]
    assert list(faro.access_points.values_list("name", flat=True)) == ["UTI Distretto C Sora"]
    assert faro.network_links.get().role.startswith("Broker sociale e orientatore per il Distretto C")
    ial = Organisation.objects.get(name="IAL CISL")
    assert ial.territories.count() == 4


def test_it_splits_the_cremona_network_into_formal_partners_and_informal_network():
    _load()
    links = NetworkLink.objects.filter(accesspoint__name=PUA_CREMONA)
    assert links.filter(relation=NetworkRelation.FORMAL_PARTNER, contributes_services=True).count() >= 4
    informal = links.filter(relation=NetworkRelation.INFORMAL_NETWORK)
    assert informal.count() >= 6
    assert informal.filter(contributes_awareness=True).exists()
    assert informal.filter(contributes_outreach=True).exists()
    assert informal.filter(contributes_promotion=True).exists()
    assert not links.filter(role="").exists()


def test_it_gives_every_organisation_sites_near_real_municipalities():
    _load()
    assert not Organisation.objects.filter(sites=None).exists()
    for organisation in Organisation.objects.prefetch_related("sites"):
        assert 1 <= len(organisation.sites.all()) <= 2
    for site in Site.objects.select_related("municipality"):
        d_lat = abs(site.latitude - site.municipality.latitude)
        d_lon = abs(site.longitude - site.municipality.longitude)
        # A few hundred metres from the municipality's centre: close, but not on top of it.
        assert d_lat + d_lon > 0
        assert d_lat < 0.005 and d_lon < 0.005


def test_it_fills_the_directory_with_located_f2_offerings():
    _load()
    offerings = Offering.objects.select_related("service", "site")
    assert offerings.count() >= 80
    assert not offerings.filter(latitude__isnull=True).exists()
    assert not offerings.filter(longitude__isnull=True).exists()
    assert not offerings.filter(municipality__isnull=True).exists()
    for offering in offerings:
        assert offering.service.code.startswith("F2.") and offering.service.level == ServiceLevel.SERVICE
        assert offering.service.programme_id is None
        assert offering.site.organisation_id == offering.organisation_id
        assert (offering.latitude, offering.longitude) == (offering.site.latitude, offering.site.longitude)
        assert offering.municipality_id == offering.site.municipality_id
        assert offering.referral_email.endswith("@example.org")
        assert offering.referral_phone.startswith(("0775 000", "0372 000"))
        assert offering.opening_hours
    assert not offerings.filter(target_groups=None).exists()
    assert not offerings.filter(languages=None).exists()
    mediation = Offering.objects.filter(service__code="F2.4.c")
    assert set(mediation.values_list("languages__code", flat=True)) >= {"ar", "fr", "en", "ro", "ur", "pa", "bn", "wo"}
    assert Offering.objects.filter(organisation__name="Fondazione Exodus", service__code="F2.5.f").exists()
    assert Offering.objects.filter(organisation__name="IAL CISL", service__code="F2.5.c").exists()
    assert Offering.objects.filter(organisation__kind="employment_centre", service__code="F2.5.d").count() >= 4
    assert Offering.objects.filter(organisation__kind="union", service__code="F2.4.g").exists()
    assert len(set(offerings.values_list("availability", flat=True))) >= 3
    assert len(set(offerings.values_list("legal_status", flat=True))) >= 3
    assert len(set(offerings.values_list("cost", flat=True))) >= 2


def test_it_spreads_confirmations_over_the_last_year_with_some_stale():
    _load()
    now = timezone.now()
    stale = Offering.objects.filter(last_confirmed_at__lt=now - timedelta(days=180)).count()
    assert 0 < stale < Offering.objects.count() / 2
    assert not Offering.objects.filter(last_confirmed_at__lt=now - timedelta(days=366)).exists()
    assert not Offering.objects.filter(last_confirmed_at__gt=now).exists()


def test_it_adds_the_same_synthetic_contact_persons_on_every_load():
    _load()
    assert ContactPerson.objects.filter(organisation__name="Fondazione Exodus").count() == 2
    for person in ContactPerson.objects.all():
        assert person.email.endswith("@example.org")
        assert len(person.name.split()) >= 2
    first = sorted(ContactPerson.objects.values_list("organisation__name", "role", "name"))
    _load()
    assert sorted(ContactPerson.objects.values_list("organisation__name", "role", "name")) == first


def test_it_loads_agreements_one_of_them_expiring_within_sixty_days():
    _load()
    today = timezone.localdate()
    expiring = Agreement.objects.filter(status=AgreementStatus.ACTIVE, valid_until__gte=today,
                                        valid_until__lte=today + timedelta(days=60))
    assert expiring.filter(access_point__name=UTI_FROSINONE).exists()
    protocol = Agreement.objects.get(kind="protocol", access_point__name=UTI_FROSINONE)
    parties = set(protocol.parties.values_list("name", flat=True))
    assert {"Comune di Alatri", "Comune di Frosinone", "AIPES", "Consorzio dei Comuni del Cassinate"} <= parties
    assert Agreement.objects.filter(kind="contract", parties__name="Fondazione Exodus").exists()
    assert Agreement.objects.filter(kind="network_agreement", access_point__name=PUA_CREMONA).exists()
    assert not Agreement.objects.exclude(document="").exists()


def test_it_records_recent_network_contacts_at_both_access_points(debug_on):
    _load()
    contacts = NetworkContact.objects.all()
    assert contacts.count() >= 20
    assert not contacts.filter(date__lt=timezone.localdate() - timedelta(days=92)).exists()
    assert set(contacts.values_list("access_point__name", flat=True)) == {PUA_CREMONA, UTI_FROSINONE}
    assert len(set(contacts.values_list("actor_type", flat=True))) == 5
    for contact in contacts.select_related("operator", "access_point"):
        assert contact.operator.memberships.filter(access_points=contact.access_point).exists()
        assert contact.organisation_id or contact.organisation_name


def test_it_loads_the_demo_in_under_twenty_seconds(debug_on):
    started = time.perf_counter()
    _load()
    assert time.perf_counter() - started < 20
    assert Offering.objects.count() == len(OFFERINGS)
