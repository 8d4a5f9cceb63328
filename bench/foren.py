"""Benchmark of the forum pages (PostgreSQL), at the sizes of BENCH_SIZES (default 1,4,16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/foren.py

Builds a fresh database netzwerk_bench_foren and grows it to each size in turn; 1x is a county's
forums: 40 forums, 2,000 members (4,000 memberships), 10,000 entries, 8,000 comments, meetings,
requests, interest and a voting round per forum. The first forum gets a tenth of all entries, so
that one collection grows with the size (the others keep about 250 entries each).

For every size it prints, per page, the median and p95 server time over N requests as the
coordination sees it, next to a baseline measured in the same run: a bare view behind the same
middleware that fetches the same rows with raw SQL and prints them as plain text. Pages:
/foren/uebersicht/ (the coordinators' overview), /foren/ (the forum list), the big forum's page
and its collection (/foren/<slug>/sammlung/, first page). It checks that no page needs more
queries at a bigger size.
"""

import os
import random
from datetime import timedelta

from _common import Messreihe, als_text, client_for, fresh_database, prepare, sizes

prepare("netzwerk_bench_foren")

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "40"))
FOREN, MITGLIEDER, BEITRAEGE, KOMMENTARE = 40, 2_000, 10_000, 8_000
GROSS = "forum-000"  # the forum whose collection grows with the size


def generate(size: int) -> None:
    """Add forums and their rows until the data is `size` times the county's."""
    from foren.models import (
        Abstimmung,
        Beitrag,
        Beitrittsanfrage,
        Forum,
        Interessensbekundung,
        Kommentar,
        Mitgliedschaft,
        Stimme,
    )
    from konferenzen.models import Veranstaltung
    from netzwerk.models import Handlungsfeld, Lebensphase, User

    start = Forum.objects.count()
    forum_count = FOREN * size - start
    if forum_count <= 0:
        return
    rng = random.Random(5 + start)
    now = timezone.now()
    felder = list(Handlungsfeld.objects.all())
    phasen = list(Lebensphase.objects.all())
    foren = Forum.objects.bulk_create(
        Forum(
            name=f"Forum {i:05}",
            slug=f"forum-{i:03}",
            handlungsfeld=rng.choice(felder),
            status="ruhend" if i % 6 == 5 else "aktiv",
            visibility="members" if i % 5 == 4 else "public",
            description="Ein Forum des Netzwerks.",
        )
        for i in range(start, start + forum_count)
    )
    gross = Forum.objects.get(slug=GROSS)
    scale = forum_count / FOREN
    users = User.objects.bulk_create(
        User(
            email=f"mitglied{start}-{i}@kreis.example",
            first_name=f"Vorname{i}",
            last_name=f"Nachname{i}",
            approved_at=now,
        )
        for i in range(int(MITGLIEDER * scale))
    )
    Mitgliedschaft.objects.bulk_create(
        Mitgliedschaft(forum=forum, user=user)
        for user in users
        for forum in rng.sample(foren, min(2, len(foren)))
    )
    for forum in foren:
        forum.moderators.add(*rng.sample(users, 2))
    beitraege = Beitrag.objects.bulk_create(
        Beitrag(
            forum=gross if rng.random() < 0.1 else rng.choice(foren),
            art=rng.choice(["bestand", "bedarf", "loesungsansatz"]),
            status=rng.choice(["offen", "offen", "in_bearbeitung", "erledigt"]),
            title=f"Beitrag {start}-{i}",
            text="Ein Eintrag in der Sammlung.",
            author=rng.choice(users),
            created_at=now - timedelta(days=rng.randint(0, 400)),
        )
        for i in range(int(BEITRAEGE * scale))
    )
    through = Beitrag.lebensphasen.through
    through.objects.bulk_create(
        through(beitrag_id=b.pk, lebensphase_id=p.pk)
        for b in beitraege
        for p in rng.sample(phasen, rng.randint(0, 2))
    )
    Kommentar.objects.bulk_create(
        Kommentar(
            beitrag=rng.choice(beitraege),
            author=rng.choice(users),
            text="Sehe ich auch so.",
            created_at=now - timedelta(days=rng.randint(0, 200)),
        )
        for _ in range(int(KOMMENTARE * scale))
    )
    je_forum: dict[int, list] = {}
    for b in beitraege:
        je_forum.setdefault(b.forum_id, []).append(b)
    stimmen = []
    for forum in foren:
        for days in (-40, -10, 20):
            at = now + timedelta(days=days + rng.randint(0, 5))
            Veranstaltung.objects.create(
                art="forumssitzung", title=f"Sitzung {forum.name}", forum=forum, start=at, end=at
            )
        Beitrittsanfrage.objects.create(forum=forum, user=rng.choice(users))
        if forum.status == "ruhend":
            Interessensbekundung.objects.create(
                forum=forum, name="Ida", email="ida@x.example", consent_at=now, confirmed_at=now
            )
        runde = Abstimmung.objects.create(forum=forum, title="Was zuerst?", punkte=5,
                                          max_pro_beitrag=3)  # fmt: skip
        auswahl = je_forum.get(forum.pk, [])[:10]
        runde.beitraege.add(*auswahl)
        for user in rng.sample(users, 10):
            for b in rng.sample(auswahl, min(2, len(auswahl))):
                stimmen.append(Stimme(abstimmung=runde, beitrag=b, user=user, punkte=2))
    Stimme.objects.bulk_create(stimmen)
    with connection.cursor() as cursor:
        # As autovacuum would: statistics, and the visibility map for index-only counts.
        cursor.execute("VACUUM ANALYZE")


