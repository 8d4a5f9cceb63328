"""Need beside offers per Sozialraum (issue 19, part 2): the current offers of every life phase
against the children of that phase, the need indicators of the statistics office, and a simple
rank of where need is high and offers are few, as a table and as a map.

The rank is meant to be checked by hand, so it uses nothing but shares of districts:
- per need indicator, a district's percentile rank is the share of the *other* districts with
  less need (a tie counts half), 0 to 100; the indicator's direction says whether a higher value
  is more need or less;
- its need score is the mean of those ranks, its scarcity the percentile rank of its offers per
  1,000 children (fewer offers, more scarce), its priority the mean of the two;
- Rang 1 is the highest priority; equal priorities share a rank.
A missing or suppressed value is left out: of the district's mean and of the others' shares.
Fractions keep the arithmetic exact, so ties are ties and the test's hand-computed figures match.

Five queries whatever the data: the districts (akteure.geo.grenzen_version), the life phases,
the indicators, the latest value per indicator and district, and the counts of offers.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import Count, Value
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from netzwerk.models import Indikator, IndikatorWert, Lebensphase, Sozialraum
from netzwerk.sortierung import sortierschluessel
from netzwerk.sozialmonitoring.selectors import neueste

from . import karten
from .geo import grenzen_version
from .models import Angebot
from .stand import rolle, stand

TAUSEND = 1000


@dataclass(frozen=True)
class Wert:
    """The latest figure of one indicator in one district; no row at all: jahr is None."""

    wert: Decimal | None = None
    jahr: int | None = None
    unterdrueckt: bool = False

    @property
    def zahl(self) -> Decimal | None:
        """The value if it may be used: never a suppressed one."""
        return None if self.unterdrueckt else self.wert


KEIN_WERT = Wert()


@dataclass(frozen=True)
class Phase:
    """A life phase and the population indicator that counts its children (None: none)."""

    pk: int
    slug: str
    name: str
    bevoelkerung: Indikator | None


@dataclass(frozen=True)
class PhasenZahlen:
    angebote: int
    kinder: Wert  # KEIN_WERT without a population indicator or a figure
    je_1000: Decimal | None  # None without a usable population (missing, suppressed or 0)


@dataclass
class Zeile:
    sozialraum: Sozialraum
    auf_karte: bool
    angebote: int  # current offers in the district, each once
    phasen: list[PhasenZahlen]  # in the order of Bedarf.phasen
    indikatoren: list[Wert]  # the need indicators, in the order of Bedarf.indikatoren
    je_1000: Decimal | None = None  # all phases with a population together
    perzentile: list[Fraction | None] = field(default_factory=list)  # per need indicator
    bedarf: Fraction | None = None  # need score, 0-100
    knappheit: Fraction | None = None  # scarcity of offers, 0-100
    prioritaet: Fraction | None = None
    rang: int | None = None


@dataclass
class Bedarf:
    phasen: list[Phase]
    indikatoren: list[Indikator]  # art=bedarf
    zeilen: list[Zeile]  # every active Sozialraum, in the map's order
    version: tuple  # akteure.geo.grenzen_version(), for the map

    @property
    def auf_karte(self) -> bool:
        return any(z.auf_karte for z in self.zeilen)


# --- Reading -------------------------------------------------------------------------------------
def neueste_werte(werte=None) -> dict[tuple[int, int], Wert]:
    """(indikator pk, sozialraum pk) -> its value of the latest year with a row, in one query
    (netzwerk.sozialmonitoring.selectors.neueste); from `werte` (Eingaben.werte, every figure
    in order of indicator, district and year) without one."""
    if werte is None:
        werte = (
            neueste()
            .order_by()
            .values_list("indikator", "sozialraum", "jahr", "wert", "unterdrueckt")
        )
    # One row per pair from the query; from `werte`, in year order, the latest is the one left.
    return {(i, s): Wert(wert=None if u else w, jahr=j, unterdrueckt=u) for i, s, j, w, u in werte}


def _angebotszahlen(user) -> tuple[dict[tuple[int, int], int], dict[int, int]]:
    """The current offers `user` may see (Angebot.objects.visible_to): per (Sozialraum, life
    phase), and per Sozialraum each once; both counts in one query (a UNION)."""
    qs = _aktuelle(user)
    je_phase = (
        qs.values("sozialraum", "lebensphasen")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("sozialraum", "lebensphasen", "n")
    )
    je_raum = (
        qs.values("sozialraum")
        .annotate(phase=Value(_JEDES_EINMAL), n=Count("id"))
        .order_by()
        .values_list("sozialraum", "phase", "n")
    )
    zahlen: dict[tuple[int, int], int] = {}
    angebote: dict[int, int] = {}
    for sr, phase, n in je_phase.union(je_raum, all=True):
        if phase == _JEDES_EINMAL:
            angebote[sr] = n
        elif phase is not None:  # an offer without a life phase counts in no phase
            zahlen[sr, phase] = n
    return zahlen, angebote


_JEDES_EINMAL = -1  # no life phase has this pk


@dataclass(frozen=True)
class Eingaben:
    """What the page of need and offers shows, in five small queries: the districts, the life
    phases, the indicators, every figure (the trends show all years), and for the offers the
    registry's data version (akteure.stand, renewed on every write of an offer, its phases or
    district), the reader's kind (akteure.stand.rolle), the age at which an offer stops being
    current, and the number of current offers the reader may see. Their digest keys the page's
    cached fragment (netzwerk.fragmente), so a new figure, name, boundary or offer draws it anew
    and nothing here needs renewing. Between two writes the current offers can only shrink, as
    offers age past the limit, so their number tells those sets apart; counting them per
    district and phase, which drawing needs, costs twice as much and is left to a miss."""

    version: tuple
    lebensphasen: tuple[tuple[int, str, str], ...]
    indikatoren: tuple[tuple, ...]  # every field of every indicator
    werte: tuple[tuple, ...]  # (indikator, sozialraum, jahr, wert, unterdrueckt), in order
    # akteure.stand, whom the offers differ for, the age at which an offer is no longer current,
    # and the number of current offers the reader sees
    angebote: tuple[str, str, int, int]

    def schluessel(self) -> tuple:
        return (self.version, self.lebensphasen, self.indikatoren, self.werte, self.angebote)

    def sortierung(self, wunsch: str | None) -> str | None:
        """`wunsch` if it may name a column of the table (tabelle() decides), else None: the
        cache holds one page per column and direction, not one per address typed."""
        key = (wunsch or "").strip()
        phasen = [slug for _pk, slug, _name in self.lebensphasen]
        erlaubt = {
            *("rang", "name", "prioritaet", "bedarf", "knappheit", "je-1000", "angebote"),
            *(f"{teil}-{slug}" for slug in phasen for teil in ("angebote", "kinder", "je-1000")),
            *(slug for slug, art in self._slug_art() if art == Indikator.Art.BEDARF),
        }
        return key if key.removeprefix("-") in erlaubt else None

    def _slug_art(self):
        felder = [f.attname for f in Indikator._meta.concrete_fields]
        slug, art = felder.index("slug"), felder.index("art")
        return [(row[slug], row[art]) for row in self.indikatoren]


def eingaben(*, user) -> Eingaben:
    felder = [f.attname for f in Indikator._meta.concrete_fields]
    return Eingaben(
        version=grenzen_version(),
        lebensphasen=_lebensphasen(),
        indikatoren=tuple(Indikator.objects.order_by("pk").values_list(*felder)),
        werte=tuple(
            IndikatorWert.objects.order_by("indikator", "sozialraum", "jahr").values_list(
                "indikator", "sozialraum", "jahr", "wert", "unterdrueckt"
            )
        ),
        angebote=(
            stand(),
            rolle(user),
            settings.ANGEBOT_STALE_AFTER_DAYS,
            _aktuelle(user).count(),
        ),
    )


def _aktuelle(user):
    return Angebot.objects.visible_to(user).current().filter(sozialraum__isnull=False)


def _lebensphasen() -> tuple[tuple[int, str, str], ...]:
    return tuple(Lebensphase.objects.order_by("position", "name").values_list("pk", "slug", "name"))


def bedarf_je_sozialraum(*, user, eingaben: Eingaben | None = None) -> Bedarf:
    """Every active Sozialraum with its offers per life phase (as Angebot.objects.visible_to
    shows them to `user`, current only), the children of each phase, offers per 1,000 children,
    the latest value of every need indicator and the rank (see the module's docstring). With
    `eingaben` their districts and life phases are used."""
    if eingaben is None:
        version, lebensphasen = grenzen_version(), _lebensphasen()
    else:
        version, lebensphasen = eingaben.version, eingaben.lebensphasen
    je_phase, angebote = _angebotszahlen(user)
    alle = list(
        Indikator.objects.only(
            "pk", "slug", "name", "einheit", "quelle", "art", "richtung", "lebensphase"
        )
    )
    bevoelkerung: dict[int, Indikator] = {}
    for ind in alle:  # the first by position, when two count the same phase
        if ind.art == Indikator.Art.BEVOELKERUNG and ind.lebensphase_id:
            bevoelkerung.setdefault(ind.lebensphase_id, ind)
    phasen = [Phase(pk, slug, name, bevoelkerung.get(pk)) for pk, slug, name in lebensphasen]
    indikatoren = [ind for ind in alle if ind.art == Indikator.Art.BEDARF]
    werte = neueste_werte(None if eingaben is None else eingaben.werte)

    zeilen = []
    for s, (*_r, grenze) in zip(karten._sozialraeume(version), version, strict=True):
        if not s.active:
            continue
        zahlen = []
        summe_angebote, summe_kinder = 0, Decimal(0)
        for phase in phasen:
            n = je_phase.get((s.pk, phase.pk), 0)
            kinder = (
                werte.get((phase.bevoelkerung.pk, s.pk), KEIN_WERT)
                if phase.bevoelkerung
                else KEIN_WERT
            )
            je_1000 = None
            if kinder.zahl:  # neither missing, suppressed nor 0
                je_1000 = Decimal(n * TAUSEND) / kinder.zahl
                summe_angebote += n
                summe_kinder += kinder.zahl
            zahlen.append(PhasenZahlen(angebote=n, kinder=kinder, je_1000=je_1000))
        zeilen.append(
            Zeile(
                sozialraum=s,
                auf_karte=bool(grenze),
                angebote=angebote.get(s.pk, 0),
                phasen=zahlen,
                indikatoren=[werte.get((ind.pk, s.pk), KEIN_WERT) for ind in indikatoren],
                je_1000=Decimal(summe_angebote * TAUSEND) / summe_kinder if summe_kinder else None,
            )
        )
    _rang(zeilen, indikatoren)
    return Bedarf(phasen=phasen, indikatoren=indikatoren, zeilen=zeilen, version=version)


# --- The rank ------------------------------------------------------------------------------------
def perzentilraenge(werte: dict[int, Decimal]) -> dict[int, Fraction]:
    """key -> the share (0-100) of the *other* keys with a smaller value, a tie counting half;
    50 for a single one. Only the keys given take part."""
    if len(werte) == 1:
        return {k: Fraction(50) for k in werte}
    sortiert = sorted(werte.values())
    andere = len(sortiert) - 1
    raenge = {}
    for k, v in werte.items():
        kleiner, bis = bisect_left(sortiert, v), bisect_right(sortiert, v)
        # the others below, and half of the others equal (itself not among them)
        raenge[k] = Fraction(100 * (2 * kleiner + (bis - kleiner) - 1), 2 * andere)
    return raenge


def _mittel(teile: list[Fraction | None]) -> Fraction | None:
    da = [t for t in teile if t is not None]
    return sum(da, Fraction(0)) / len(da) if da else None


def _rang(zeilen: list[Zeile], indikatoren: list[Indikator]) -> None:
    for i, ind in enumerate(indikatoren):
        # Need ascending: for "niedrig" a higher value is less need, so the sign turns.
        vorzeichen = 1 if ind.mehr_ist_bedarf else -1
        raenge = perzentilraenge(
            {
                z.sozialraum.pk: vorzeichen * z.indikatoren[i].zahl
                for z in zeilen
                if z.indikatoren[i].zahl is not None
            }
        )
        for z in zeilen:
            z.perzentile.append(raenge.get(z.sozialraum.pk))
    # Scarce: fewer offers per 1,000 children than the others.
    knappheit = perzentilraenge(
        {z.sozialraum.pk: -z.je_1000 for z in zeilen if z.je_1000 is not None}
    )
    for z in zeilen:
        z.bedarf = _mittel(z.perzentile)
        z.knappheit = knappheit.get(z.sozialraum.pk)
        z.prioritaet = _mittel([z.bedarf, z.knappheit])
    prioritaeten = [z.prioritaet for z in zeilen if z.prioritaet is not None]
    for z in zeilen:
        if z.prioritaet is not None:
            z.rang = 1 + sum(p > z.prioritaet for p in prioritaeten)


# --- The table: columns, cells and the order ----------------------------------------------------
@dataclass(frozen=True)
class Zelle:
    wert: Decimal | int | None  # None: no value ("–")
    stellen: int = 0  # decimals shown
    unterdrueckt: bool = False
    jahr: int | None = None  # shown beside the value when it is not the column's year


class Zellenschrift:
    """Writes a cell's content. Here rather than in the template: a page has some thousand
    cells, and the template's nodes and floatformat per cell cost more than the selector. The
    locale's separators are asked once per table, numbers rounded half up as floatformat does."""

    def __init__(self):
        self.zeichen = str.maketrans(
            {",": get_format("THOUSAND_SEPARATOR"), ".": get_format("DECIMAL_SEPARATOR")}
        )
        self.unterdrueckt = format_html(
            '<span class="fst-italic">{}</span><a href="#hinweis-unterdrueckt" '
            'class="ms-1 text-decoration-none"><sup aria-hidden="true">*</sup>'
            '<span class="visually-hidden">{}</span></a>',
            _("unterdrückt"),
            _("Erklärung"),
        )
        self.fehlt = format_html(
            '<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>',
            _("kein Wert"),
        )

    def __call__(self, z: Zelle) -> str:
        if z.unterdrueckt:
            inhalt = self.unterdrueckt
        elif z.wert is None:
            inhalt = self.fehlt
        else:
            zahl = Decimal(z.wert).quantize(Decimal(1).scaleb(-z.stellen), ROUND_HALF_UP)
            inhalt = mark_safe(f"{zahl:,f}".translate(self.zeichen))  # digits and separators
        if z.jahr:
            inhalt += format_html(' <small class="text-muted">({})</small>', z.jahr)
        return inhalt


@dataclass(frozen=True)
class Spalte:
    key: str  # the value of ?sortierung=
    label: str
    hinweis: str = ""  # unit, year: small under the label
    gruppe: int | None = None  # index into Tabelle.gruppen (the life phase), None: none
    wert: Callable[[Zeile], object] = lambda z: None  # for sorting; None sorts last
    zelle: Callable[[Zeile], Zelle] = lambda z: Zelle(None)


@dataclass
class Tabelle:
    spalten: list[Spalte]
    gruppen: list[tuple[str, int]]  # life phase name, its number of columns
    zeilen: list[tuple[Zeile, list[str]]]  # per row its cells' content, in column order
    sortierung: str  # the key the rows are in
    absteigend: bool


def _dezimal(v: Fraction | Decimal) -> Decimal:
    return Decimal(v.numerator) / Decimal(v.denominator) if isinstance(v, Fraction) else v


def _zahl(v: Fraction | Decimal | None, stellen: int = 1) -> Zelle:
    return Zelle(None if v is None else _dezimal(v), stellen)


def _indikatorzelle(w: Wert, jahr: int | None, stellen: int) -> Zelle:
    if w.unterdrueckt:
        return Zelle(None, unterdrueckt=True, jahr=w.jahr if w.jahr != jahr else None)
    return Zelle(
        w.wert,
        stellen,
        jahr=w.jahr if w.jahr is not None and w.jahr != jahr else None,
    )


def _jahr(werte: list[Wert]) -> int | None:
    """The year a column names in its head: the most frequent latest year (the latest of equals);
    a cell of another year shows its own."""
    jahre = Counter(w.jahr for w in werte if w.jahr is not None)
    return max(jahre, key=lambda j: (jahre[j], j)) if jahre else None


def _stellen(werte: list[Wert]) -> int:
    ganz = all(w.zahl is None or w.zahl == w.zahl.to_integral_value() for w in werte)
    return 0 if ganz else 1


def spalten(bedarf: Bedarf) -> tuple[list[Spalte], list[tuple[str, int]]]:
    """The table's columns: rank and name first (the template writes the name as the row's
    head), the figures of the rank, per life phase its offers (and children, offers per 1,000
    where a population indicator counts them), then the need indicators."""
    spalten = [
        Spalte("rang", _("Rang"), wert=lambda z: z.rang, zelle=lambda z: Zelle(z.rang)),
        Spalte(
            "name",
            _("Sozialraum"),
            wert=lambda z: sortierschluessel(z.sozialraum.name),
        ),
        Spalte(
            "prioritaet",
            _("Priorität"),
            "0–100",
            wert=lambda z: z.prioritaet,
            zelle=lambda z: _zahl(z.prioritaet),
        ),
        Spalte(
            "bedarf",
            _("Bedarfswert"),
            "0–100",
            wert=lambda z: z.bedarf,
            zelle=lambda z: _zahl(z.bedarf),
        ),
        Spalte(
            "knappheit",
            _("Knappheit der Angebote"),
            "0–100",
            wert=lambda z: z.knappheit,
            zelle=lambda z: _zahl(z.knappheit),
        ),
        Spalte(
            "je-1000",
            _("Angebote je 1.000 Kinder"),
            _("alle Lebensphasen mit Bevölkerungszahl"),
            wert=lambda z: z.je_1000,
            zelle=lambda z: _zahl(z.je_1000),
        ),
        Spalte(
            "angebote",
            _("Angebote"),
            _("jedes einmal"),
            wert=lambda z: z.angebote,
            zelle=lambda z: Zelle(z.angebote),
        ),
    ]
    gruppen = []
    for p, phase in enumerate(bedarf.phasen):
        spalten.append(
            Spalte(
                f"angebote-{phase.slug}",
                _("Angebote"),
                gruppe=len(gruppen),
                wert=lambda z, p=p: z.phasen[p].angebote,
                zelle=lambda z, p=p: Zelle(z.phasen[p].angebote),
            )
        )
        if phase.bevoelkerung:
            kinder = [z.phasen[p].kinder for z in bedarf.zeilen]
            jahr, stellen = _jahr(kinder), _stellen(kinder)
            spalten += [
                Spalte(
                    f"kinder-{phase.slug}",
                    _("Kinder"),
                    str(jahr or ""),
                    gruppe=len(gruppen),
                    wert=lambda z, p=p: z.phasen[p].kinder.zahl,
                    zelle=lambda z, p=p, j=jahr, f=stellen: _indikatorzelle(
                        z.phasen[p].kinder, j, f
                    ),
                ),
                Spalte(
                    f"je-1000-{phase.slug}",
                    _("je 1.000 Kinder"),
                    gruppe=len(gruppen),
                    wert=lambda z, p=p: z.phasen[p].je_1000,
                    zelle=lambda z, p=p: _zahl(z.phasen[p].je_1000),
                ),
            ]
        gruppen.append((phase.name, 3 if phase.bevoelkerung else 1))
    for i, ind in enumerate(bedarf.indikatoren):
        werte = [z.indikatoren[i] for z in bedarf.zeilen]
        jahr, stellen = _jahr(werte), _stellen(werte)
        spalten.append(
            Spalte(
                ind.slug,
                ind.name,
                ", ".join(t for t in (ind.einheit, str(jahr or "")) if t),
                wert=lambda z, i=i: z.indikatoren[i].zahl,
                zelle=lambda z, i=i, j=jahr, f=stellen: _indikatorzelle(z.indikatoren[i], j, f),
            )
        )
    return spalten, gruppen


def tabelle(bedarf: Bedarf, sortierung: str | None) -> Tabelle:
    """The table in the order asked for: ?sortierung=<key> ascending, -<key> descending; an
    unknown key gives the order by rank. Missing values come last either way."""
    alle, gruppen = spalten(bedarf)
    nach_key = {s.key: s for s in alle}
    key = (sortierung or "").strip()
    absteigend = key.startswith("-")
    key = key.removeprefix("-")
    if key not in nach_key:
        key, absteigend = "rang", False
    spalte = nach_key[key]
    # The map's order first, so equal values stay in it whatever the direction (sort is stable).
    mit = [z for z in bedarf.zeilen if spalte.wert(z) is not None]
    ohne = [z for z in bedarf.zeilen if spalte.wert(z) is None]
    mit.sort(key=spalte.wert, reverse=absteigend)
    schrift = Zellenschrift()
    zeilen = [(z, [schrift(s.zelle(z)) for s in alle]) for z in mit + ohne]
    return Tabelle(
        spalten=alle, gruppen=gruppen, zeilen=zeilen, sortierung=key, absteigend=absteigend
    )


# --- The map -------------------------------------------------------------------------------------
def _rang_text(z: Zeile) -> str:
    return _("Rang %(rang)d") % {"rang": z.rang} if z.rang else _("ohne Rang")


def _kartenzeilen(bedarf: Bedarf, *, alle: bool) -> list[karten.Zeile]:
    """Rank 1 gets the highest figure, so the darkest red; no rank: 0, the lightest."""
    gerankt = sum(1 for z in bedarf.zeilen if z.rang)
    return [
        karten.Zeile(
            sozialraum=z.sozialraum,
            wert=gerankt + 1 - z.rang if z.rang else 0,
            text=_rang_text(z),
            auf_karte=alle or z.auf_karte,
        )
        for z in bedarf.zeilen
    ]


def bedarf_karte(bedarf: Bedarf, link: Callable[[Sozialraum], str]) -> str:
    """The districts coloured by rank: the choropleth of akteure.karten where boundaries are
    imported, else a tile grid, one square per district in the table's order."""
    titel = _("Rang nach Bedarf und Angeboten je Sozialraum")
    beschreibung = _(
        "Je dunkler ein Sozialraum, desto höher sein Bedarf und desto weniger Angebote hat er "
        "je 1.000 Kinder; Rang 1 am dunkelsten. Jeder Sozialraum ist ein Link zu seiner "
        "Präventionskette. Dieselben Zahlen stehen in der Tabelle."
    )
    if bedarf.auf_karte:
        return karten._karte(
            art="bedarf",
            version=bedarf.version,
            zeilen=_kartenzeilen(bedarf, alle=False),
            gewaehlt=None,
            link=link,
            titel=titel,
            beschreibung=beschreibung,
            farben=karten.ROT,
        )
    return kachelkarte(
        _kartenzeilen(bedarf, alle=True), link=link, titel=titel, beschreibung=beschreibung
    )


KACHEL, LUECKE, SCHRIFT = 96, 6, 12


def kachelkarte(
    zeilen: list[karten.Zeile],
    *,
    link: Callable[[Sozialraum], str],
    titel: str,
    beschreibung: str,
    farben: tuple[str, ...] = karten.ROT,
) -> str:
    """A tile grid for a town without boundaries: one labelled square per district, as near a
    square grid as the number allows, coloured as the choropleth (karten._stufe)."""
    spalten = max(1, math.ceil(math.sqrt(len(zeilen))))
    reihen = max(1, math.ceil(len(zeilen) / spalten))
    breite = spalten * (KACHEL + LUECKE) + LUECKE
    hoehe = reihen * (KACHEL + LUECKE) + LUECKE
    positiv = [z.wert for z in zeilen if z.wert > 0]
    niedrigster, hoechster = min(positiv, default=1), max(positiv, default=1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {breite} {hoehe}" width="100%" '
        f'class="karte-svg kachelkarte" role="group" '
        f'aria-labelledby="karte-bedarf-titel karte-bedarf-beschr" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{SCHRIFT}">',
        f'<title id="karte-bedarf-titel">{escape(titel)}</title>',
        f'<desc id="karte-bedarf-beschr">{escape(beschreibung)}</desc>',
    ]
    beschriftungen = []
    for n, zeile in enumerate(zeilen):
        x = LUECKE + (n % spalten) * (KACHEL + LUECKE)
        y = LUECKE + (n // spalten) * (KACHEL + LUECKE)
        mitte = x + KACHEL / 2
        label = f"{zeile.sozialraum.name}: {zeile.text}"
        fill = farben[karten._stufe(zeile.wert, niedrigster, hoechster)]
        out.append(
            f"<a href={quoteattr(link(zeile.sozialraum))} aria-label={quoteattr(label)}>"
            f"<title>{escape(label)}</title>"
            f'<rect x="{x}" y="{y}" width="{KACHEL}" height="{KACHEL}" rx="4" fill="{fill}" '
            f'stroke="#212529" stroke-width="1"/></a>'
        )
        # Outside the links, as on the choropleth: a link would underline them.
        beschriftungen.append(
            _kacheltext(zeile.sozialraum.name, mitte, y + KACHEL / 2 - 4, fett=True)
            + _kacheltext(zeile.text, mitte, y + KACHEL / 2 + SCHRIFT + 2)
        )
    out.extend(beschriftungen)
    out.append("</svg>")
    return "\n".join(out)


def _kacheltext(text: str, x: float, y: float, *, fett: bool = False) -> str:
    # A long name is squeezed into the tile rather than cut: the whole name stays readable.
    schmal = len(text) * SCHRIFT * 0.6 > KACHEL - 8
    halo = 'stroke="#ffffff" stroke-width="3.5" paint-order="stroke" stroke-linejoin="round"'
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="#000000" {halo} '
        + ('font-weight="bold" ' if fett else "")
        + (f'textLength="{KACHEL - 8}" lengthAdjust="spacingAndGlyphs" ' if schmal else "")
        + f'aria-hidden="true" pointer-events="none">{escape(text)}</text>'
    )
