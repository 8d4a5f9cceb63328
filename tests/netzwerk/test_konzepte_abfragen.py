"""Query budgets of the concept pages: a concept with 30 chapters and 200 measures needs as many
queries as one with 3 chapters and 10 measures, for the coordination and for a partner."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netzwerk.models import (
    Fortschrittsnotiz,
    Handlungsschwerpunkt,
    Kapitel,
    KapitelVersion,
    Kommentar,
    Konzept,
    Massnahme,
    Ziel,
)

from ..factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TEXT = """## Ausgangslage

Jedes vierte Kind im Kreis wächst in einer Familie auf, die **Leistungen nach dem SGB II**
bezieht. Die Angebote sind da, aber sie erreichen nicht alle:

- Familienzentren in allen Sozialräumen
- Lotsinnen in den Geburtskliniken
- [Übersicht der Angebote](https://kreis.example/angebote)
"""
STATUS = ["geplant", "in_umsetzung", "umgesetzt", "zurueckgestellt"]


def _konzept(welt, slug: str, *, kapitel: int, massnahmen: int, schwerpunkte: int, ziele: int):
    """A concept in Beteiligung: chapters with two versions and comments by two people (one of
    them answered), measures spread over focal points and goals, each with organisations, every
    other one with a forum, and progress notes."""
    koordination, partner = welt.users["koordination"], welt.users["partner"]
    konzept = Konzept.objects.create(title=slug, slug=slug, status=Konzept.Status.BETEILIGUNG)
    now = timezone.now()
    for i in range(kapitel):
        k = Kapitel.objects.create(
            konzept=konzept,
            position=i,
            title=f"Kapitel {i}",
            text=TEXT,
            version=2,
            updated_by=koordination,
        )
        KapitelVersion.objects.bulk_create(
            KapitelVersion(kapitel=k, number=n, title=k.title, text=TEXT[: n * 100], author=partner)
            for n in (1, 2)
        )
        Kommentar.objects.bulk_create(
            [
                Kommentar(kapitel=k, author=partner, text="Bitte die Kitas nennen.", version=2),
                Kommentar(
                    kapitel=k,
                    author=welt.users["gremium"],
                    text="Ergänzt.",
                    version=1,
                    status=Kommentar.Status.AUFGENOMMEN,
                    answer="Ist drin.",
                    answered_by=koordination,
                    answered_at=now,
                ),
            ]
        )
    organisationen = [welt.organisation, welt.fremde_organisation] + [
        OrganisationFactory() for _ in range(3)
    ]
    ziel_liste = []
    for s in range(schwerpunkte):
        schwerpunkt = Handlungsschwerpunkt.objects.create(
            konzept=konzept, position=s, title=f"Schwerpunkt {s}"
        )
        ziel_liste += [
            Ziel.objects.create(schwerpunkt=schwerpunkt, position=z, title=f"Ziel {s}.{z}")
            for z in range(ziele)
        ]
    liste = Massnahme.objects.bulk_create(
        Massnahme(
            ziel=ziel_liste[i % len(ziel_liste)],
            position=i,
            title=f"Maßnahme {i}",
            forum=welt.forum_members if i % 2 else None,
            status=STATUS[i % 4],
            progress=i * 7 % 101,
        )
        for i in range(massnahmen)
    )
    Through = Massnahme.organisationen.through
    Through.objects.bulk_create(
        Through(massnahme=m, organisation=o)
        for i, m in enumerate(liste)
        for o in organisationen[i % 3 : i % 3 + 2]
    )
    Fortschrittsnotiz.objects.bulk_create(
        Fortschrittsnotiz(massnahme=m, text="Läuft.", progress=m.progress, status=m.status)
        for m in liste
    )
    return konzept


@pytest.fixture
def klein(welt):
    return _konzept(welt, "klein", kapitel=3, massnahmen=10, schwerpunkte=2, ziele=2)


@pytest.fixture
def gross(welt):
    return _konzept(welt, "gross", kapitel=30, massnahmen=200, schwerpunkte=5, ziele=4)


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


PAGES = {
    "konzept": lambda konzept: konzept.get_absolute_url(),
    "massnahmen": lambda konzept: reverse("netzwerk:massnahme-list", args=[konzept.slug]),
}


@pytest.mark.parametrize("role", ["koordination", "partner"])
@pytest.mark.parametrize("page", PAGES)
def test_the_concept_pages_need_as_many_queries_for_200_measures_as_for_10(
    client_as, klein, gross, role, page
):
    client = client_as(role)
    from django.core.cache import cache

    client.get(PAGES[page](klein))  # warm-up: per-process caches (content types, sites)
    # Both drawn afresh (the concept page reads the texts of the chapters it draws: one query
    # more than from its cached chapters), then both from the cache.
    cache.clear()
    few, small = _queries(client, PAGES[page](klein))
    cache.clear()
    many, large = _queries(client, PAGES[page](gross))
    client.get(PAGES[page](klein))  # its fragments again, after the clear before the large one
    assert _queries(client, PAGES[page](klein))[0] == _queries(client, PAGES[page](gross))[0]
    # The large page shows all of it: every chapter with its comments, every measure.
    if page == "konzept":
        assert large.count("Bitte die Kitas nennen.") == 30 and "Kapitel 29" in large
        assert ("Antwort speichern" in large) == (role == "koordination")
        assert "Kommentar senden" in large  # both may comment during Beteiligung
    else:
        assert large.count("Maßnahme ") >= 200 and "Maßnahme 199" in large
        assert "Forum Intern" in large and "Verein Stern" in large
    assert many == few, (
        f"{page} ({role}): {few} queries for the small concept, {many} for the large"
    )
