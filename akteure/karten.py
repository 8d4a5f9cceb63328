"""District maps as inline SVG, rendered by the server from the stored boundaries: no tiles, no
script, no outside requests. Every district is a link with its name and figure written on it
(never colour alone), and every map comes with the same figures as a table.

Rendered maps are cached under a key made of the boundaries' version (one small query, see
akteure.geo.grenzen_version) and the figures shown, so a changed boundary or count never shows
an old map, and the same map is drawn once.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.core.cache import cache
from django.db.models import Count, Q
from shapely.ops import polylabel

from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum

from . import selectors
from .geo import flaeche, grenzen_version
from .models import Angebot, Organisation

BREITE = 640  # viewBox width; the height follows the town's shape
RAND = 12
TTL = 24 * 3600
# Blues for counts (as the Präventionskette grid), reds for gaps; labels carry a white halo,
# so black text reaches 4.5:1 on every class.
BLAU = ("#f8f9fa", "#deebf7", "#9ecae1", "#4292c6", "#2171b5")
ROT = ("#f8f9fa", "#fee0d2", "#fcbba1", "#fb6a4a", "#cb181d")


@dataclass(frozen=True)
class Bezirk:
    pk: int
    d: str  # the SVG path
    x: float  # label position
    y: float


@dataclass(frozen=True)
class Zeile:
    sozialraum: Sozialraum
    wert: int
    text: str  # what the map writes under the name ("12 Angebote")
    auf_karte: bool


# --- Geometry layer: projected once per boundary version ------------------------------------------
def _sozialraeume(version) -> list[Sozialraum]:
    """Light Sozialraum objects from the version query (no boundary loaded), in order."""
    return [
        Sozialraum(pk=pk, slug=slug, name=name, position=position, active=active)
        for pk, slug, name, position, active, _ in version
    ]


def _schluessel(*teile) -> str:
    return hashlib.sha256(repr(teile).encode()).hexdigest()[:32]


def _ebene(version) -> dict:
    key = f"akteure:karten:ebene:{_schluessel(version)}"
    ebene = cache.get(key)
    if ebene is None:
        ebene = _ebene_berechnen([pk for pk, *_, active, v in version if v and active])
        cache.set(key, ebene, TTL)
    return ebene


def _merc(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator without the earth's radius: angles stay true, enough for a town."""
    return math.radians(lon), -math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _ebene_berechnen(pks: list[int]) -> dict:
    grenzen = dict(Sozialraum.objects.filter(pk__in=pks).values_list("pk", "grenze"))
    geometrien = {pk: g for pk in pks if (g := flaeche(grenzen.get(pk))) is not None}
    if not geometrien:
        return {"breite": BREITE, "hoehe": BREITE // 2, "bezirke": {}}
    minx, miny, maxx, maxy = _bounds(geometrien.values())
    x0, y1 = _merc(minx, miny)
    x1, y0 = _merc(maxx, maxy)
    massstab = (BREITE - 2 * RAND) / max(x1 - x0, 1e-12)
    hoehe = round((y1 - y0) * massstab + 2 * RAND)

    def punkt(lon: float, lat: float) -> str:
        x, y = _merc(lon, lat)
        return f"{(x - x0) * massstab + RAND:.1f} {(y - y0) * massstab + RAND:.1f}"

    bezirke = {}
    for pk, geometrie in geometrien.items():
        teile = list(getattr(geometrie, "geoms", [geometrie]))
        d = " ".join(
            "M" + " L".join(punkt(*c[:2]) for c in ring.coords[:-1]) + " Z"
            for polygon in teile
            for ring in (polygon.exterior, *polygon.interiors)
        )
        groesste = max(teile, key=lambda p: p.area)
        mitte = polylabel(groesste, tolerance=groesste.length / 200 or 1e-6)
        lx, ly = (float(v) for v in punkt(mitte.x, mitte.y).split())
        bezirke[pk] = Bezirk(pk=pk, d=d, x=lx, y=ly)
    return {"breite": BREITE, "hoehe": hoehe, "bezirke": bezirke}


def _bounds(geometrien) -> tuple[float, float, float, float]:
    boxes = [g.bounds for g in geometrien]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


# --- Rendering ------------------------------------------------------------------------------------
def _stufe(wert: int, niedrigster: int, hoechster: int) -> int:
    """0 for none, else 1-4 spread between the smallest and the largest figure shown, so that
    17 and 30 gaps look different, not both "many"."""
    if wert <= 0:
        return 0
    return 1 + (4 * (wert - niedrigster)) // (hoechster - niedrigster + 1)


def _svg(
    *,
    ebene: dict,
    zeilen: list[Zeile],
    links: dict[int, str],
    gewaehlt: int | None,
    titel: str,
    beschreibung: str,
    farben: tuple[str, ...],
    kennung: str,
) -> str:
    breite, hoehe = ebene["breite"], ebene["hoehe"]
    positiv = [z.wert for z in zeilen if z.wert > 0 and z.sozialraum.pk in ebene["bezirke"]]
    niedrigster, hoechster = min(positiv, default=1), max(positiv, default=1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {breite} {hoehe}" width="100%" '
        f'class="karte-svg" role="group" aria-labelledby="{kennung}-titel {kennung}-beschr" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="13">',
        f'<title id="{kennung}-titel">{escape(titel)}</title>',
        f'<desc id="{kennung}-beschr">{escape(beschreibung)}</desc>',
    ]
    beschriftungen = []
    for zeile in zeilen:
        bezirk = ebene["bezirke"].get(zeile.sozialraum.pk)
        if bezirk is None:
            continue
        name, pk = zeile.sozialraum.name, zeile.sozialraum.pk
        fill = farben[_stufe(zeile.wert, niedrigster, hoechster)]
        aktuell = pk == gewaehlt
        label = f"{name}: {zeile.text}" + (" (gewählt)" if aktuell else "")
        out.append(
            f"<a href={quoteattr(links[pk])} aria-label={quoteattr(label)}"
            + (' aria-current="true"' if aktuell else "")
            + f"><title>{escape(label)}</title>"
            f'<path d="{bezirk.d}" fill="{fill}" fill-rule="evenodd" stroke="#212529" '
            f'stroke-width="{3 if aktuell else 1}" stroke-linejoin="round"/></a>'
        )
        # Labels above all districts, so no neighbour covers them; not links themselves.
        halo = 'stroke="#ffffff" stroke-width="3.5" paint-order="stroke" stroke-linejoin="round"'
        beschriftungen.append(
            f'<text x="{bezirk.x:.1f}" y="{bezirk.y - 2:.1f}" text-anchor="middle" '
            f'font-weight="bold" fill="#000000" {halo} aria-hidden="true" '
            f'pointer-events="none">{escape(name)}</text>'
            f'<text x="{bezirk.x:.1f}" y="{bezirk.y + 14:.1f}" text-anchor="middle" '
            f'fill="#000000" {halo} aria-hidden="true" pointer-events="none">'
            f"{escape(zeile.text)}</text>"
        )
    out.extend(beschriftungen)
    out.append("</svg>")
    return "\n".join(out)


def _karte(
    *,
    art: str,
    version,
    zeilen: list[Zeile],
    gewaehlt: int | None,
    link: Callable[[Sozialraum], str],
    titel: str,
    beschreibung: str,
    farben: tuple[str, ...],
) -> str:
    links = {z.sozialraum.pk: link(z.sozialraum) for z in zeilen if z.auf_karte}
    figures = [(z.sozialraum.pk, z.wert, z.text) for z in zeilen]
    key = f"akteure:karten:{art}:" + _schluessel(version, figures, gewaehlt, links, titel)
    svg = cache.get(key)
    if svg is None:
        svg = _svg(
            ebene=_ebene(version),
            zeilen=[z for z in zeilen if z.auf_karte],
            links=links,
            gewaehlt=gewaehlt,
            titel=titel,
            beschreibung=beschreibung,
            farben=farben,
            kennung=f"karte-{art}",
        )
        cache.set(key, svg, TTL)
    return svg


def _angebote_text(n: int) -> str:
    return "1 Angebot" if n == 1 else f"{n} Angebote"


def karten_tabelle(anzahl: dict[int, int], version=None) -> list[Zeile]:
    """Every active Sozialraum with its offer count, in the map's order: the map as a table."""
    version = grenzen_version() if version is None else version
    return [
        Zeile(
            sozialraum=s,
            wert=anzahl.get(s.pk, 0),
            text=_angebote_text(anzahl.get(s.pk, 0)),
            auf_karte=bool(v),
        )
        for s, (*_, v) in zip(_sozialraeume(version), version, strict=True)
        if s.active
    ]


def wegweiser_karte(
    anzahl: dict[int, int], gewaehlt: int | None, link: Callable[[Sozialraum], str]
) -> str:
    """The guide's map: every district with a boundary as a link (link(sozialraum)), coloured
    and labelled by its number of offers (anzahl: Sozialraum pk -> count). One query when the
    map is cached, two when it is drawn."""
    version = grenzen_version()
    return _karte(
        art="wegweiser",
        version=version,
        zeilen=karten_tabelle(anzahl, version),
        gewaehlt=gewaehlt,
        link=link,
        titel="Karte der Sozialräume",
        beschreibung="Jeder Sozialraum ist ein Link und zeigt die Zahl der passenden Angebote. "
        "Dieselben Zahlen stehen in der Tabelle.",
        farben=BLAU,
    )


# --- The Präventionskette's gaps per Sozialraum -----------------------------------------------
@dataclass(frozen=True)
class Luecken:
    sozialraum: Sozialraum
    angebote: int
    abgedeckt: int  # cells (Lebensphase x Handlungsfeld) with at least one current offer
    zellen: int
    phasen_ohne: list[str]  # life phases without any current offer
    auf_karte: bool

    @property
    def luecken(self) -> int:
        return self.zellen - self.abgedeckt


def luecken_je_sozialraum(*, user, zellen=None) -> list[Luecken]:
    """For every active Sozialraum: its current offers, covered and empty cells of the
    Präventionskette and the life phases without any offer. Five queries, whatever the data;
    four with `zellen`, the cells the Präventionskette counted
    (akteure.selectors.praeventionskette_zellen)."""
    version = grenzen_version()
    phasen = list(Lebensphase.objects.order_by("position", "name").values_list("pk", "name"))
    n_felder = Handlungsfeld.objects.count()
    qs = Angebot.objects.visible_to(user).current().filter(sozialraum__isnull=False)
    if zellen is None:
        zellen = selectors.praeventionskette_zellen(user=user)
    belegte: dict[int, set] = {}
    for sr, phase, feld, *_n in zellen:
        if sr is not None:
            belegte.setdefault(sr, set()).add((phase, feld))
    angebote = dict(
        qs.values("sozialraum").annotate(n=Count("id")).order_by().values_list("sozialraum", "n")
    )
    rows = []
    for s, (*_, v) in zip(_sozialraeume(version), version, strict=True):
        if not s.active:
            continue
        belegt = belegte.get(s.pk, set())
        mit_phase = {phase for phase, _ in belegt}
        rows.append(
            Luecken(
                sozialraum=s,
                angebote=angebote.get(s.pk, 0),
                abgedeckt=sum(1 for _, feld in belegt if feld is not None),
                zellen=len(phasen) * n_felder,
                phasen_ohne=[name for pk, name in phasen if pk not in mit_phase],
                auf_karte=bool(v),
            )
        )
    return rows


def luecken_karte(
    rows: list[Luecken], gewaehlt: int | None, link: Callable[[Sozialraum], str]
) -> str:
    """The gap map: darker red, more empty cells of the Präventionskette in that district."""
    version = grenzen_version()
    zeilen = [
        Zeile(
            sozialraum=r.sozialraum,
            wert=r.luecken,
            text=f"{r.luecken} von {r.zellen} Lücken" if r.zellen else "keine Felder",
            auf_karte=r.auf_karte,
        )
        for r in rows
    ]
    return _karte(
        art="luecken",
        version=version,
        zeilen=zeilen,
        gewaehlt=gewaehlt,
        link=link,
        titel="Lücken der Präventionskette je Sozialraum",
        beschreibung="Je dunkler ein Sozialraum, desto mehr Felder aus Lebensphase und "
        "Handlungsfeld haben dort kein aktuelles Angebot. Dieselben Zahlen stehen in der Tabelle.",
        farben=ROT,
    )


# --- The coordinators' overview -------------------------------------------------------------------
@dataclass(frozen=True)
class Uebersicht:
    sozialraum: Sozialraum
    organisationen: int
    mit_koordinaten: int
    angebote: int
    auf_karte: bool


def uebersicht() -> list[Uebersicht]:
    """Organisations (with coordinates) and offers per Sozialraum, for the coordinators' page."""
    version = grenzen_version()
    orgs = {
        row["sozialraum"]: row
        for row in Organisation.objects.values("sozialraum")
        .annotate(n=Count("id"), k=Count("id", filter=_mit_koordinaten()))
        .order_by()
    }
    angebote = dict(
        Angebot.objects.values("sozialraum")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("sozialraum", "n")
    )
    return [
        Uebersicht(
            sozialraum=s,
            organisationen=orgs.get(s.pk, {}).get("n", 0),
            mit_koordinaten=orgs.get(s.pk, {}).get("k", 0),
            angebote=angebote.get(s.pk, 0),
            auf_karte=bool(v),
        )
        for s, (*_, v) in zip(_sozialraeume(version), version, strict=True)
    ]


def _mit_koordinaten() -> Q:
    return Q(breite__isnull=False, laenge__isnull=False)


def uebersicht_karte(rows: list[Uebersicht], link: Callable[[Sozialraum], str]) -> str:
    version = grenzen_version()
    zeilen = [
        Zeile(
            sozialraum=r.sozialraum,
            wert=r.organisationen,
            text=f"{r.organisationen} Organisation" + ("" if r.organisationen == 1 else "en"),
            auf_karte=r.auf_karte and r.sozialraum.active,
        )
        for r in rows
    ]
    return _karte(
        art="uebersicht",
        version=version,
        zeilen=zeilen,
        gewaehlt=None,
        link=link,
        titel="Organisationen je Sozialraum",
        beschreibung="Jeder Sozialraum ist ein Link zur Liste seiner Organisationen. "
        "Dieselben Zahlen stehen in der Tabelle.",
        farben=BLAU,
    )
