"""Benchmark of the event pages (PostgreSQL), at the sizes of BENCH_SIZES (default 1,4,16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk \\
        .venv/bin/python bench/veranstaltungen.py

Builds a fresh database netzwerk_bench_veranstaltungen and grows it to each size in turn; 1x is a
county's year and a half of events: 300 events (half of them past; public, for members and for
invited people; some of a forum, some with seats and a waiting list), each with up to 20
registrations, and one conference with 250 registrations in three working groups.

For every size it prints, per page, the median and p95 server time over N requests, next to a
baseline measured in the same run: a bare view behind the same middleware that fetches the same
rows with raw SQL and prints them as plain text. Pages: the event list (/konferenzen/) as a
partner sees it, and the conference's registrations (/konferenzen/<pk>/anmeldungen/) as the
coordination manages them. It checks that no page needs more queries at a bigger size.
"""

import os
import random
from datetime import timedelta

from _common import Messreihe, als_text, client_for, fresh_database, prepare, sizes

prepare("netzwerk_bench_veranstaltungen")

from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "40"))
VERANSTALTUNGEN, ANMELDUNGEN_JE, KONFERENZ = 300, 20, 250
PARTNER = "partner@kreis.example"


def _konferenz():
    from konferenzen.models import Arbeitsgruppe, Veranstaltung

    konferenz = Veranstaltung.objects.filter(art="praeventionskonferenz", title="Kreiskonferenz")
    if konferenz.exists():
        return konferenz.get()
    start = timezone.now() + timedelta(days=60)
    konferenz = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Kreiskonferenz", start=start,
        end=start + timedelta(hours=6), place="Kreishaus", visibility="public",
    )  # fmt: skip
    Arbeitsgruppe.objects.bulk_create(
        Arbeitsgruppe(veranstaltung=konferenz, name=f"Arbeitsgruppe {n}", capacity=None)
        for n in range(1, 4)
    )
    return konferenz


def generate(size: int) -> None:
    """Add events and registrations until the data is `size` times the county's."""
    from akteure.models import Organisation, Organisationstyp
    from foren.models import Forum
    from konferenzen.models import Anmeldung, Einladung, Veranstaltung
    from netzwerk.models import Handlungsfeld

    konferenz = _konferenz()
    start = Veranstaltung.objects.exclude(pk=konferenz.pk).count()
    count = VERANSTALTUNGEN * size - start
    if count <= 0:
        return
    rng = random.Random(3 + start)
    now = timezone.now()
    if not Forum.objects.exists():
        feld = Handlungsfeld.objects.first()
        Forum.objects.bulk_create(
            Forum(name=f"Forum {i}", slug=f"forum-{i}", handlungsfeld=feld) for i in range(10)
        )
    foren = list(Forum.objects.all())
    if not Organisation.objects.exists():
        typ = Organisationstyp.objects.first() or Organisationstyp.objects.create(
            name="Verein", slug="verein"
        )
        Organisation.objects.bulk_create(
            Organisation(name=f"Einrichtung {i:03}", slug=f"einrichtung-{i}", typ=typ)
            for i in range(200)
        )
    orgs = list(Organisation.objects.all())
    events = []
    for i in range(start, start + count):
        at = now + timedelta(days=rng.randint(-540, 540), hours=rng.randint(8, 18))
        art = rng.choice(["netzwerktreffen", "workshop", "forumssitzung", "gremiensitzung"])
        events.append(
            Veranstaltung(
                art=art,
                title=f"Veranstaltung {i:05}",
                start=at,
                end=at + timedelta(hours=2),
                place=rng.choice(["Kreishaus", "Rathaus", "Familienzentrum", ""]),
                forum=rng.choice(foren) if art == "forumssitzung" else None,
                visibility=rng.choice(["public", "public", "members", "invited"]),
                capacity=rng.choice([None, None, 15, 30]),
            )
        )
    events = Veranstaltung.objects.bulk_create(events)
    anmeldungen, einladungen = [], []
    for event in events:
        n = rng.randint(0, ANMELDUNGEN_JE)
        for k in range(n):
            voll = event.capacity is not None and k >= event.capacity
            anmeldungen.append(
                Anmeldung(
                    veranstaltung=event,
                    name=f"Person {k}",
                    email=f"person{k}@kreis.example",
                    organisation=rng.choice(orgs),
                    status="warteliste" if voll else rng.choice(["bestaetigt"] * 9 + ["storniert"]),
                )
            )
        if event.visibility == "invited" and rng.random() < 0.3:
            einladungen.append(Einladung(veranstaltung=event, email=PARTNER, name="Partnerin"))
    gruppen = list(konferenz.arbeitsgruppen.all())
    have = konferenz.anmeldungen.count()
    for k in range(have, KONFERENZ * size):
        anmeldungen.append(
            Anmeldung(
                veranstaltung=konferenz,
                name=f"Teilnehmerin {k:05}",
                email=f"teilnehmerin{k}@kreis.example",
                organisation=rng.choice(orgs) if rng.random() < 0.8 else None,
                organisation_name="" if rng.random() < 0.8 else "Freie Initiative",
                needs=rng.choice(["", "", "", "vegetarisch", "rollstuhlgerechter Platz"]),
                status=rng.choice(["bestaetigt"] * 8 + ["warteliste", "storniert"]),
                created_at=now - timedelta(minutes=KONFERENZ * size - k),
            )
        )
    anmeldungen = Anmeldung.objects.bulk_create(anmeldungen)
    Einladung.objects.bulk_create(einladungen)
    through = Anmeldung.arbeitsgruppen.through
    through.objects.bulk_create(
        through(anmeldung_id=a.pk, arbeitsgruppe_id=rng.choice(gruppen).pk)
        for a in anmeldungen
        if a.veranstaltung_id == konferenz.pk and rng.random() < 0.75
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --- The baselines: the same rows in raw SQL ------------------------------------------------------
def base_list(request):
    """The next 100 events a partner may see (public, for members, invited to), with their
    forum and the seats taken and waiting."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT v.id, v.title, v.start, v.place, v.art, v.visibility, v.capacity,
                 v.cancelled_at, f.name,
                 (SELECT COUNT(*) FROM konferenzen_anmeldung a WHERE a.veranstaltung_id = v.id
                    AND a.status IN ('bestaetigt', 'teilgenommen')),
                 (SELECT COUNT(*) FROM konferenzen_anmeldung a WHERE a.veranstaltung_id = v.id
                    AND a.status = 'warteliste')
               FROM konferenzen_veranstaltung v LEFT JOIN foren_forum f ON f.id = v.forum_id
               WHERE v."end" >= now() AND (v.visibility IN ('public', 'members')
                 OR (v.visibility = 'invited' AND EXISTS (SELECT 1 FROM konferenzen_einladung e
                     WHERE e.veranstaltung_id = v.id AND e.email = %s)))
               ORDER BY v.start, v.title LIMIT 100""",
            [request.user.email.lower()],
        )
        return als_text(cursor.fetchall())


