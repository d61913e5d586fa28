import pytest

from pua.network.geo import distance_km, distance_km_expression
from pua.network.models import Municipality


def test_it_measures_great_circle_distances():
    # Cremona to Frosinone: about 473 km as the crow flies.
    assert distance_km(45.13325, 10.02129, 41.63976, 13.34109) == pytest.approx(473, abs=5)
    assert distance_km(45.0, 10.0, 45.0, 10.0) == 0


def test_it_computes_the_same_distance_in_sql(db):
    cremona = Municipality.objects.get(istat_code="019036")
    frosinone = Municipality.objects.get(istat_code="060038")
    row = (
        Municipality.objects.filter(pk=frosinone.pk)
        .annotate(km=distance_km_expression(cremona.latitude, cremona.longitude))
        .get()
    )
    expected = distance_km(cremona.latitude, cremona.longitude, frosinone.latitude, frosinone.longitude)
    assert row.km == pytest.approx(expected, rel=1e-6)


def test_it_ships_coordinates_for_every_municipality(db):
    assert Municipality.objects.count() > 7800
    assert not Municipality.objects.filter(latitude__isnull=True).exists()
    exact = Municipality.objects.filter(coordinates_approximate=False).count()
    assert exact / Municipality.objects.count() > 0.9


def test_it_leaves_the_distance_unknown_for_rows_without_a_point(db):
    Municipality.objects.create(istat_code="999999", name="Senza punto", province="XX", region="Nessuna")
    row = Municipality.objects.filter(istat_code="999999").annotate(km=distance_km_expression(45.0, 10.0)).get()
    assert row.km is None
