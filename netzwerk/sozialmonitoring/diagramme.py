"""The trend of an indicator as a small line chart, an inline SVG drawn by the server: one thin
line per district, the median of the districts bold. The figures stand in the table beside it,
so the picture says in its title what it shows and leaves the numbers to the table."""

from statistics import median

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .selectors import Tabelle, verlaeufe

BREITE, HOEHE, RAND = 480, 200, 36


def verlauf_svg(
    tabelle: Tabelle, *, titel: str, einheit: str, schrift: str = "inherit", kennung="verlauf"
) -> SafeString | str:
    """ "" while fewer than two years have figures: a line needs two points."""
    jahre = tabelle.jahre
    if len(jahre) < 2:
        return ""
    werte = [
        [None if z is None or z.wert is None else float(z.wert) for z in zeile.zellen]
        for zeile in tabelle.zeilen
    ]
    alle = [w for reihe in werte for w in reihe if w is not None]
    if not alle:
        return ""
    unten, oben = min(0.0, min(alle)), max(alle) or 1.0

    def x(i: int) -> float:
        return RAND + i * (BREITE - 2 * RAND) / (len(jahre) - 1)

    def y(w: float) -> float:
        return HOEHE - RAND - (w - unten) * (HOEHE - 2 * RAND) / ((oben - unten) or 1)

    def linie(reihe: list[float | None]) -> str:
        return " ".join(f"{x(i):.1f},{y(w):.1f}" for i, w in enumerate(reihe) if w is not None)

    mitte = []
    for i in range(len(jahre)):
        spalte = [reihe[i] for reihe in werte if reihe[i] is not None]
        mitte.append(median(spalte) if spalte else None)
    bezirke = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="#9aa5b1" stroke-width="1"/>',
        ((linie(reihe),) for reihe in werte if sum(w is not None for w in reihe) > 1),
    )
    achsen = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>',
        ((f"{x(i):.1f}", HOEHE - RAND + 18, j) for i, j in enumerate(jahre)),
    )
    skala = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>',
        ((RAND - 6, f"{y(w) + 4:.1f}", _zahl(w)) for w in (unten, oben)),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="verlauf" viewBox="0 0 {b} {h}" '
        'width="{b}" height="{h}" font-family="{schrift}" role="img" '
        'aria-labelledby="{k}-t"><title id="{k}-t">{titel}</title>'
        '<line x1="{r}" y1="{u}" x2="{rr}" y2="{u}" stroke="#495057"/>'
        "{bezirke}"
        '<polyline points="{mitte}" fill="none" stroke="#0b3d91" stroke-width="3"/>'
        "{achsen}{skala}</svg>",
        b=BREITE,
        h=HOEHE,
        schrift=schrift,
        k=kennung,  # the title's id: one per chart on a page
        titel=_(
            "Verlauf %(titel)s (%(einheit)s), %(von)s bis %(bis)s: dünne Linien je Sozialraum, "
            "dick der Median. Die Zahlen stehen in der Tabelle."
        )
        % {"titel": titel, "einheit": einheit, "von": jahre[0], "bis": jahre[-1]},
        r=RAND,
        rr=BREITE - RAND,
        u=HOEHE - RAND,
        bezirke=bezirke,
        mitte=linie(mitte),
        achsen=achsen,
        skala=skala,
    )


def _zahl(w: float) -> str:
    return f"{w:.1f}".replace(".", ",").removesuffix(",0")


def verlaeufe_gezeichnet(indikatoren, *, schrift: str = "inherit", werte=None) -> list[dict]:
    """Each indicator with its figures (selectors.verlaeufe, two queries for all, one when
    `werte` were read already) and its chart ("" while fewer than two years have figures): the
    page of need and offers and the status report show the same."""
    tabellen = verlaeufe(indikatoren, werte)
    return [
        {
            "indikator": i,
            "tabelle": tabellen[i.pk],
            "diagramm": verlauf_svg(
                tabellen[i.pk],
                titel=i.name,
                einheit=i.einheit,
                schrift=schrift,
                kennung=f"verlauf-{i.pk}",
            ),
        }
        for i in indikatoren
    ]
