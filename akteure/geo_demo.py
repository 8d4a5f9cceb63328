"""Demo boundaries and coordinates: the fictional town's Sozialräume as a GIS would export them
(EPSG:25832, a legacy "crs" member, one name property), imported through the real service, and
every demo organisation placed at a point inside its Sozialraum, so the guide's map, the gap map
and the coordinators' map show something."""

from __future__ import annotations

import json
import random

from shapely.geometry import Point, shape

from netzwerk.models import Sozialraum

from . import geo
from .models import Organisation

# The town centre, near 51.5 N 7.4 E, in UTM zone 32 (metres).
MITTE = (390_000, 5_710_000)
ZELLE = (1_800, 1_500)  # width, height of one grid cell in metres
# A 3 x 3 grid of cells, north row first; a district may cover two cells (merged on import).
LAGE = [
    [6, 1, 1],
    [4, 0, 3],
    [5, 2, 2],
]


def _ecken(rng: random.Random) -> dict[tuple[int, int], tuple[float, float]]:
    """The grid's vertices; inner ones moved a little, so districts look drawn, not ruled."""
    x0 = MITTE[0] - 1.5 * ZELLE[0]
    y0 = MITTE[1] + 1.5 * ZELLE[1]
    ecken = {}
    for i in range(4):
        for j in range(4):
            innen = 0 < i < 3 and 0 < j < 3
            dx = rng.uniform(-350, 350) if innen else rng.uniform(-120, 120)
            dy = rng.uniform(-300, 300) if innen else rng.uniform(-120, 120)
            ecken[(i, j)] = (x0 + j * ZELLE[0] + dx, y0 - i * ZELLE[1] + dy)
    return ecken


def _kante(a, b, rng: random.Random, kanten: dict) -> list[tuple[float, float]]:
    """Points between two vertices, the same for both neighbours of the edge (no gaps)."""
    key = (min(a, b), max(a, b))
    if key not in kanten:
        (ax, ay), (bx, by) = key
        kanten[key] = [
            (ax + (bx - ax) * t + rng.uniform(-90, 90), ay + (by - ay) * t + rng.uniform(-90, 90))
            for t in (0.25, 0.5, 0.75)
        ]
    punkte = kanten[key]
    return punkte if key == (a, b) else punkte[::-1]


def grenzdatei(namen: list[str], seed: int = 16) -> bytes:
    """A FeatureCollection in EPSG:25832, one feature per grid cell, named by LAGE."""
    rng = random.Random(seed)
    ecken = _ecken(rng)
    kanten: dict = {}
    features = []
    for i, zeile in enumerate(LAGE):
        for j, index in enumerate(zeile):
            if index >= len(namen):
                continue
            ring = []
            umlauf = [ecken[(i, j)], ecken[(i, j + 1)], ecken[(i + 1, j + 1)], ecken[(i + 1, j)]]
            for k, a in enumerate(umlauf):
                b = umlauf[(k + 1) % 4]
                ring += [a, *_kante(a, b, rng, kanten)]
            ring.append(ring[0])
            features.append(
                {
                    "type": "Feature",
                    "properties": {"STADTTEIL": namen[index], "ZELLE": f"{i}-{j}"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[round(x, 2), round(y, 2)] for x, y in ring]],
                    },
                }
            )
    doc = {
        "type": "FeatureCollection",
        "name": "sozialraeume",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": features,
    }
    return json.dumps(doc).encode()


def _punkt_in(grenze: dict, rng: random.Random) -> tuple[float, float]:
    flaeche = shape(grenze)
    minx, miny, maxx, maxy = flaeche.bounds
    while True:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if flaeche.contains(Point(lon, lat)):
            return lat, lon


def build(users: dict) -> None:
    namen = list(Sozialraum.objects.order_by("position", "name").values_list("name", flat=True))
    if not namen:
        return
    geo.grenzen_importieren(
        data=grenzdatei(namen),
        crs=25832,
        namensfeld="STADTTEIL",
        user=users.get("koordination"),
    )
    grenzen = dict(Sozialraum.objects.filter(grenze__isnull=False).values_list("pk", "grenze"))
    rng = random.Random(1616)
    for organisation in Organisation.objects.filter(sozialraum__in=grenzen).order_by("pk"):
        breite, laenge = _punkt_in(grenzen[organisation.sozialraum_id], rng)
        organisation.breite = geo.koordinate_lesen(f"{breite:.6f}", "breite")
        organisation.laenge = geo.koordinate_lesen(f"{laenge:.6f}", "laenge")
        organisation.save(update_fields=["breite", "laenge"])
