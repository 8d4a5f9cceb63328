"""Demo network, top floor so far: the forums' sessions, one past and one ahead for each active
forum; the minutes in the language forum belong to its last session."""

from datetime import timedelta

from django.utils import timezone

from foren.models import Dokument, Forum

from .models import Veranstaltung


def build(users: dict) -> None:
    today = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0)
    for index, forum in enumerate(Forum.objects.filter(status=Forum.Status.AKTIV).order_by("name")):
        for title, start in (
            (f"Sitzung {forum.name}", today - timedelta(days=21 + 7 * index)),
            (f"Nächste Sitzung {forum.name}", today + timedelta(days=14 + 7 * index)),
        ):
            Veranstaltung.objects.update_or_create(
                forum=forum,
                title=title,
                defaults={
                    "art": Veranstaltung.Art.FORUMSSITZUNG,
                    "start": start,
                    "end": start + timedelta(hours=2),
                    "place": "Rathaus, Sitzungsraum 2 (barrierefrei, Aufzug)",
                    "visibility": Veranstaltung.Sichtbarkeit.MEMBERS,
                },
            )
    letzte = (
        Veranstaltung.objects.filter(forum__slug="forum-sprache-und-bildung", start__lt=today)
        .order_by("-start")
        .first()
    )
    Dokument.objects.filter(
        forum__slug="forum-sprache-und-bildung", art=Dokument.Art.PROTOKOLL
    ).update(veranstaltung=letzte)