def base_registrations(request, pk):
    """An event's active registrations in the order they came, with organisation and working
    groups, and the figures above the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, title, start, place, capacity FROM konferenzen_veranstaltung WHERE id = %s",
            [pk],
        )
        out = [cursor.fetchone()]
        cursor.execute(
            """SELECT COUNT(*) FILTER (WHERE status = 'bestaetigt'),
                 COUNT(*) FILTER (WHERE status = 'warteliste'),
                 COUNT(*) FILTER (WHERE status = 'storniert'),
                 COUNT(*) FILTER (WHERE status = 'teilgenommen')
               FROM konferenzen_anmeldung WHERE veranstaltung_id = %s""",
            [pk],
        )
        out.append(cursor.fetchone())
        cursor.execute(
            """SELECT g.name, g.capacity, (SELECT COUNT(*) FROM konferenzen_anmeldung_arbeitsgruppen
                 t JOIN konferenzen_anmeldung a ON a.id = t.anmeldung_id
                 WHERE t.arbeitsgruppe_id = g.id AND a.status IN ('bestaetigt', 'teilgenommen'))
               FROM konferenzen_arbeitsgruppe g WHERE g.veranstaltung_id = %s
               ORDER BY g.runde, g.name""",
            [pk],
        )
        out.extend(cursor.fetchall())
        cursor.execute(
            """SELECT a.id, a.name, a.email, COALESCE(o.name, a.organisation_name), a.status,
                 a.needs, a.created_at,
                 (SELECT string_agg(g.name, ', ') FROM konferenzen_anmeldung_arbeitsgruppen t
                  JOIN konferenzen_arbeitsgruppe g ON g.id = t.arbeitsgruppe_id
                  WHERE t.anmeldung_id = a.id)
               FROM konferenzen_anmeldung a
               LEFT JOIN akteure_organisation o ON o.id = a.organisation_id
               WHERE a.veranstaltung_id = %s
                 AND a.status IN ('bestaetigt', 'warteliste', 'teilgenommen')
               ORDER BY a.created_at, a.id""",
            [pk],
        )
        out.extend(cursor.fetchall())
    return als_text(out)


urlpatterns = [
    path("bench/list", base_list),
    path("bench/registrations/<int:pk>", base_registrations),
    path("", include("netzwerk.urls")),
]


def main() -> None:
    from konferenzen.models import Anmeldung, Veranstaltung
    from netzwerk.models import Rolle

    fresh_database()
    from netzwerk.demo import build as netzwerk_build

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        netzwerk_build()  # vocabularies, roles, organisation types
    partner = client_for(PARTNER, Rolle.PARTNER, mfa=False)
    koordination = client_for("bench@kreis.example", Rolle.KOORDINATION, mfa=True)
    reihe = Messreihe(N)
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        for size in sizes():
            generate(size)
            konferenz = _konferenz()
            print(
                f"{size}x: {Veranstaltung.objects.count()} Veranstaltungen, "
                f"{Anmeldung.objects.count()} Anmeldungen "
                f"({konferenz.anmeldungen.count()} zur Kreiskonferenz); {N} Anfragen je Seite",
                flush=True,
            )
            pages = [
                ("Veranstaltungen", partner, "/konferenzen/", "/bench/list"),
                (
                    "Veranstaltung: Anmeldungen",
                    koordination,
                    f"/konferenzen/{konferenz.pk}/anmeldungen/",
                    f"/bench/registrations/{konferenz.pk}",
                ),
            ]
            for label, client, url, base in pages:
                reihe.messen(label, size, client, url, base)
    reihe.zusammenfassung()


if __name__ == "__main__":
    main()
