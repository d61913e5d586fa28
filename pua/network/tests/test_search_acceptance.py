"""Acceptance: an operator at the NAUTILUS UTI finds, from the search page
and from the API, the organisations offering a given service in district B
in a given language, ordered by distance."""

import re

import pytest
from rest_framework.test import APIClient

from pua.network.models import Role
from pua.network.tests.factories import (
    AccessPointFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    TerritoryFactory,
    UserFactory,
)

from .search_factories import (
    ALATRI,
    CASSINO,
    CECCANO,
    FERENTINO,
    FROSINONE,
    TORRICE,
    VEROLI,
    OfferingFactory,
    municipality,
    service,
)

GUIDANCE = "F2.5.a"  # basic and specialist guidance on training and job opportunities


@pytest.fixture
def nautilus(db):
    programme = ProgrammeFactory(code="nautilus", name="NAUTILUS")
    district_b = TerritoryFactory(name="Distretto Frosinone B", kind="socio_welfare_district", region="Lazio",
                                  province="FR")
    district_b.municipalities.set([municipality(code) for code in (FROSINONE, TORRICE, CECCANO, VEROLI, FERENTINO)])
    district_a = TerritoryFactory(name="Distretto Frosinone A", kind="socio_welfare_district", region="Lazio",
                                  province="FR")
    district_a.municipalities.set([municipality(ALATRI)])
    uti = AccessPointFactory(name="UTI Frosinone", kind="placement_unit", territory=district_b, programme=programme,
                             municipality=municipality(FROSINONE))
    elsewhere = AccessPointFactory(name="PUA Altrove", programme=programme, territory=district_a)
    operator = UserFactory(username="operatore_uti")
    MembershipFactory(user=operator, role=Role.LABOUR_EXPERT, access_points=[uti],
                      organisation=OrganisationFactory(name="Regione Lazio UTI", kind="public_body",
                                                       access_points=[uti]))

    def offering(name, place, languages, code=GUIDANCE, access_point=uti):
        organisation = OrganisationFactory(name=name, access_points=[access_point])
        OfferingFactory(organisation=organisation, service=service(code), municipality=municipality(place),
                        languages=languages)
        return organisation

    offering("Coop Ceccano", CECCANO, ["ar", "it"])
    offering("Coop Torrice", TORRICE, ["ar"])
    offering("Coop Veroli", VEROLI, ["en", "it"])  # not in Arabic
    offering("Coop Ferentino", FERENTINO, ["ar"], code="F2.4.c")  # another service
    offering("Coop Alatri", ALATRI, ["ar"])  # district A
    offering("Coop Altrove", FROSINONE, ["ar"], access_point=elsewhere)  # not in the UTI's network
    covering = offering("Coop Cassino", CASSINO, ["ar", "fr"])  # covers district B from afar
    covering.territories.add(district_b)
    return {"operator": operator, "district_b": district_b}


EXPECTED = ["Coop Torrice", "Coop Ceccano", "Coop Cassino"]


def test_it_finds_them_from_the_search_page(client, nautilus):
    client.force_login(nautilus["operator"])

    html = client.get("/network/search/", {
        "service": service(GUIDANCE).pk, "territory": nautilus["district_b"].pk, "language": "ar",
    }).content.decode()

    found = re.findall(r'id="offering-\d+-title">\s*<a href="[^"]+">([^<]+)</a>', html)
    assert found == EXPECTED
    distances = [float(km.replace(",", ".")) for km in re.findall(r'class="search-distance">([\d.,]+) km', html)]
    assert distances == sorted(distances) and distances[0] == pytest.approx(5.3, abs=0.1)


def test_it_finds_them_from_the_api(nautilus):
    api = APIClient()
    api.force_login(nautilus["operator"])

    response = api.get("/api/v1/offering-search/", {
        "service": GUIDANCE, "territory": nautilus["district_b"].pk, "language": "ar",
    })

    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["organisation"]["name"] for row in results] == EXPECTED
    assert [round(row["distance_km"]) for row in results] == [5, 8, 44]
    assert all(row["service"]["code"] == GUIDANCE and "ar" in row["languages"] for row in results)
