"""The offering search: each filter, the ranking and who sees what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pua.network.models import Availability, Cost, LegalStatusRequirement, Territory
from pua.network.search_selectors import (
    STALE_AFTER_DAYS,
    mark_freshness,
    municipality_resolve,
    offering_search,
    requirements_met_by,
)
from pua.network.tests.factories import OrganisationFactory, TerritoryFactory

from .search_factories import (
    ALATRI,
    CASSINO,
    CECCANO,
    FERENTINO,
    FROSINONE,
    MILANO,
    TORRICE,
    OfferingFactory,
    SiteFactory,
    municipality,
    service,
)


@pytest.fixture
def operator(world):
    return world.users["social_expert"]


def _ids(queryset):
    return [offering.pk for offering in queryset]


def test_it_filters_by_service(world, operator):
    mediation = OfferingFactory(organisation=world.org_a, service=service("F2.4.c"))
    OfferingFactory(organisation=world.org_a, service=service("F2.4.g"))

    assert _ids(offering_search(user=operator, service=service("F2.4.c"))) == [mediation.pk]
    assert _ids(offering_search(user=operator, service="F2.4.c")) == [mediation.pk]


def test_it_filters_by_area_with_every_service_under_it(world, operator):
    mediation = OfferingFactory(organisation=world.org_a, service=service("F2.4.c"))
    legal = OfferingFactory(organisation=world.org_a, service=service("F2.4.g"))
    OfferingFactory(organisation=world.org_a, service=service("F2.5.a"))

    assert set(_ids(offering_search(user=operator, area="F2.4"))) == {mediation.pk, legal.pk}
    assert set(_ids(offering_search(user=operator, area=service("F2.4")))) == {mediation.pk, legal.pk}
    assert len(_ids(offering_search(user=operator, area="F2"))) == 3


def test_it_filters_by_territory_through_the_place_or_the_organisations_coverage(world, operator):
    district = TerritoryFactory(name="Distretto B", region="Lazio", province="FR")
    district.municipalities.set([municipality(FROSINONE), municipality(CECCANO)])
    in_district = OfferingFactory(organisation=world.org_a, municipality=municipality(CECCANO))
    covering_org = OrganisationFactory(access_points=[world.ap_a])
    covering_org.territories.add(district)
    covered = OfferingFactory(organisation=covering_org, municipality=municipality(MILANO))
    OfferingFactory(organisation=world.org_a, municipality=municipality(CASSINO))

    results = _ids(offering_search(user=operator, territory=district))

    assert sorted(results) == sorted([in_district.pk, covered.pk])
    assert sorted(_ids(offering_search(user=operator, territory=district.pk))) == sorted(results)


def test_it_filters_by_language_spoken(world, operator):
    arabic = OfferingFactory(organisation=world.org_a, languages=["ar", "it"])
    OfferingFactory(organisation=world.org_a, languages=["it", "en"])
    OfferingFactory(organisation=world.org_a)

    assert _ids(offering_search(user=operator, language="ar")) == [arabic.pk]


def test_it_keeps_offerings_open_to_every_target_group(world, operator):
    for_migrants = OfferingFactory(organisation=world.org_a, target_groups=["migrant", "asylum_seeker"])
    for_everyone = OfferingFactory(organisation=world.org_a)
    OfferingFactory(organisation=world.org_a, target_groups=["disability"])

    assert set(_ids(offering_search(user=operator, target_group="migrant"))) == {for_migrants.pk, for_everyone.pk}


@pytest.mark.parametrize(("status", "expected"), [
    ("none", {"none"}),
    ("permit_or_application", {"none", "permit_or_application"}),
    ("valid_permit", {"none", "permit_or_application", "valid_permit"}),
    ("citizen", {"none", "permit_or_application", "valid_permit", "citizen"}),
])
def test_it_keeps_the_offerings_whose_legal_requirement_the_person_meets(world, operator, status, expected):
    by_requirement = {
        level: OfferingFactory(organisation=world.org_a, legal_status=level).pk for level in LegalStatusRequirement
    }

    results = set(_ids(offering_search(user=operator, legal_status=status)))

    assert results == {by_requirement[level] for level in expected}
    assert set(requirements_met_by(status)) == expected


def test_it_keeps_only_free_offerings_when_asked(world, operator):
    free = OfferingFactory(organisation=world.org_a, cost=Cost.FREE)
    OfferingFactory(organisation=world.org_a, cost=Cost.FEE)
    OfferingFactory(organisation=world.org_a, cost=Cost.CONTRIBUTION)

    assert _ids(offering_search(user=operator, free_only=True)) == [free.pk]
    assert len(_ids(offering_search(user=operator))) == 3


def test_it_keeps_only_offerings_taking_people_when_asked(world, operator):
    taking = {
        OfferingFactory(organisation=world.org_a, availability=state).pk
        for state in (Availability.AVAILABLE, Availability.LIMITED, Availability.WAITING_LIST)
    }
    OfferingFactory(organisation=world.org_a, availability=Availability.FULL)
    OfferingFactory(organisation=world.org_a, availability=Availability.SUSPENDED)

    assert set(_ids(offering_search(user=operator, available_only=True))) == taking


def test_it_ranks_by_distance_then_freshness_with_unplaced_offerings_last(world, operator):
    now = timezone.now()
    alatri = OfferingFactory(organisation=world.org_a, municipality=municipality(ALATRI))
    unplaced = OfferingFactory(organisation=world.org_a, municipality=None, latitude=None, longitude=None)
    torrice_old = OfferingFactory(organisation=world.org_a, municipality=municipality(TORRICE),
                                  last_confirmed_at=now - timedelta(days=30))
    torrice_new = OfferingFactory(organisation=world.org_a, municipality=municipality(TORRICE),
                                  last_confirmed_at=now - timedelta(days=1))
    ceccano = OfferingFactory(organisation=world.org_a, municipality=municipality(CECCANO))

    results = list(offering_search(user=operator, municipality=municipality(FROSINONE)))

    assert [o.pk for o in results] == [torrice_new.pk, torrice_old.pk, ceccano.pk, alatri.pk, unplaced.pk]
    assert results[0].distance_km == pytest.approx(5.3, abs=0.1)
    assert results[3].distance_km == pytest.approx(10.2, abs=0.1)
    assert results[-1].distance_km is None


def test_it_ranks_by_distance_from_a_point_before_the_municipality(world, operator):
    cassino = OfferingFactory(organisation=world.org_a, municipality=municipality(CASSINO))
    frosinone = OfferingFactory(organisation=world.org_a, municipality=municipality(FROSINONE))
    point = (municipality(CASSINO).latitude, municipality(CASSINO).longitude)

    results = list(offering_search(user=operator, point=point, municipality=municipality(FROSINONE)))

    assert [o.pk for o in results] == [cassino.pk, frosinone.pk]
    assert results[0].distance_km == pytest.approx(0, abs=0.01)


def test_it_orders_by_freshness_without_an_origin(world, operator):
    now = timezone.now()
    old = OfferingFactory(organisation=world.org_a, last_confirmed_at=now - timedelta(days=200))
    new = OfferingFactory(organisation=world.org_a, last_confirmed_at=now)

    results = list(offering_search(user=operator))

    assert [o.pk for o in results] == [new.pk, old.pk]
    assert results[0].distance_km is None


def test_it_places_an_offering_at_its_site(world, operator):
    site = SiteFactory(organisation=world.org_a, municipality=municipality(FERENTINO), latitude=41.7, longitude=13.25)
    offering = OfferingFactory(organisation=world.org_a, site=site)

    result = offering_search(user=operator, municipality=municipality(FERENTINO)).get()

    assert (result.pk, result.site, result.latitude) == (offering.pk, site, 41.7)
    assert result.distance_km == pytest.approx(1.0, abs=0.3)


def test_it_leaves_out_inactive_offerings_organisations_and_retired_services(world, operator):
    kept = OfferingFactory(organisation=world.org_a)
    OfferingFactory(organisation=world.org_a, is_active=False)
    closed = OrganisationFactory(access_points=[world.ap_a], is_active=False)
    OfferingFactory(organisation=closed)
    retired = service("F2.1.g")
    retired.retired_at = timezone.now()
    retired.save()
    OfferingFactory(organisation=world.org_a, service=retired)

    assert _ids(offering_search(user=operator)) == [kept.pk]


def test_it_never_shows_another_access_points_offerings(world, operator):
    ours = OfferingFactory(organisation=world.org_a)
    theirs = OfferingFactory(organisation=world.org_b)

    assert _ids(offering_search(user=operator)) == [ours.pk]
    assert _ids(offering_search(user=world.other_worker)) == [theirs.pk]


def test_it_shows_a_partner_only_its_own_organisations_offerings(world):
    own = OfferingFactory(organisation=world.partner_org)
    OfferingFactory(organisation=world.org_a)
    OfferingFactory(organisation=world.org_b)

    assert _ids(offering_search(user=world.users["partner_operator"])) == [own.pk]


def test_it_shows_an_administrator_every_offering(world):
    offerings = {OfferingFactory(organisation=world.org_a).pk, OfferingFactory(organisation=world.org_b).pk}

    assert set(_ids(offering_search(user=world.users["admin"]))) == offerings


def test_it_finds_municipalities_by_code_name_or_name_and_province(db):
    assert [m.istat_code for m in municipality_resolve("060038")] == [FROSINONE]
    assert [m.istat_code for m in municipality_resolve("  frosinone ")] == [FROSINONE]
    assert [m.istat_code for m in municipality_resolve("Frosinone (FR)")] == [FROSINONE]
    assert len(municipality_resolve("Samone")) == 2
    assert [m.province for m in municipality_resolve("Samone (TN)")] == ["TN"]
    assert municipality_resolve("Atlantide") == []
    assert municipality_resolve("") == []


def test_it_flags_offerings_not_confirmed_for_half_a_year(world):
    now = timezone.now()
    fresh = OfferingFactory(organisation=world.org_a, last_confirmed_at=now - timedelta(days=STALE_AFTER_DAYS))
    stale = OfferingFactory(organisation=world.org_a, last_confirmed_at=now - timedelta(days=STALE_AFTER_DAYS + 1))

    mark_freshness([fresh, stale], now=now)

    assert (fresh.confirmed_days_ago, fresh.is_stale) == (STALE_AFTER_DAYS, False)
    assert (stale.confirmed_days_ago, stale.is_stale) == (STALE_AFTER_DAYS + 1, True)


def test_it_counts_a_territory_once_per_offering(world, operator):
    district = TerritoryFactory()
    district.municipalities.set([municipality(FROSINONE)])
    org = OrganisationFactory(access_points=[world.ap_a])
    org.territories.set([district, Territory.objects.create(name="Altro", kind="social_district", region="Lazio")])
    OfferingFactory(organisation=org, languages=["it", "en", "ar"])

    assert offering_search(user=operator, territory=district, language="ar").count() == 1