# --- The baselines: the same rows in raw SQL ------------------------------------------------------
BASE_SQL = """
SELECT f.id, f.name, f.slug, f.status, h.name,
  (SELECT COUNT(*) FROM foren_mitgliedschaft m WHERE m.forum_id = f.id),
  (SELECT COUNT(*) FROM foren_beitrag b WHERE b.forum_id = f.id AND b.art = 'bedarf'
     AND b.status = 'offen'),
  (SELECT COUNT(*) FROM foren_beitrag b WHERE b.forum_id = f.id AND b.created_at >= %(since)s),
  COALESCE(kc.n, 0),
  (SELECT COUNT(*) FROM foren_dokument d WHERE d.forum_id = f.id AND d.uploaded_at >= %(since)s),
  (SELECT COUNT(*) FROM foren_beitrittsanfrage a WHERE a.forum_id = f.id AND a.status = 'offen'),
  (SELECT COUNT(*) FROM foren_interessensbekundung i WHERE i.forum_id = f.id
     AND i.confirmed_at IS NOT NULL AND i.handled_at IS NULL),
  (SELECT MAX(v.start) FROM konferenzen_veranstaltung v WHERE v.forum_id = f.id
     AND v.start < %(now)s),
  (SELECT MIN(v.start) FROM konferenzen_veranstaltung v WHERE v.forum_id = f.id
     AND v.start >= %(now)s)
FROM foren_forum f JOIN netzwerk_handlungsfeld h ON h.id = f.handlungsfeld_id
LEFT JOIN (SELECT b.forum_id, COUNT(*) AS n FROM foren_kommentar k
           JOIN foren_beitrag b ON b.id = k.beitrag_id
           WHERE k.created_at >= %(since)s AND k.created_at < %(now)s GROUP BY b.forum_id) kc
  ON kc.forum_id = f.id
ORDER BY f.status, f.name
"""
MODERATORS_SQL = """
SELECT fm.forum_id, u.first_name || ' ' || u.last_name FROM foren_forum_moderators fm
JOIN netzwerk_user u ON u.id = fm.user_id ORDER BY u.last_name
"""


def base_overview(request):
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(BASE_SQL, {"now": now, "since": now - timedelta(days=90)})
        rows = cursor.fetchall()
        cursor.execute(MODERATORS_SQL)
        moderators = {}
        for forum_id, name in cursor.fetchall():
            moderators.setdefault(forum_id, []).append(name)
    return HttpResponse(
        "\n".join(
            " | ".join(map(str, r)) + " | " + ", ".join(moderators.get(r[0], [])) for r in rows
        )
    )


def base_list(request):
    """The forum list: every forum (the coordination sees all) with its field and members, and
    which of them are the viewer's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT f.id, f.name, f.slug, f.status, f.visibility, h.name,
                 (SELECT COUNT(*) FROM foren_mitgliedschaft m WHERE m.forum_id = f.id)
               FROM foren_forum f JOIN netzwerk_handlungsfeld h ON h.id = f.handlungsfeld_id
               ORDER BY f.status, f.name"""
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT forum_id FROM foren_mitgliedschaft WHERE user_id = %s", [request.user.pk]
        )
        eigene = {r[0] for r in cursor.fetchall()}
    return als_text((*r, r[0] in eigene) for r in rows)


