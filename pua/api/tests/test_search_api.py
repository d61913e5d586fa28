"""The offering search and the GeoJSON of the maps, through the API."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from pua.accounts.token_services import api_token_create
from pua.network.models import Language, Offering
from pua.network.tests.factories import TerritoryFactory
from pua.network.tests.search_factories import (
    ALATRI,
    CECCANO,
    FROSINONE,
    MILANO,
    TORRICE,
    OfferingFactory,
    SiteFactory,
    municipality,
    service,
)

from .assertions import assert_error

SEARCH = "/api/v1/offering-search/"
GEO_OFFERINGS = "/api/v1/geojson/offerings/"
GEO_ORGANISATIONS = "/api/v1/geojson/organisations/"


@pytest.fixture
def frosinone_world(world):
    world.ap_a.municipality = municipality(FROSINONE)
    world.ap_a.save()
    return world


def _result_ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _assert_feature_collection(body):
    assert body["type"] == "FeatureCollection"
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            longitude, latitude = geometry["coordinates"]
            assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert feature["properties"]["id"] == feature["id"]
        assert re.match(r"^http://testserver/network/(organisations|offerings)/\d+/$", feature["properties"]["url"])


@pytest.mark.parametrize("url", [SEARCH, GEO_OFFERINGS, GEO_ORGANISATIONS])
def test_it_refuses_anonymous_clients(api, db, url):
    assert_error(api.get(url), 401, "not_authenticated")


def test_it_searches_offerings_nearest_first_with_their_distance(api_as, frosinone_world):
    w = frosinone_world
    alatri = OfferingFactory(organisation=w.org_a, municipality=municipality(ALATRI), languages=["ar", "it"],
                             target_groups=["migrant"])
    torrice = OfferingFactory(organisation=w.partner_org, municipality=municipality(TORRICE))
    OfferingFactory(organisation=w.org_b, municipality=municipality(TORRICE))

    response = api_as(w.users["social_expert"]).get(SEARCH)

    assert _result_ids(response) == [torrice.pk, alatri.pk]
    body = response.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert first["distance_km"] == pytest.approx(5.3, abs=0.1)
    assert second["distance_km"] == pytest.approx(10.2, abs=0.1)
    assert second["organisation"]["name"] == "Cooperativa Alfa"
    assert second["service"] == {"id": service("F2.4.c").pk, "code": "F2.4.c", "label": service("F2.4.c").label}
    assert second["municipality"]["istat_code"] == ALATRI
    assert sorted(second["languages"]) == ["ar", "it"]
    assert second["target_groups"] == ["migrant"]
    assert second["is_stale"] is False and second["confirmed_days_ago"] == 0
    assert second["url"] == f"http://testserver/network/offerings/{alatri.pk}/"
    assert second["organisation_url"] == f"http://testserver/network/organisations/{w.org_a.pk}/"


def test_it_measures_from_a_point_or_a_municipality(api_as, frosinone_world):
    w = frosinone_world
    ceccano = OfferingFactory(organisation=w.org_a, municipality=municipality(CECCANO))
    milano = OfferingFactory(organisation=w.org_a, municipality=municipality(MILANO))
    api = api_as(w.users["social_expert"])
    milan = municipality(MILANO)

    assert _result_ids(api.get(SEARCH, {"municipality": MILANO})) == [milano.pk, ceccano.pk]
    near_milan = api.get(SEARCH, {"lat": milan.latitude, "lon": milan.longitude}).json()["results"]
    assert [row["id"] for row in near_milan] == [milano.pk, ceccano.pk]
    assert near_milan[0]["distance_km"] == pytest.approx(0, abs=0.01)


@pytest.mark.parametrize(("params", "expected"), [
    ({"service": "F2.4.c"}, {"mediation"}),
    ({"area": "F2.4"}, {"mediation", "legal"}),
    ({"language": "ar"}, {"mediation"}),
    ({"target_group": "disability"}, {"legal", "training"}),
    ({"legal_status": "none"}, {"mediation", "training"}),
    ({"free_only": "true"}, {"mediation", "legal"}),
    ({"available_only": "true"}, {"mediation", "training"}),
    ({"territory": "district"}, {"legal"}),
])
def test_it_filters_like_the_search_page(api_as, frosinone_world, params, expected):
    w = frosinone_world
    district = TerritoryFactory(name="Distretto B")
    w.ap_a.territory = district
    w.ap_a.save()
    district.municipalities.set([municipality(CECCANO)])
    offerings = {
        "mediation": OfferingFactory(organisation=w.org_a, service=service("F2.4.c"), languages=["ar"],
                                     target_groups=["migrant"], legal_status="none"),
        "legal": OfferingFactory(organisation=w.org_a, service=service("F2.4.g"), legal_status="valid_permit",
                                 availability="full", municipality=municipality(CECCANO)),
        "training": OfferingFactory(organisation=w.org_a, service=service("F2.5.a"), cost="fee"),
    }
    if params.get("territory") == "district":
        params = {"territory": district.pk}

    response = api_as(w.users["social_expert"]).get(SEARCH, params)

    assert set(_result_ids(response)) == {offerings[name].pk for name in expected}


@pytest.mark.parametrize(("params", "field"), [
    ({"service": "X9.9"}, "service"),
    ({"area": "F2.4.c"}, "area"),
    ({"municipality": "999999"}, "municipality"),
    ({"language": "zz"}, "language"),
    ({"target_group": "nobody"}, "target_group"),
    ({"legal_status": "tourist"}, "legal_status"),
    ({"lat": "41.6"}, "non_field_errors"),
    ({"lat": "141", "lon": "13"}, "lat"),
])
def test_it_rejects_parameters_it_cannot_use(api_as, frosinone_world, params, field):
    error = assert_error(api_as(frosinone_world.users["social_expert"]).get(SEARCH, params), 400, "invalid")

    assert field in error["fields"]


def test_it_rejects_a_territory_the_user_does_not_work_in(api_as, frosinone_world):
    api = api_as(frosinone_world.users["social_expert"])

    error = assert_error(api.get(SEARCH, {"territory": frosinone_world.ap_b.territory_id}), 400)

    assert "territory" in error["fields"]


def test_it_pages_the_search(api_as, frosinone_world):
    for _ in range(30):
        OfferingFactory(organisation=frosinone_world.org_a)
    api = api_as(frosinone_world.users["social_expert"])

    first = api.get(SEARCH).json()
    small = api.get(SEARCH, {"page_size": 10, "page": 3}).json()

    assert (first["count"], len(first["results"])) == (30, 25)
    assert first["next"].endswith("?page=2")
    assert len(small["results"]) == 10 and small["next"] is None


def test_it_answers_token_clients_from_their_access_points_place(api, frosinone_world):
    user = frosinone_world.users["labour_expert"]
    token = api_token_create(user=user, name="search client", by=user)
    OfferingFactory(organisation=frosinone_world.org_a, municipality=municipality(CECCANO),
                    last_confirmed_at=timezone.now() - timedelta(days=365))

    response = api.get(SEARCH, HTTP_AUTHORIZATION=f"Token {token.secret}")

    row = response.json()["results"][0]
    assert row["distance_km"] == pytest.approx(7.6, abs=0.1)
    assert row["is_stale"] is True and row["confirmed_days_ago"] == 365


def test_it_shows_a_partner_only_its_own_offerings(api_as, frosinone_world):
    w = frosinone_world
    own = OfferingFactory(organisation=w.partner_org)
    OfferingFactory(organisation=w.org_a)
    OfferingFactory(organisation=w.org_b)

    assert _result_ids(api_as(w.users["partner_operator"]).get(SEARCH)) == [own.pk]
    features = api_as(w.users["partner_operator"]).get(GEO_OFFERINGS).json()["features"]
    assert [f["id"] for f in features] == [own.pk]


def test_it_never_answers_with_another_access_points_offerings(api_as, frosinone_world):
    w = frosinone_world
    theirs = OfferingFactory(organisation=w.org_b)
    OfferingFactory(organisation=w.org_a)

    assert _result_ids(api_as(w.other_worker).get(SEARCH)) == [theirs.pk]
    features = api_as(w.other_worker).get(GEO_OFFERINGS).json()["features"]
    assert [f["id"] for f in features] == [theirs.pk]


def test_it_gives_the_search_results_as_geojson(api_as, frosinone_world):
    w = frosinone_world
    ceccano = OfferingFactory(organisation=w.org_a, municipality=municipality(CECCANO), languages=["ar"])
    unplaced = OfferingFactory(organisation=w.org_a, municipality=None, latitude=None, longitude=None,
                               languages=["ar"])
    OfferingFactory(organisation=w.org_a, languages=["en"])

    response = api_as(w.users["social_expert"]).get(GEO_OFFERINGS, {"language": "ar"})

    assert response.status_code == 200
    body = response.json()
    _assert_feature_collection(body)
    assert [f["id"] for f in body["features"]] == [ceccano.pk, unplaced.pk]
    placed, not_placed = body["features"]
    place = municipality(CECCANO)
    assert placed["geometry"]["coordinates"] == [round(place.longitude, 6), round(place.latitude, 6)]
    assert placed["properties"]["service_code"] == "F2.4.c"
    assert placed["properties"]["name"] == "Cooperativa Alfa"
    assert placed["properties"]["municipality_istat_code"] == CECCANO
    assert placed["properties"]["distance_km"] == pytest.approx(7.6, abs=0.1)
    assert placed["properties"]["url"] == f"http://testserver/network/offerings/{ceccano.pk}/"
    assert placed["properties"]["organisation_url"] == f"http://testserver/network/organisations/{w.org_a.pk}/"
    assert not_placed["geometry"] is None and not_placed["properties"]["distance_km"] is None


def test_it_places_organisations_at_their_first_site_else_their_municipality(api_as, frosinone_world):
    w = frosinone_world
    SiteFactory(organisation=w.org_a, name="B sede", municipality=municipality(ALATRI))
    SiteFactory(organisation=w.org_a, name="A sede", municipality=municipality(CECCANO), latitude=41.5,
                longitude=13.3, address="Via Giglio 2")
    w.partner_org.municipality = municipality(TORRICE)
    w.partner_org.save()

    response = api_as(w.users["social_expert"]).get(GEO_ORGANISATIONS)

    body = response.json()
    _assert_feature_collection(body)
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    assert set(by_name) == {"Associazione Partner", "Comune Alfa", "Cooperativa Alfa"}
    coop = by_name["Cooperativa Alfa"]
    assert coop["geometry"]["coordinates"] == [13.3, 41.5]
    assert coop["properties"]["address"] == "Via Giglio 2"
    assert coop["properties"]["municipality"] == "Ceccano (FR)"
    assert coop["properties"]["kind"] == "social_coop_b"
    torrice = municipality(TORRICE)
    assert by_name["Associazione Partner"]["geometry"]["coordinates"] == [round(torrice.longitude, 6),
                                                                           round(torrice.latitude, 6)]
    assert by_name["Comune Alfa"]["geometry"] is None


def test_it_filters_the_organisations_by_kind_and_access_point(api_as, frosinone_world):
    w = frosinone_world
    api = api_as(w.users["admin"])

    kinds = api.get(GEO_ORGANISATIONS, {"kind": "public_body"}).json()["features"]
    of_b = api.get(GEO_ORGANISATIONS, {"access_point": w.ap_b.pk}).json()["features"]

    assert {f["properties"]["name"] for f in kinds} == {"Comune Alfa", "Comune Beta"}
    assert {f["properties"]["name"] for f in of_b} == {"Comune Beta", "Cooperativa Beta"}
    worker = api_as(w.users["social_expert"])
    assert "access_point" in assert_error(worker.get(GEO_ORGANISATIONS, {"access_point": w.ap_b.pk}), 400)["fields"]


def test_it_leaves_inactive_organisations_off_the_map(api_as, frosinone_world):
    w = frosinone_world
    w.org_a.is_active = False
    w.org_a.save()

    features = api_as(w.users["social_expert"]).get(GEO_ORGANISATIONS).json()["features"]

    assert {f["properties"]["name"] for f in features} == {"Associazione Partner", "Comune Alfa"}


def _bulk_offerings(count, organisation):
    places = [municipality(code) for code in (FROSINONE, TORRICE, CECCANO, ALATRI, MILANO)]
    now = timezone.now()
    offerings = Offering.objects.bulk_create(
        Offering(organisation=organisation, service=service("F2.4.c"), municipality=places[n % 5],
                 latitude=places[n % 5].latitude, longitude=places[n % 5].longitude, last_confirmed_at=now)
        for n in range(count)
    )
    arabic = Language.objects.get(code="ar")
    Languages = Offering.languages.through
    Languages.objects.bulk_create(Languages(offering_id=o.pk, language_id=arabic.pk) for o in offerings)
    SiteFactory(organisation=organisation, name=f"Sede {count}", municipality=places[count % 5])


@pytest.mark.parametrize("url", [SEARCH, GEO_OFFERINGS, GEO_ORGANISATIONS])
def test_it_answers_in_the_same_number_of_queries_for_10_and_500_offerings(api_as, frosinone_world, url,
                                                                          django_assert_max_num_queries):
    api = api_as(frosinone_world.users["social_expert"])
    api.get(url)  # settle the session and the current access point
    counts = []
    for count in (10, 490):
        _bulk_offerings(count, frosinone_world.org_a)
        with django_assert_max_num_queries(15) as captured:
            response = api.get(url, {"language": "ar"} if url != GEO_ORGANISATIONS else {})
            assert response.status_code == 200
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]
    if url == GEO_OFFERINGS:
        assert len(response.json()["features"]) == 500


def test_it_documents_the_search_endpoints(api_as, world):
    paths = api_as(world.users["social_expert"]).get("/api/schema/?format=json").json()["paths"]

    assert {SEARCH, GEO_OFFERINGS, GEO_ORGANISATIONS} <= set(paths)
    parameters = {p["name"] for p in paths[SEARCH]["get"]["parameters"]}
    assert {"service", "area", "municipality", "lat", "lon", "language", "target_group", "legal_status",
            "free_only", "available_only", "territory", "page"} <= parameters
