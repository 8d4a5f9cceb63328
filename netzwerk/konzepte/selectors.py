"""Reading concepts: which concepts a person sees (netzwerk.read_konzept as a query), a concept's
chapters numbered (those removed from the draft apart), and the measures' tree with progress
rolled up to goals and focal points."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from ..rules import is_approved, is_koordination
from ..sortierung import deutsch
from ..sozialmonitoring.selectors import neueste_werte
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


def kapitel_liste(konzept: Konzept, *, ohne_text: bool = False) -> list[Kapitel]:
    """The chapters in order, each with `nummer` (its place, from 1) and `ueberschrift` (its
    title without a typed number), in one query. `ohne_text`: without the texts (a third of the
    concept page's reading, which its cached chapters do not need; netzwerk.konzepte.views reads
    them, and the comments, for the chapters it draws)."""
    kapitel = konzept.kapitel.select_related("updated_by")
    if ohne_text:
        kapitel = kapitel.defer("text")
    liste = list(kapitel)
    for nummer, k in enumerate(liste, start=1):
        k.nummer, k.ueberschrift = nummer, ohne_nummer(k.title)
    return liste


def kommentare_kurz(kapitel) -> dict[int, tuple]:
    """Per chapter (pk) what its comments show, as plain tuples in one query: enough for the key
    of a cached chapter (netzwerk.konzepte.views), without an object per comment and author."""
    je: dict[int, list] = {k.pk: [] for k in kapitel}
    for kapitel_id, *felder in Kommentar.objects.filter(kapitel__in=list(je)).values_list(
        "kapitel_id", "pk", "text", "author__first_name", "author__last_name", "created_at",
        "status", "answer",
    ):  # fmt: skip
        je[kapitel_id].append(tuple(felder))
    return {pk: tuple(liste) for pk, liste in je.items()}


def kommentare_je_kapitel(kapitel_pks) -> dict[int, list[Kommentar]]:
    """The comments of these chapters with what a chapter shows of them, in one query."""
    je: dict[int, list[Kommentar]] = {pk: [] for pk in kapitel_pks}
    for c in Kommentar.objects.filter(kapitel__in=list(je)).select_related("author").only(
        "kapitel_id", "text", "created_at", "status", "answer",
        "author__first_name", "author__last_name",
    ):  # fmt: skip
        je[c.kapitel_id].append(c)
    return je


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


@dataclass(frozen=True)
class Bezirk:
    """A district a measure targets, with the latest figures of its need indicators."""

    name: str
    kennzahlen: list


def massnahmen_baum(konzept, *, kennzahlen: bool = True) -> list[Knoten]:
    """Focal points → goals → measures in six queries, whatever the size; each measure with
    `zustaendige`, the names of its responsible organisations in German order, and `bezirke`,
    the districts it targets with their need indicators (netzwerk.sozialmonitoring; without
    `kennzahlen`, for a viewer who may not read them, the districts alone).

    Grouped here, not by nested prefetch_related: that clones and filters a queryset for every
    goal and every measure, which was 57 of the measures page's 94 ms at 200 measures and 0.4 s
    of the county report (bench/konzept.py)."""
    ziele_von, massnahmen_von, zustaendige = defaultdict(list), defaultdict(list), defaultdict(list)
    for ziel in Ziel.objects.filter(schwerpunkt__konzept=konzept):
        ziele_von[ziel.schwerpunkt_id].append(ziel)
    for massnahme in Massnahme.objects.filter(ziel__schwerpunkt__konzept=konzept).select_related(
        "forum"
    ):
        massnahmen_von[massnahme.ziel_id].append(massnahme)
    zustaendig = Massnahme.organisationen.through.objects.filter(
        massnahme__ziel__schwerpunkt__konzept=konzept
    )
    for massnahme_id, name in zustaendig.order_by(deutsch("organisation__name")).values_list(
        "massnahme_id", "organisation__name"
    ):
        zustaendige[massnahme_id].append(name)
    # The districts a measure targets, each with its need indicators' latest figures.
    bezirke = defaultdict(list)
    ziel_raeume = Massnahme.sozialraeume.through.objects.filter(
        massnahme__ziel__schwerpunkt__konzept=konzept
    ).order_by("sozialraum__position", deutsch("sozialraum__name"))
    paare = list(ziel_raeume.values_list("massnahme_id", "sozialraum_id", "sozialraum__name"))
    zahlen = neueste_werte({pk for _, pk, _ in paare}) if paare and kennzahlen else {}
    for massnahme_id, sozialraum_id, name in paare:
        bezirke[massnahme_id].append(Bezirk(name, zahlen.get(sozialraum_id, [])))
    baum = []
    for schwerpunkt in Handlungsschwerpunkt.objects.filter(konzept=konzept):
        knoten = Knoten(schwerpunkt)
        alle = []
        for ziel in ziele_von[schwerpunkt.pk]:
            massnahmen = massnahmen_von[ziel.pk]
            for massnahme in massnahmen:
                massnahme.zustaendige = zustaendige[massnahme.pk]
                massnahme.bezirke = bezirke[massnahme.pk]
            zaehlend = [
                m.progress for m in massnahmen if m.status != Massnahme.Status.ZURUECKGESTELLT
            ]
            alle += zaehlend
            knoten.kinder.append(Knoten(ziel, massnahmen, _mean(zaehlend), len(massnahmen)))
        knoten.progress, knoten.anzahl = _mean(alle), sum(k.anzahl for k in knoten.kinder)
        baum.append(knoten)
    return baum
