"""Points and great-circle distances, the same on PostgreSQL and SQLite.

Django's SQLite backend registers the math functions used here, so the
distance is computed in SQL on both databases."""

from __future__ import annotations

import math

from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin

EARTH_RADIUS_KM = 6371.0088


def offering_point(*, site=None, organisation=None):
    """Where an offering is delivered: ``(latitude, longitude, municipality)``.

    The site's own point, else its municipality's centre, else the
    organisation's municipality's centre; ``(None, None, None)`` if unknown."""
    if site is not None:
        municipality = site.municipality
        if site.latitude is not None and site.longitude is not None:
            return site.latitude, site.longitude, municipality
        if municipality is not None and municipality.latitude is not None:
            return municipality.latitude, municipality.longitude, municipality
    if organisation is not None and organisation.municipality_id:
        municipality = organisation.municipality
        return municipality.latitude, municipality.longitude, municipality
    return None, None, None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in Python, for checks and single objects."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    cos_angle = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return EARTH_RADIUS_KM * math.acos(max(-1.0, min(1.0, cos_angle)))


def distance_km_expression(latitude: float, longitude: float, lat_field="latitude", lon_field="longitude"):
    """A query expression: kilometres from the given point to each row's point."""
    lat0 = Radians(Value(latitude, output_field=FloatField()))
    lon0 = Value(longitude, output_field=FloatField())
    lat = Radians(F(lat_field))
    cos_angle = Sin(lat0) * Sin(lat) + Cos(lat0) * Cos(lat) * Cos(Radians(F(lon_field) - lon0))
    # Clamp against rounding just outside [-1, 1] before ACOS.
    clamped = Greatest(Least(cos_angle, Value(1.0)), Value(-1.0))
    # GREATEST/LEAST skip NULLs on PostgreSQL: rows without a point must
    # stay NULL, not become 0 km.
    known = Q(**{f"{lat_field}__isnull": False, f"{lon_field}__isnull": False})
    return Case(When(known, then=ACos(clamped) * Value(EARTH_RADIUS_KM)), default=None, output_field=FloatField())
