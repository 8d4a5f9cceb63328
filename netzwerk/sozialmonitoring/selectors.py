"""The indicators as the pages read them: every figure of one indicator as a table of districts
by year, in two queries; suppressed figures stay without a value."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Q, Subquery

from ..models import Sozialraum
from .models import Indikator, IndikatorWert


@dataclass
class Zelle:
    wert: Decimal | None
    unterdrueckt: bool = False


@dataclass
class Verlaufszeile:
    sozialraum: Sozialraum
    zellen: list[Zelle | None]  # one per year of Tabelle.jahre; None: no figure imported


@dataclass
class Tabelle:
    jahre: list[int]
    zeilen: list[Verlaufszeile]
    stellen: int = 0  # decimals the figures have (at most 2): 8,7 and 9,0 alike, not 8,70 and 9


def indikatoren_liste():
    """Every indicator with its latest year and how many districts have a figure in it."""
    return Indikator.objects.select_related("lebensphase").annotate(
        bis=Max("werte__jahr"),
        bezirke=Count("werte__sozialraum", distinct=True, filter=Q(werte__unterdrueckt=False)),
    )


def verlauf(indikator: Indikator) -> Tabelle:
    return verlaeufe([indikator])[indikator.pk]


def verlaeufe(indikatoren, werte=None) -> dict[int, Tabelle]:
    """Each indicator's figures as a table of districts by year, all in two queries: the
    districts (the active ones, and inactive ones that have figures) and every figure. `werte`:
    the figures as (indikator, sozialraum, jahr, wert, unterdrueckt), when already read (of these
    indicators or more); then the districts alone are read."""
    je: dict[int, dict[tuple[int, int], Zelle]] = {i.pk: {} for i in indikatoren}
    if werte is None:
        werte = IndikatorWert.objects.filter(indikator__in=list(je)).values_list(
            "indikator", "sozialraum", "jahr", "wert", "unterdrueckt"
        )
    for indikator, sozialraum, jahr, wert, unterdrueckt in werte:
        if indikator in je:
            je[indikator][sozialraum, jahr] = Zelle(None if unterdrueckt else wert, unterdrueckt)
    raeume = list(Sozialraum.objects.only("pk", "name", "active"))  # not the boundaries
    tabellen = {}
    for pk, zellen in je.items():
        jahre = sorted({j for _, j in zellen})
        mit_werten = {s for s, _ in zellen}
        stellen = max(
            (
                min(2, -z.wert.normalize().as_tuple().exponent)
                for z in zellen.values()
                if z.wert is not None and z.wert.normalize().as_tuple().exponent < 0
            ),
            default=0,
        )
        zeilen = [
            Verlaufszeile(s, [zellen.get((s.pk, j)) for j in jahre])
            for s in raeume
            if s.active or s.pk in mit_werten
        ]
        tabellen[pk] = Tabelle(jahre, zeilen, stellen)
    return tabellen


@dataclass(frozen=True)
class Kennzahl:
    """An indicator's latest figure in one district (None when it was suppressed)."""

    name: str
    slug: str
    einheit: str
    jahr: int
    wert: Decimal | None
    unterdrueckt: bool


def neueste(sozialraeume=None):
    """Per indicator and district the row of its latest imported year (the page of need and
    offers, akteure.bedarf, and the measures page read this). A suppressed latest year stays
    suppressed: an older figure would pass an old year off as the current picture."""
    neuestes = (
        IndikatorWert.objects.filter(
            indikator=OuterRef("indikator"), sozialraum=OuterRef("sozialraum")
        )
        .order_by("-jahr")
        .values("jahr")[:1]
    )
    werte = IndikatorWert.objects.filter(jahr=Subquery(neuestes))
    return werte if sozialraeume is None else werte.filter(sozialraum__in=sozialraeume)


def neueste_werte(sozialraeume, *, art: str | None = Indikator.Art.BEDARF) -> dict[int, list]:
    """Per district (pk) of `sozialraeume` (pks or a queryset of them), each indicator's figure of
    its latest imported year, in the indicators' order; one query."""
    werte = neueste(sozialraeume)
    if art is not None:
        werte = werte.filter(indikator__art=art)
    je: dict[int, list[Kennzahl]] = {}
    for w in werte.select_related("indikator").order_by(
        "indikator__position", "indikator__name", "indikator"
    ):
        je.setdefault(w.sozialraum_id, []).append(
            Kennzahl(
                w.indikator.name,
                w.indikator.slug,
                w.indikator.einheit,
                w.jahr,
                None if w.unterdrueckt else w.wert,
                w.unterdrueckt,
            )
        )
    return je
