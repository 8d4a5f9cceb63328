"""Benchmark of the district maps (PostgreSQL): 40 Sozialräume, 2,000 organisations.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/karten.py

Builds a fresh database netzwerk_geo: imports 40 real-shaped boundaries (EPSG:25832, ~400
vertices each) through the service, places 2,000 organisations and assigns their Sozialraum by
point-in-polygon, then times the guide's map SVG: the first render (nothing cached), the cached
render, and a render with other counts (projected boundaries cached, labels new); with the local
memory cache, and with Redis when one answers at 127.0.0.1:6379 (keys of this run's own prefix,
two minutes). Target: first render < 200 ms.
"""

import json
import os
import random
import statistics
import time
import uuid

from _common import fresh_database, prepare

prepare("netzwerk_geo")

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyproj import Transformer  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "40"))
SPALTEN, ZEILEN, ZELLE = 8, 5, 1_500  # 40 districts of 1.5 km x 1.5 km
ORGS = 2_000


def grenzdatei(rng: random.Random) -> bytes:
    """A jittered grid, every edge with 100 vertices of survey noise, shared by both sides."""
    x0, y0 = 384_000, 5_716_000
    ecken = {
        (i, j): (
            x0 + j * ZELLE + (rng.uniform(-300, 300) if 0 < j < SPALTEN else 0),
            y0 - i * ZELLE + (rng.uniform(-300, 300) if 0 < i < ZEILEN else 0),
        )
        for i in range(ZEILEN + 1)
        for j in range(SPALTEN + 1)
    }
    kanten: dict = {}

    def kante(a, b):
        key = (min(a, b), max(a, b))
        if key not in kanten:
            (ax, ay), (bx, by) = ecken[key[0]], ecken[key[1]]
            kanten[key] = [
                (ax + (bx - ax) * t / 100 + rng.uniform(-2, 2), ay + (by - ay) * t / 100)
                for t in range(1, 100)
            ]
        innen = kanten[key]
        return [ecken[a], *(innen if key == (a, b) else innen[::-1])]

    features = []
    for i in range(ZEILEN):
        for j in range(SPALTEN):
            umlauf = [(i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j)]
            ring = [p for k, a in enumerate(umlauf) for p in kante(a, umlauf[(k + 1) % 4])]
            ring.append(ring[0])
            features.append(
                {
                    "type": "Feature",
                    "properties": {"NAME": f"Bezirk {i * SPALTEN + j + 1:02d}"},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": features,
    }
    return json.dumps(doc).encode()


def aufbauen() -> dict:
    from akteure import geo
    from akteure.models import Organisation, Organisationstyp
    from netzwerk.models import Sozialraum

    rng = random.Random(40)
    for n in range(1, 41):
        Sozialraum.objects.create(name=f"Bezirk {n:02d}", slug=f"bezirk-{n:02d}", position=n)
    typ = Organisationstyp.objects.create(name="Verein", slug="verein")
    data = grenzdatei(rng)
    datei = geo.grenzen_lesen(data)
    vertices = [p for f in datei.features for p in f["geometry"]["coordinates"][0]]
    # Organisations at random points of the town, without a Sozialraum: the import assigns it.
    nach_wgs84 = Transformer.from_crs(25832, 4326, always_xy=True)
    sued_west = nach_wgs84.transform(384_000, 5_716_000 - ZEILEN * ZELLE)
    nord_ost = nach_wgs84.transform(384_000 + SPALTEN * ZELLE, 5_716_000)
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {n}",
            slug=f"organisation-{n}",
            typ=typ,
            breite=round(rng.uniform(sued_west[1], nord_ost[1]), 6),
            laenge=round(rng.uniform(sued_west[0], nord_ost[0]), 6),
        )
        for n in range(ORGS)
    )
    start = time.perf_counter()
    ergebnis = geo.grenzen_importieren(data=data, crs=25832, namensfeld="NAME")
    import_ms = (time.perf_counter() - start) * 1000
    punkte = sum(len(ring) for s in Sozialraum.objects.all() for ring in s.grenze["coordinates"])
    return {
        "bytes": len(data),
        "vertices_in": len(vertices),
        "vertices_out": punkte,
        "import_ms": import_ms,
        "aktualisiert": len(ergebnis.aktualisiert),
        "zugeordnet": ergebnis.organisationen,
    }


def anzahl() -> dict[int, int]:
    from akteure.models import Organisation

    return dict(
        Organisation.objects.filter(sozialraum__isnull=False)
        .values("sozialraum")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("sozialraum", "n")
    )


def messen(name: str) -> None:
    from akteure import karten

    def link(s) -> str:
        return f"/wegweiser/?sozialraum={s.slug}"

    counts = anzahl()
    erste = []
    for lauf in range(10):
        with override_settings(CACHES=_caches(name, f"kalt-{lauf}")):
            start = time.perf_counter()
            svg = karten.wegweiser_karte(counts, None, link)
            erste.append((time.perf_counter() - start) * 1000)
    with override_settings(CACHES=_caches(name, "warm")):
        karten.wegweiser_karte(counts, None, link)
        with CaptureQueriesContext(connection) as captured:
            karten.wegweiser_karte(counts, None, link)
        warm = _zeiten(lambda: karten.wegweiser_karte(counts, None, link))
        andere = _zeiten(
            lambda: karten.wegweiser_karte(
                {k: v + random.randint(1, 10**6) for k, v in counts.items()}, None, link
            )
        )
    erste.sort()
    print(
        f"{name:7} first render (nothing cached): median {statistics.median(erste):6.1f} ms, "
        f"max {max(erste):6.1f} ms  | SVG {len(svg) / 1000:.0f} kB, {svg.count('<a ')} links"
    )
    print(
        f"{name:7} cached render:                 median {statistics.median(warm):6.2f} ms, "
        f"p95 {warm[int(len(warm) * 0.95) - 1]:6.2f} ms, {len(captured)} query"
    )
    print(
        f"{name:7} other counts (geometry cached): median {statistics.median(andere):6.1f} ms, "
        f"p95 {andere[int(len(andere) * 0.95) - 1]:6.1f} ms"
    )


def _caches(name: str, lauf: str) -> dict:
    if name == "locmem":
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"bench-{lauf}",
            }
        }
    # The shared Redis: a prefix of this run's own, and short-lived keys (karten.TTL below).
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"bench-karten-{RUN}-{lauf}",
        }
    }


def _zeiten(schritt) -> list[float]:
    zeiten = []
    for _ in range(N):
        start = time.perf_counter()
        schritt()
        zeiten.append((time.perf_counter() - start) * 1000)
    return sorted(zeiten)


def _redis_erreichbar() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - no Redis here: measure the local cache only
        return False


RUN = uuid.uuid4().hex[:8]

if __name__ == "__main__":
    from akteure import karten

    karten.TTL = 120  # nothing of the benchmark stays in a shared cache for long
    fresh_database()
    zahlen = aufbauen()
    print(
        f"import: 40 Sozialräume, {zahlen['bytes'] / 1000:.0f} kB GeoJSON in EPSG:25832, "
        f"{zahlen['vertices_in']:,} -> {zahlen['vertices_out']:,} vertices (5 m simplification), "
        f"{zahlen['aktualisiert']} matched, {zahlen['zugeordnet']:,} of {ORGS:,} organisations "
        f"assigned by point-in-polygon, {zahlen['import_ms']:.0f} ms in one transaction"
    )
    messen("locmem")
    if _redis_erreichbar():
        messen("redis")
