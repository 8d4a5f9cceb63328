"""Reading concepts: which concepts a person sees (netzwerk.read_konzept as a query), a concept's
chapters numbered (those removed from the draft apart), and the measures' tree with progress
rolled up to goals and focal points."""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from ..rules import is_approved, is_koordination
from .models import Handlungsschwerpunkt, Kapitel, Kommentar, Konzept, Massnahme, Ziel

# "1. ", "2.3 ", "4) ", "IV. " (not "2030 ", nor "3.000 Familien": a section number has parts of
# one or two digits) at the start of a typed title: the portal numbers the chapters itself.
_NUMMER = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.|\d{1,2}(?:\.\d{1,2})+|\d{1,2}\)|[IVX]+\.)\s+")


def ohne_nummer(title: str) -> str:
    """A chapter title without the number someone typed in front of it ("1. Ausgangslage" ->
    "Ausgangslage"): the page puts the chapter's place in front, and both made "1. 1. ..."."""
    rest = _NUMMER.sub("", title, count=1).strip()
    return rest or title.strip()


def konzepte_fuer(user) -> QuerySet[Konzept]:
    """The concepts `user` may read (see rules.py): the coordination all; approved accounts those
    past the draft and the drafts they co-author; everybody else the decided ones. Archived ones
    included: the list shows them apart."""
    konzepte = Konzept.objects.all()
    if is_koordination(user):
        return konzepte
    if is_approved(user):
        mitwirkend = Konzept.mitwirkende.through.objects.filter(
            konzept=OuterRef("pk"), user=user.pk
        )
        return konzepte.filter(~Q(status=Konzept.Status.ENTWURF) | Exists(mitwirkend))
    return konzepte.filter(status=Konzept.Status.BESCHLOSSEN)


def konzept_liste(user) -> tuple[list[Konzept], list[Konzept]]:
    """The concepts `user` sees with their number of chapters: (current ones, archived ones)."""
    konzepte = (
        konzepte_fuer(user)
        .select_related("gremium")
        .annotate(n_kapitel=Count("kapitel", filter=Q(kapitel__entfernt_am__isnull=True)))
        .order_by("title", "pk")
    )
    if user.is_authenticated:
        mitwirkend = Konzept.mitwirkende.through.objects.filter(
            konzept=OuterRef("pk"), user=user.pk
        )
        konzepte = konzepte.annotate(mitwirkend=Exists(mitwirkend))
    aktuell, archiv = [], []
    for konzept in konzepte:
        (archiv if konzept.archived_at else aktuell).append(konzept)
    archiv.sort(key=lambda k: k.archived_at, reverse=True)
    return aktuell, archiv


def kapitel_liste(konzept: Konzept, *, kommentare: bool = False) -> list[Kapitel]:
    """The chapters in order, each with `nummer` (its place, from 1) and `ueberschrift` (its
    title without a typed number); with `kommentare` their comments too. Three queries at most."""
    kapitel = konzept.kapitel.select_related("updated_by")
    if kommentare:
        kommentar_qs = Kommentar.objects.select_related("author", "answered_by")
        kapitel = kapitel.prefetch_related(Prefetch("kommentare", queryset=kommentar_qs))
    liste = list(kapitel)
    for nummer, k in enumerate(liste, start=1):
        k.nummer, k.ueberschrift = nummer, ohne_nummer(k.title)
    return liste


def entfernte_kapitel(konzept: Konzept) -> list[Kapitel]:
    """The chapters removed from the draft (services.kapitel_delete), last removed first, each
    with `ueberschrift`, for the outline page: nowhere else shows them."""
    liste = list(
        Kapitel.alle.filter(konzept=konzept, entfernt_am__isnull=False).order_by(
            "-entfernt_am", "-pk"
        )
    )
    for k in liste:
        k.ueberschrift = ohne_nummer(k.title)
    return liste


def _mean(values: list[int]) -> int | None:
    return round(sum(values) / len(values)) if values else None


@dataclass
class Knoten:
    """A goal or focal point with its progress: the mean of its measures' progress, measures put
    back (zurückgestellt) left out; None while it has none."""

    objekt: object
    kinder: list = field(default_factory=list)
    progress: int | None = None
    anzahl: int = 0


def massnahmen_baum(konzept) -> list[Knoten]:
    """Focal points → goals → measures in three queries, whatever the size."""
    massnahmen = Massnahme.objects.select_related("forum").prefetch_related("organisationen")
    ziele = Ziel.objects.prefetch_related(Prefetch("massnahmen", queryset=massnahmen))
    baum = []
    for schwerpunkt in Handlungsschwerpunkt.objects.filter(konzept=konzept).prefetch_related(
        Prefetch("ziele", queryset=ziele)
    ):
        knoten = Knoten(schwerpunkt)
        alle = []
        for ziel in schwerpunkt.ziele.all():
            zaehlend = [
                m.progress
                for m in ziel.massnahmen.all()
                if m.status != Massnahme.Status.ZURUECKGESTELLT
            ]
            alle += zaehlend
            knoten.kinder.append(
                Knoten(
                    ziel, list(ziel.massnahmen.all()), _mean(zaehlend), len(ziel.massnahmen.all())
                )
            )
        knoten.progress, knoten.anzahl = _mean(alle), sum(k.anzahl for k in knoten.kinder)
        baum.append(knoten)
    return baum
