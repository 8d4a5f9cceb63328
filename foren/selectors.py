from datetime import datetime, timedelta

from django.db.models import (
    Count,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from netzwerk.datenstand import Datenstand
from netzwerk.models import User
from netzwerk.rules import is_approved, is_koordination
from netzwerk.selectors import anzahl_je
from netzwerk.sortierung import deutsch

from .models import (
    Abstimmung,
    Beitrag,
    Beitrittsanfrage,
    Dokument,
    Forum,
    Interessensbekundung,
    Kommentar,
    Mitgliedschaft,
    Stimme,
)

AKTIVITAET_TAGE = 90

# The version of the forums' data in the cache: part of the key of every cached fragment of the
# forum pages, renewed on every write (apps.py, services.stand_erneuern), so that no fragment
# outlives the rows it shows. Fragments that depend on the time as well (meetings ahead, the last 90
# days) are kept for STAND_ZEITNAH seconds at most.
STAND = Datenstand("foren:stand")
STAND_ZEITNAH = 60
STAND_DAUER = 3600


def fragment_key(*parts) -> str:
    """What a cached fragment of a forum page varies on (netzwerk.datenstand)."""
    return STAND.fragment_key(*parts)


def _count(queryset: QuerySet, column: str = "forum") -> Coalesce:
    """A correlated COUNT per forum (netzwerk.selectors.anzahl_je)."""
    return anzahl_je(queryset, column)


def _veranstaltungen():
    # Meetings live one floor up (konferenzen); the forum reaches them by their relation, without
    # importing that app.
    # Cancelled ones are no meetings of the forum (nor figures of a status report).
    return Forum._meta.get_field("veranstaltungen").related_model.objects.filter(
        cancelled_at__isnull=True
    )


def foren_visible_to(user) -> QuerySet[Forum]:
    """The forums this person may see: public ones, their own ones, all for coordinators."""
    qs = Forum.objects.select_related("handlungsfeld").annotate(
        member_count=_count(Mitgliedschaft.objects.all())
    )
    if is_koordination(user):
        return qs
    visible = Q(visibility=Forum.Sichtbarkeit.PUBLIC)
    if is_approved(user):
        visible |= Q(pk__in=Mitgliedschaft.objects.filter(user=user).values("forum"))
        visible |= Q(moderators=user)
    return qs.filter(visible).distinct()


def forum_overview(*, now=None) -> list[Forum]:
    """All forums for the coordination, with the figures that show whether one lives: members,
    moderators, last and next meeting, open needs, activity in the last 90 days, and confirmed
    interest nobody has followed up yet. Three queries, whatever the number of rows."""
    now = now or timezone.now()
    since = now - timedelta(days=AKTIVITAET_TAGE)
    foren = list(_overview_queryset(now=now, since=since))
    # Comments reach their forum through the entry: counted per entry inside each forum's row
    # they cost a scan each; one grouped query over the recent ones is ~20 times faster.
    kommentare = dict(
        Kommentar.objects.filter(created_at__gte=since, created_at__lt=now)
        .order_by()
        .values_list("beitrag__forum")
        .annotate(n=Count("*"))
    )
    for forum in foren:
        forum.neue_kommentare = kommentare.get(forum.pk, 0)
    return foren


def _overview_queryset(*, now, since) -> QuerySet[Forum]:
    meetings = _veranstaltungen().filter(forum=OuterRef("pk")).order_by().values("forum")
    return (
        Forum.objects.select_related("handlungsfeld")
        .prefetch_related(
            Prefetch("moderators", queryset=User.objects.order_by(deutsch("last_name")))
        )
        .annotate(
            member_count=_count(Mitgliedschaft.objects.all()),
            offene_bedarfe=_count(
                Beitrag.objects.filter(art=Beitrag.Art.BEDARF, status=Beitrag.Status.OFFEN)
            ),
            neue_beitraege=_count(Beitrag.objects.filter(created_at__gte=since)),
            neue_dokumente=_count(Dokument.objects.filter(uploaded_at__gte=since)),
            offene_anfragen=_count(
                Beitrittsanfrage.objects.filter(status=Beitrittsanfrage.Status.OFFEN)
            ),
            neues_interesse=_count(
                Interessensbekundung.objects.filter(
                    confirmed_at__isnull=False, handled_at__isnull=True
                )
            ),
            letzte_sitzung=Subquery(
                meetings.filter(start__lt=now).annotate(m=Max("start")).values("m")
            ),
            naechste_sitzung=Subquery(
                meetings.filter(start__gte=now).annotate(m=Min("start")).values("m")
            ),
        )
        .order_by("status", deutsch("name"))
    )


def foren_kennzahlen(
    *, anfang: datetime, ende: datetime, now: datetime, nur_oeffentlich: bool
) -> list[Forum]:
    """The forums with a period's figures (a status report's): members, sessions that began in
    the period [anfang, ende) before `now`, open needs, entries written in the period; by status,
    then name. `nur_oeffentlich`: the public forums only. One query, whatever the number of rows.
    """
    foren = Forum.objects.all()
    if nur_oeffentlich:
        foren = foren.filter(visibility=Forum.Sichtbarkeit.PUBLIC)
    sitzungen = _veranstaltungen().filter(Q(start__gte=anfang, start__lt=ende), start__lt=now)
    return list(
        foren.select_related("handlungsfeld")
        .annotate(
            mitglieder=_count(Mitgliedschaft.objects.all()),
            sitzungen=_count(sitzungen),
            offene_bedarfe=_count(
                Beitrag.objects.filter(art=Beitrag.Art.BEDARF, status=Beitrag.Status.OFFEN)
            ),
            neue_beitraege=_count(
                Beitrag.objects.filter(created_at__gte=anfang, created_at__lt=ende)
            ),
        )
        .order_by("status", deutsch("name"))
    )


def foren_count() -> int:
    """All forums, whatever their visibility."""
    return Forum.objects.count()


def bedarfe_top(*, je_forum: int) -> dict[int, list[Beitrag]]:
    """The most discussed needs still open or in progress of the public forums, at most
    `je_forum` per forum (most comments first, then the newest), by forum id. One query."""
    bedarfe: dict[int, list[Beitrag]] = {}
    for beitrag in (
        Beitrag.objects.filter(
            art=Beitrag.Art.BEDARF,
            status__in=[Beitrag.Status.OFFEN, Beitrag.Status.IN_BEARBEITUNG],
            forum__visibility=Forum.Sichtbarkeit.PUBLIC,
        )
        .annotate(n_kommentare=Count("kommentare"))
        .order_by("forum", "-n_kommentare", "-created_at")
        .only("pk", "title", "forum_id", "status")
    ):
        liste = bedarfe.setdefault(beitrag.forum_id, [])
        if len(liste) < je_forum:
            liste.append(beitrag)
    return bedarfe


def interessen_open() -> QuerySet[Interessensbekundung]:
    """Confirmed interest the coordination has not yet followed up."""
    return Interessensbekundung.objects.filter(
        confirmed_at__isnull=False, handled_at__isnull=True
    ).select_related("forum")


def forum_meetings(forum: Forum, *, insider: bool, now=None) -> dict:
    """The forum's sessions this person may know of: public ones for everyone, members' and
    invited-only ones for members, moderators and the coordination."""
    now = now or timezone.now()
    qs = _veranstaltungen().filter(forum=forum)
    if not insider:
        qs = qs.filter(visibility="public")
    return {
        "naechste": list(qs.filter(start__gte=now).order_by("start")[:3]),
        "letzte": qs.filter(start__lt=now).order_by("-start").first(),
    }


def mitgliedschaft_of(forum: Forum, user) -> Mitgliedschaft | None:
    if not user.is_authenticated:
        return None
    return Mitgliedschaft.objects.filter(forum=forum, user=user).first()


def anfrage_open_of(forum: Forum, user) -> Beitrittsanfrage | None:
    if not user.is_authenticated:
        return None
    return Beitrittsanfrage.objects.filter(
        forum=forum, user=user, status=Beitrittsanfrage.Status.OFFEN
    ).first()


def mitglieder(forum: Forum) -> QuerySet[Mitgliedschaft]:
    return (
        Mitgliedschaft.objects.filter(forum=forum)
        .select_related("user", "user__person__organisation")
        .order_by(deutsch("user__last_name"), deutsch("user__first_name"))
    )


def anfragen_open(forum: Forum) -> QuerySet[Beitrittsanfrage]:
    return (
        Beitrittsanfrage.objects.filter(forum=forum, status=Beitrittsanfrage.Status.OFFEN)
        .select_related("user", "user__person__organisation")
        .order_by("created_at")
    )


def candidates_for(forum: Forum) -> QuerySet[User]:
    """People from the actor registry who could be added: approved accounts linked to a person
    of an organisation, not yet members."""
    return (
        User.objects.filter(is_active=True, approved_at__isnull=False, person__isnull=False)
        .exclude(pk__in=Mitgliedschaft.objects.filter(forum=forum).values("user"))
        .select_related("person__organisation")
        .order_by(
            deutsch("person__organisation__name"), deutsch("last_name"), deutsch("first_name")
        )
    )


def beitraege_of(forum: Forum) -> QuerySet[Beitrag]:
    """The collection, newest first. The comments are counted per entry of the page (a grouped
    join would count them for the whole collection before the page is cut), and counting the
    entries for the pagination leaves that count out."""
    return (
        Beitrag.objects.filter(forum=forum)
        .select_related("forum", "author", "angebot")
        .prefetch_related("lebensphasen")
        .annotate(kommentar_count=_count(Kommentar.objects.all(), "beitrag"))
        .order_by("-created_at", "-pk")
    )


def dokumente_visible(forum: Forum, *, insider: bool) -> QuerySet[Dokument]:
    qs = Dokument.objects.filter(forum=forum).select_related(
        "forum", "veranstaltung", "uploaded_by"
    )
    if not insider:
        qs = qs.filter(visibility=Dokument.Sichtbarkeit.PUBLIC)
    return qs


def abstimmung_ranking(abstimmung: Abstimmung) -> list[dict]:
    """Entries of a round by points (ties share a place), with how many people gave points."""
    rows = list(
        abstimmung.beitraege.annotate(
            punkte=Coalesce(Sum("stimmen__punkte", filter=Q(stimmen__abstimmung=abstimmung)), 0),
            stimmen_count=Count("stimmen", filter=Q(stimmen__abstimmung=abstimmung)),
        ).order_by("-punkte", deutsch("title"))
    )
    ranking, platz, previous = [], 0, None
    for index, beitrag in enumerate(rows, start=1):
        if beitrag.punkte != previous:
            platz, previous = index, beitrag.punkte
        ranking.append(
            {
                "platz": platz,
                "beitrag": beitrag,
                "punkte": beitrag.punkte,
                "stimmen": beitrag.stimmen_count,
            }
        )
    return ranking


def abstimmung_ergebnis(abstimmung: Abstimmung) -> list[dict]:
    """The ranking as plain data: what a closed round keeps (Abstimmung.ergebnis) and what an
    open one shows live; a closed round answers with what it kept."""
    if not abstimmung.is_offen:
        return abstimmung.ergebnis
    return [
        {
            "platz": row["platz"],
            "beitrag": row["beitrag"].pk,
            "title": row["beitrag"].title,
            "art": row["beitrag"].get_art_display(),
            "punkte": row["punkte"],
            "stimmen": row["stimmen"],
        }
        for row in abstimmung_ranking(abstimmung)
    ]


def verteilung_of(abstimmung: Abstimmung, user) -> dict[int, int]:
    return dict(
        Stimme.objects.filter(abstimmung=abstimmung, user=user).values_list("beitrag_id", "punkte")
    )


def teilnehmende_count(abstimmung: Abstimmung) -> int:
    return Stimme.objects.filter(abstimmung=abstimmung).values("user").distinct().count()


def foren_moderated_by(user) -> QuerySet[Forum]:
    return (
        Forum.objects.filter(moderators=user)
        .annotate(
            offene_anfragen=_count(
                Beitrittsanfrage.objects.filter(status=Beitrittsanfrage.Status.OFFEN)
            )
        )
        .order_by(deutsch("name"))
    )


def foren_with_member(user) -> QuerySet[Forum]:
    return Forum.objects.filter(members=user).order_by(deutsch("name"))
