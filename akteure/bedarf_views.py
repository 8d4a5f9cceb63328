"""Need beside offers per Sozialraum (issue 19, part 2): one page, read by every approved
account, with the table (sorted on the server by the links in its head) and the map."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from netzwerk.access import require_perm
from netzwerk.fragmente import fragmente
from netzwerk.sozialmonitoring.diagramme import verlaeufe_gezeichnet

from . import bedarf


@require_perm("akteure.read_bedarf")
def bedarf_view(request: HttpRequest) -> HttpResponse:
    # The content is the same for every reader who sees the same offers: a fragment cached under
    # the digest of all it shows (bedarf.Eingaben), drawn only when one of them has changed.
    eingaben = bedarf.eingaben(user=request.user)
    sortierung = eingaben.sortierung(request.GET.get("sortierung"))
    kette = reverse("akteure:praeventionskette")
    context = {
        "sortierung": sortierung,
        "mindestzahl": settings.SOZIALMONITORING_MINDESTZAHL,
        "kette": kette,
    }

    def zeichnen(contexts: list[dict]) -> None:
        for c in contexts:
            c.update(_inhalt(request.user, eingaben, sortierung, kette))

    [inhalt] = fragmente(
        request,
        "akteure/_bedarf_inhalt.html",
        [(context, (eingaben.schluessel(), tuple(context.items())))],
        vorbereiten=zeichnen,
    )
    return render(request, "akteure/bedarf.html", {"inhalt": inhalt})


def _inhalt(user, eingaben: bedarf.Eingaben, sortierung: str | None, kette: str) -> dict:
    daten = bedarf.bedarf_je_sozialraum(user=user, eingaben=eingaben)
    tabelle = bedarf.tabelle(daten, sortierung)
    return {
        "bedarf": daten,
        "tabelle": tabelle,
        "kopf": _kopf(tabelle),
        "karte": bedarf.bedarf_karte(daten, link=lambda s: f"{kette}?sozialraum={s.slug}"),
        "ohne_grenze": [z for z in daten.zeilen if not z.auf_karte] if daten.auf_karte else [],
        # Each need indicator's trend over the imported years: a small chart, its figures beside.
        "trends": verlaeufe_gezeichnet(daten.indikatoren, werte=eingaben.werte),
    }


def _kopf(tabelle: bedarf.Tabelle) -> list[dict]:
    """Per column what its head needs: the sort link (the other direction when it is the sorted
    column, else ascending), aria-sort on the sorted one alone, and for the first column of a
    life phase the phase's name and width (the upper head row)."""
    kopf, gesehen = [], set()
    for spalte in tabelle.spalten:
        aktuell = spalte.key == tabelle.sortierung
        k = {
            "spalte": spalte,
            "sortierung": spalte.key if not aktuell or tabelle.absteigend else f"-{spalte.key}",
            "aria_sort": ("descending" if tabelle.absteigend else "ascending") if aktuell else "",
        }
        if spalte.gruppe is not None and spalte.gruppe not in gesehen:
            gesehen.add(spalte.gruppe)
            k["erste"] = True
            k["gruppe"], k["colspan"] = tabelle.gruppen[spalte.gruppe]
        kopf.append(k)
    return kopf