def base_collection(request, slug):
    """A collection's first page: how many entries, 25 of them newest first with author, offer,
    number of comments and Lebensphasen."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM foren_forum WHERE slug = %s", [slug])
        forum_id, name = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM foren_beitrag WHERE forum_id = %s", [forum_id])
        total = cursor.fetchone()[0]
        cursor.execute(
            """SELECT b.id, b.title, b.art, b.status, b.created_at,
                 u.first_name || ' ' || u.last_name, a.title,
                 (SELECT COUNT(*) FROM foren_kommentar k WHERE k.beitrag_id = b.id)
               FROM foren_beitrag b LEFT JOIN netzwerk_user u ON u.id = b.author_id
               LEFT JOIN akteure_angebot a ON a.id = b.angebot_id
               WHERE b.forum_id = %s ORDER BY b.created_at DESC, b.id DESC LIMIT 25""",
            [forum_id],
        )
        rows = cursor.fetchall()
        cursor.execute(
            """SELECT t.beitrag_id, p.name FROM foren_beitrag_lebensphasen t
               JOIN netzwerk_lebensphase p ON p.id = t.lebensphase_id
               WHERE t.beitrag_id = ANY(%s)""",
            [[r[0] for r in rows]],
        )
        phasen: dict[int, list[str]] = {}
        for beitrag_id, phase in cursor.fetchall():
            phasen.setdefault(beitrag_id, []).append(phase)
    return als_text([(name, total), *((*r, ", ".join(phasen.get(r[0], []))) for r in rows)])


def base_detail(request, slug):
    """A forum's page: the forum, its themes, moderators, members, meetings, the collection's
    figures, rounds and documents."""
    now = timezone.now()
    out = []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT f.id, f.name, f.description, f.status, f.visibility, h.name
               FROM foren_forum f JOIN netzwerk_handlungsfeld h ON h.id = f.handlungsfeld_id
               WHERE f.slug = %s""",
            [slug],
        )
        forum = cursor.fetchone()
        out.append(forum)
        queries = [
            """SELECT t.name FROM foren_forum_themen ft JOIN netzwerk_querschnittsthema t
               ON t.id = ft.querschnittsthema_id WHERE ft.forum_id = %(f)s""",
            """SELECT u.first_name, u.last_name FROM foren_forum_moderators fm
               JOIN netzwerk_user u ON u.id = fm.user_id WHERE fm.forum_id = %(f)s
               ORDER BY u.last_name, u.first_name""",
            "SELECT COUNT(*) FROM foren_mitgliedschaft WHERE forum_id = %(f)s",
            """SELECT id, start, place FROM konferenzen_veranstaltung WHERE forum_id = %(f)s
               AND cancelled_at IS NULL AND start >= %(now)s ORDER BY start LIMIT 3""",
            """SELECT id, start FROM konferenzen_veranstaltung WHERE forum_id = %(f)s
               AND cancelled_at IS NULL AND start < %(now)s ORDER BY start DESC LIMIT 1""",
            """SELECT id, title, art, uploaded_at FROM foren_dokument WHERE forum_id = %(f)s
               ORDER BY uploaded_at DESC LIMIT 10""",
            """SELECT COUNT(*) FILTER (WHERE art = 'bestand'), COUNT(*) FILTER (WHERE art =
               'bedarf'), COUNT(*) FILTER (WHERE art = 'loesungsansatz') FROM foren_beitrag
               WHERE forum_id = %(f)s""",
            """SELECT id, title, status, opened_at FROM foren_abstimmung WHERE forum_id = %(f)s
               ORDER BY opened_at DESC LIMIT 5""",
        ]
        for sql in queries:
            cursor.execute(sql, {"f": forum[0], "now": now})
            out.extend(cursor.fetchall())
    return als_text(out)


urlpatterns = [
    path("bench/overview", base_overview),
    path("bench/list", base_list),
    path("bench/collection/<slug:slug>", base_collection),
    path("bench/detail/<slug:slug>", base_detail),
    path("", include("netzwerk.urls")),
]

PAGES = [
    ("Forenübersicht", "/foren/uebersicht/", "/bench/overview"),
    ("Forenliste", "/foren/", "/bench/list"),
    ("Forum: Seite", f"/foren/{GROSS}/", f"/bench/detail/{GROSS}"),
    ("Forum: Sammlung", f"/foren/{GROSS}/sammlung/", f"/bench/collection/{GROSS}"),
]


def main() -> None:
    from foren.models import Beitrag, Forum, Kommentar, Mitgliedschaft
    from netzwerk.models import Rolle

    fresh_database()
    from netzwerk.demo import build as netzwerk_build

    netzwerk_build()  # vocabularies and roles
    client = client_for("bench@kreis.example", Rolle.KOORDINATION, mfa=True)
    reihe = Messreihe(N)
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        for size in sizes():
            generate(size)
            print(
                f"{size}x: {Forum.objects.count()} Foren, "
                f"{Mitgliedschaft.objects.values('user').distinct().count()} Mitglieder "
                f"({Mitgliedschaft.objects.count()} Mitgliedschaften), "
                f"{Beitrag.objects.count()} Beiträge "
                f"({Beitrag.objects.filter(forum__slug=GROSS).count()} in {GROSS}), "
                f"{Kommentar.objects.count()} Kommentare; {N} Anfragen je Seite",
                flush=True,
            )
            for label, url, base in PAGES:
                reihe.messen(label, size, client, url, base)
    reihe.zusammenfassung()


if __name__ == "__main__":
    main()
