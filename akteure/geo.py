"""Sozialraum boundaries from GeoJSON, and the district a point lies in.

Towns publish their districts as GeoJSON, often in ETRS89 / UTM (EPSG:25832, metres) rather than
WGS84. A coordinator uploads the file, confirms its reference system and the property that holds
the district's name, sees which features match which Sozialraum, and imports: every boundary is
repaired, simplified and stored in EPSG:4326 in one transaction, or nothing is. Afterwards every
organisation with coordinates but no Sozialraum gets the one its point lies in.
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

import shapely
from django.core.cache import cache
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import MD5, Cast
from pyproj import Transformer
from shapely.geometry import mapping, shape

from netzwerk.models import Sozialraum
from netzwerk.text import norm_name as _norm  # the import's name matching
from netzwerk.text import unique_slug

from .models import Organisation
from .stand import stand_erneuern

MAX_BYTES = 20_000_000
# Simplification keeps the shape at the scale of a town map and drops survey-grade vertices.
TOLERANZ_M = 5.0
METER_JE_GRAD = 111_320.0
# Reference systems a German town publishes boundaries in (UTM 33 for the eastern Länder).
CRS = {
    4326: "WGS 84 (EPSG:4326, Längen- und Breitengrad)",
    25832: "ETRS89 / UTM Zone 32N (EPSG:25832, Meter)",
    25833: "ETRS89 / UTM Zone 33N (EPSG:25833, Meter)",
}
CRS84 = ("crs84", "ogc:1.3:crs84", "ogc::crs84")
NAMENSFELDER = ("name", "sozialraum", "stadtteil", "quartier", "bezirk", "stadtbezirk", "bez")
DATEI_TTL = 3600


class GeoFehler(Exception):
    """The boundary file cannot be imported; the message is for the coordinator, in German."""


@dataclass
class Grenzdatei:
    """A read, structurally checked FeatureCollection; nothing is stored yet."""

    features: list[dict]
    crs: int | None  # what the file says or its coordinates suggest; None: unknown
    crs_quelle: str  # how crs was found, for the preview
    eigenschaften: list[str]  # property names that hold text, for the name choice
    namensfeld: str | None  # the guessed name property


@dataclass
class Treffer:
    name: str
    sozialraum: Sozialraum | None  # None: no Sozialraum of this name (new or skipped)
    geometrie: object  # shapely geometry in EPSG:4326, repaired and simplified
    punkte: int  # vertices in the file

    @property
    def punkte_vereinfacht(self) -> int:
        return int(shapely.get_num_coordinates(self.geometrie))


@dataclass
class Vorschau:
    treffer: list[Treffer]
    ohne_grenze: list[Sozialraum]  # existing districts this file has no boundary for
    ohne_name: int = 0

    @property
    def zugeordnet(self) -> list[Treffer]:
        return [t for t in self.treffer if t.sozialraum is not None]

    @property
    def neu(self) -> list[Treffer]:
        return [t for t in self.treffer if t.sozialraum is None]


@dataclass
class Ergebnis:
    aktualisiert: list[str] = field(default_factory=list)
    angelegt: list[str] = field(default_factory=list)
    uebersprungen: list[str] = field(default_factory=list)
    organisationen: int = 0


# --- Coordinates of organisations ----------------------------------------------------------------
GRENZEN = {"breite": (90, "Breitengrad"), "laenge": (180, "Längengrad")}
SECHS_STELLEN = Decimal("0.000001")


def koordinate_lesen(text: str, art: str) -> Decimal | None:
    """A latitude (art "breite") or longitude ("laenge") as people write it: German decimal
    comma or a dot, at most six decimals kept (~0.1 m). ValueError with a German message."""
    text = str(text).strip().replace(" ", "")
    if not text:
        return None
    grenze, label = GRENZEN[art]
    if text.count(",") + text.count(".") > 1:
        raise ValueError(f"„{text}“ ist kein {label}: bitte nur ein Dezimalkomma, z. B. 51,5134.")
    try:
        wert = Decimal(text.replace(",", "."))
    except ArithmeticError:
        raise ValueError(f"„{text}“ ist kein {label}: bitte eine Zahl, z. B. 51,5134.") from None
    if not wert.is_finite() or not -grenze <= wert <= grenze:
        raise ValueError(f"Der {label} muss zwischen -{grenze} und {grenze} liegen.")
    return wert.quantize(SECHS_STELLEN)


# --- Reading ----------------------------------------------------------------------------------
def grenzen_lesen(data: bytes) -> Grenzdatei:
    """Parse and check the file's structure: a FeatureCollection with polygon features."""
    if not data:
        raise GeoFehler("Die Datei ist leer.")
    if len(data) > MAX_BYTES:
        raise GeoFehler(f"Die Datei ist zu groß (höchstens {MAX_BYTES // 1_000_000} MB).")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise GeoFehler(
            "Die Datei ist kein GeoJSON: sie lässt sich nicht als JSON lesen. Bitte exportieren "
            "Sie die Sozialräume aus dem GIS als „GeoJSON“."
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise GeoFehler(
            "Die Datei ist keine GeoJSON-FeatureCollection (erwartet: "
            '"type": "FeatureCollection" mit einer Liste "features").'
        )
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise GeoFehler("Die FeatureCollection enthält keine Features.")
    flaechen = [
        f
        for f in features
        if isinstance(f, dict)
        and isinstance(f.get("geometry"), dict)
        and f["geometry"].get("type") in ("Polygon", "MultiPolygon")
    ]
    if not flaechen:
        raise GeoFehler(
            "Die Datei enthält keine Flächen (Polygon oder MultiPolygon). Punkte und Linien "
            "können keine Sozialraum-Grenzen sein."
        )
    for nummer, feature in enumerate(flaechen, start=1):
        _koordinaten_pruefen(feature["geometry"], nummer)
    crs, quelle = _crs_aus_datei(doc)
    if crs is None:
        crs, quelle = _crs_schaetzen(flaechen), "geschätzt aus den Koordinaten"
    namen = _eigenschaften(flaechen)
    return Grenzdatei(
        features=flaechen,
        crs=crs,
        crs_quelle=quelle if crs else "unbekannt",
        eigenschaften=namen,
        namensfeld=_namensfeld_raten(namen),
    )


def _koordinaten_pruefen(geometrie: dict, nummer: int) -> None:
    """Every position a pair of finite numbers, every ring closed-able (at least 4 positions)."""
    polygone = geometrie.get("coordinates")
    if geometrie["type"] == "Polygon":
        polygone = [polygone]
    try:
        for polygon in polygone:
            for ring in polygon:
                if len(ring) < 4:
                    raise ValueError
                for punkt in ring:
                    x, y = float(punkt[0]), float(punkt[1])
                    if not (math.isfinite(x) and math.isfinite(y)):
                        raise ValueError
                    if isinstance(punkt[0], bool) or isinstance(punkt[1], bool):
                        raise ValueError
    except (TypeError, ValueError, IndexError, KeyError) as exc:
        raise GeoFehler(
            f"Feature {nummer}: die Koordinaten sind ungültig (jede Fläche braucht Ringe aus "
            f"mindestens vier Punkten mit je zwei Zahlen)."
        ) from exc


def _crs_aus_datei(doc: dict) -> tuple[int | None, str]:
    """The legacy GeoJSON "crs" member (RFC 7946 dropped it; GIS exports still write it)."""
    member = doc.get("crs")
    if not member:
        return None, ""
    name = str((member.get("properties") or {}).get("name", "")) if isinstance(member, dict) else ""
    kurz = name.lower().replace("urn:ogc:def:crs:", "")
    if kurz.endswith(CRS84):
        return 4326, f"Angabe in der Datei: {name}"
    code = kurz.rsplit(":", 1)[-1]
    if code.isdigit() and int(code) in CRS:
        return int(code), f"Angabe in der Datei: {name}"
    raise GeoFehler(
        f"Das Koordinatensystem der Datei („{name or member}“) wird nicht unterstützt. Bitte "
        f"exportieren Sie die Grenzen in EPSG:4326 oder EPSG:25832."
    )


def _positionen(geometrie: dict):
    polygone = geometrie["coordinates"]
    if geometrie["type"] == "Polygon":
        polygone = [polygone]
    for polygon in polygone:
        for ring in polygon:
            for punkt in ring:
                yield float(punkt[0]), float(punkt[1])


def _crs_schaetzen(features: list[dict]) -> int | None:
    xs, ys = zip(*(p for f in features for p in _positionen(f["geometry"])), strict=True)
    if all(abs(x) <= 180 for x in xs) and all(abs(y) <= 90 for y in ys):
        return 4326
    if _passt_zu_utm(xs, ys):
        return 25832  # the western Länder; the coordinator may choose zone 33 instead
    return None


def _passt_zu_utm(xs, ys) -> bool:
    # Eastings of a UTM zone lie around 500 km; German northings between 5.2 and 6.1 Mm.
    return all(100_000 <= x <= 900_000 for x in xs) and all(5_000_000 <= y <= 6_300_000 for y in ys)


def _eigenschaften(features: list[dict]) -> list[str]:
    namen: dict[str, None] = {}
    for feature in features:
        for key, value in (feature.get("properties") or {}).items():
            if isinstance(value, str | int) and not isinstance(value, bool):
                namen.setdefault(str(key))
    return list(namen)


def _namensfeld_raten(namen: list[str]) -> str | None:
    by_norm = {_norm(n): n for n in namen}
    for candidate in NAMENSFELDER:
        if candidate in by_norm:
            return by_norm[candidate]
    return next((n for n in namen if "name" in n.lower()), namen[0] if namen else None)


# --- Geometry ---------------------------------------------------------------------------------
def _geometrie(feature: dict, crs: int, nummer: int):
    """The feature in EPSG:4326: checked against its reference system, repaired, simplified."""
    xs, ys = zip(*_positionen(feature["geometry"]), strict=True)
    if crs == 4326:
        if not (all(abs(x) <= 180 for x in xs) and all(abs(y) <= 90 for y in ys)):
            raise GeoFehler(
                f"Feature {nummer}: die Koordinaten passen nicht zu EPSG:4326 (Werte über 180 "
                f"bzw. 90 Grad). Vermutlich ist die Datei in Metern, z. B. EPSG:25832."
            )
    elif not _passt_zu_utm(xs, ys):
        raise GeoFehler(
            f"Feature {nummer}: die Koordinaten passen nicht zu EPSG:{crs} (dort sind es Meter, "
            f"etwa 390000, 5710000). Vermutlich ist die Datei in Grad, also EPSG:4326."
        )
    geometrie = shapely.make_valid(shape(feature["geometry"]))
    geometrie = _nur_flaechen(geometrie)
    if crs == 4326:
        geometrie = geometrie.simplify(TOLERANZ_M / METER_JE_GRAD, preserve_topology=True)
    else:
        geometrie = geometrie.simplify(TOLERANZ_M, preserve_topology=True)
        nach_wgs84 = Transformer.from_crs(crs, 4326, always_xy=True)
        geometrie = shapely.transform(geometrie, nach_wgs84.transform, interleaved=False)
    geometrie = _nur_flaechen(shapely.make_valid(geometrie))
    if geometrie.is_empty:
        raise GeoFehler(f"Feature {nummer}: die Fläche ist leer oder hat keine Ausdehnung.")
    return shapely.set_precision(geometrie, 1e-6)  # ~0.1 m: enough for a map, smaller to store


def _nur_flaechen(geometrie):
    """make_valid may return lines or points beside the polygons (a ring touching itself)."""
    teile = [g for g in getattr(geometrie, "geoms", [geometrie]) if g.geom_type.endswith("Polygon")]
    return shapely.unary_union(teile) if teile else shapely.Polygon()


def vorschau(datei: Grenzdatei, *, crs: int, namensfeld: str) -> Vorschau:
    """Which feature matches which Sozialraum (by name, as the importer matches names)."""
    if crs not in CRS:
        raise GeoFehler("Bitte wählen Sie das Koordinatensystem der Datei.")
    if namensfeld not in datei.eigenschaften:
        raise GeoFehler("Bitte wählen Sie die Eigenschaft, die den Namen des Sozialraums enthält.")
    vorhanden = {_norm(s.name): s for s in Sozialraum.objects.all()}
    gruppen: dict[str, list] = {}
    anzeigename: dict[str, str] = {}
    punkte: dict[str, int] = {}
    ohne_name = 0
    for nummer, feature in enumerate(datei.features, start=1):
        name = str((feature.get("properties") or {}).get(namensfeld) or "").strip()
        if not _norm(name):
            ohne_name += 1
            continue
        key = _norm(name)
        gruppen.setdefault(key, []).append(_geometrie(feature, crs, nummer))
        anzeigename.setdefault(key, name[:120])
        punkte[key] = punkte.get(key, 0) + sum(1 for _ in _positionen(feature["geometry"]))
    if not gruppen:
        raise GeoFehler(f"Kein Feature hat einen Namen in der Eigenschaft „{namensfeld}“.")
    treffer = [
        Treffer(
            name=anzeigename[key],
            sozialraum=vorhanden.get(key),
            geometrie=shapely.unary_union(teile) if len(teile) > 1 else teile[0],
            punkte=punkte[key],
        )
        for key, teile in gruppen.items()
    ]
    ohne_grenze = [s for key, s in vorhanden.items() if key not in gruppen]
    return Vorschau(treffer=treffer, ohne_grenze=ohne_grenze, ohne_name=ohne_name)


@transaction.atomic
def grenzen_importieren(
    *, data: bytes, crs: int, namensfeld: str, neue_anlegen: bool = False, user=None
) -> Ergebnis:
    """Store the boundaries of every matched (and, if chosen, every new) Sozialraum, then give
    organisations without a Sozialraum the one their coordinates lie in. One transaction: a file
    that fails anywhere changes nothing."""
    result = vorschau(grenzen_lesen(data), crs=crs, namensfeld=namensfeld)
    ergebnis = Ergebnis()
    for treffer in result.treffer:
        grenze = mapping(treffer.geometrie)
        if treffer.sozialraum is not None:
            treffer.sozialraum.grenze = grenze
            treffer.sozialraum.save(update_fields=["grenze"])
            ergebnis.aktualisiert.append(treffer.sozialraum.name)
        elif neue_anlegen:
            Sozialraum.objects.create(
                name=treffer.name,
                slug=unique_slug(Sozialraum, treffer.name, "sozialraum", cut=110),
                position=Sozialraum.objects.count(),
                grenze=grenze,
            )
            ergebnis.angelegt.append(treffer.name)
        else:
            ergebnis.uebersprungen.append(treffer.name)
    ergebnis.organisationen = organisationen_zuordnen(user=user)
    return ergebnis


# --- The uploaded file between preview and confirmation -----------------------------------------
def datei_merken(data: bytes, *, user_id: int) -> str:
    """Keep the upload for the confirmation step (the cache, not the database: it is a draft)."""
    token = secrets.token_urlsafe(16)
    cache.set(f"akteure:grenzen:{user_id}:{token}", data, timeout=DATEI_TTL)
    return token


def datei_holen(token: str, *, user_id: int) -> bytes | None:
    return cache.get(f"akteure:grenzen:{user_id}:{token}")


# --- Point in polygon ---------------------------------------------------------------------------
def grenzen_version() -> tuple[tuple, ...]:
    """(pk, slug, name, position, active, md5 of the boundary) of every Sozialraum: one small
    query that changes whenever a boundary, name or order does, so caches never serve an old map.
    """
    return tuple(
        Sozialraum.objects.order_by("position", "name")
        .annotate(v=MD5(Cast("grenze", TextField())))
        .values_list("pk", "slug", "name", "position", "active", "v")
    )


def flaeche(grenze: dict | None):
    """The stored boundary as a shapely geometry; None when empty or unreadable (a boundary
    edited by hand in the back office), so one bad row never breaks a map."""
    if not grenze:
        return None
    try:
        geometrie = shape(grenze)
    except (
        AttributeError,
        IndexError,
        KeyError,
        TypeError,
        ValueError,
        shapely.errors.ShapelyError,
    ):
        return None
    return None if geometrie.is_empty or geometrie.area == 0 else geometrie


_ZUORDNER: dict = {}


class Zuordner:
    """The prepared boundaries of every Sozialraum, for many point lookups."""

    def __init__(self, flaechen: list[tuple[int, object]]):
        self.flaechen = flaechen
        for _, geometrie in flaechen:
            shapely.prepare(geometrie)

    def finde(self, breite, laenge) -> int | None:
        """The pk of the Sozialraum the point lies in (or on the border of); None: none."""
        if breite is None or laenge is None:
            return None
        x, y = float(laenge), float(breite)
        for pk, geometrie in self.flaechen:
            if shapely.intersects_xy(geometrie, x, y):
                return pk
        return None

    def finde_alle(self, punkte: list[tuple[float, float]]) -> list[int | None]:
        """Vectorised over the points: 2,000 organisations against 40 districts in milliseconds."""
        if not punkte:
            return []
        ys, xs = zip(*punkte, strict=True)
        treffer: list[int | None] = [None] * len(punkte)
        for pk, geometrie in self.flaechen:
            for i, drin in enumerate(shapely.intersects_xy(geometrie, xs, ys)):
                if drin and treffer[i] is None:
                    treffer[i] = pk
        return treffer


def zuordner() -> Zuordner:
    """Cached per process, keyed by the boundaries' version (one query per call)."""
    version = grenzen_version()
    if version not in _ZUORDNER:
        _ZUORDNER.clear()
        grenzen = Sozialraum.objects.filter(grenze__isnull=False, active=True).order_by(
            "position", "name"
        )
        flaechen = [(s.pk, flaeche(s.grenze)) for s in grenzen]
        _ZUORDNER[version] = Zuordner([(pk, g) for pk, g in flaechen if g is not None])
    return _ZUORDNER[version]


def sozialraum_fuer_punkt(breite: Decimal | float | None, laenge: Decimal | float | None):
    pk = zuordner().finde(breite, laenge)
    return Sozialraum.objects.get(pk=pk) if pk else None


def organisation_zuordnen(organisation: Organisation) -> bool:
    """Give the organisation the Sozialraum its coordinates lie in, if it has none yet.
    Never overrides a Sozialraum someone chose. Returns whether it set one (not saved)."""
    if organisation.sozialraum_id or organisation.breite is None or organisation.laenge is None:
        return False
    pk = zuordner().finde(organisation.breite, organisation.laenge)
    if pk is None:
        return False
    organisation.sozialraum_id = pk
    return True


def organisationen_zuordnen(*, user=None) -> int:
    """Every organisation with coordinates and no Sozialraum: the one its point lies in."""
    offen = list(
        Organisation.objects.filter(
            sozialraum__isnull=True, breite__isnull=False, laenge__isnull=False
        )
    )
    treffer = zuordner().finde_alle([(float(o.breite), float(o.laenge)) for o in offen])
    je_bezirk: dict[int, list[int]] = {}
    geaendert = []
    for organisation, pk in zip(offen, treffer, strict=True):
        if pk is not None:
            organisation.sozialraum_id = pk
            geaendert.append(organisation)
            je_bezirk.setdefault(pk, []).append(organisation.pk)
    # One UPDATE per district (bulk_update's CASE over 2,000 rows takes seconds), then the
    # history rows, so every assignment is attributable like any other change.
    for pk, ids in je_bezirk.items():
        Organisation.objects.filter(pk__in=ids, sozialraum__isnull=True).update(sozialraum_id=pk)
    if je_bezirk:
        stand_erneuern()  # queryset updates send no signals
    if geaendert:
        Organisation.history.bulk_history_create(
            geaendert,
            default_user=user,
            default_change_reason="Sozialraum aus den Koordinaten (Grenzen-Import)",
            batch_size=500,
        )
    return len(geaendert)
