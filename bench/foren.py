"""Benchmark of the coordinators' forum overview (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/foren.py

Builds a fresh database netzwerk_bench_foren with 40 forums, 2,000 members (4,000 memberships),
10,000 entries, 8,000 comments, meetings, requests and interest; then prints the median and p95
server time of /foren/uebersicht/ over N requests, next to a baseline measured in the same run: a
bare view behind the same middleware that computes the same figures with raw SQL (one query with
correlated subqueries and a grouped count of recent comments, one for the moderators) and prints
them as plain text. It checks that the page needs the same number of queries for 4 and 40 forums.
"""

import os
import random
from datetime import timedelta

from _common import fresh_database, prepare, timed

prepare("netzwerk_bench_foren")

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "40"))
FOREN, MITGLIEDER, BEITRAEGE, KOMMENTARE = 40, 2_000, 10_000, 8_000


def generate(forum_count: int) -> None:
    from foren.models import (
        Beitrag,
        Beitrittsanfrage,
        Forum,
        Interessensbekundung,
        Kommentar,
        Mitgliedschaft,
    )
    from konferenzen.models import Veranstaltung
    from netzwerk.models import Handlungsfeld, User

    rng = random.Random(5)
    now = timezone.now()
    felder = list(Handlungsfeld.objects.all())
    start = Forum.objects.count()
    foren = Forum.objects.bulk_create(
        Forum(
            name=f"Forum {i:03}",
            slug=f"forum-{i:03}",
            handlungsfeld=rng.choice(felder),
            status="ruhend" if i % 6 == 5 else "aktiv",
        )
        for i in range(start, start + forum_count)
    )
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
            forum=rng.choice(foren),
            art=rng.choice(["bestand", "bedarf", "loesungsansatz"]),
            status=rng.choice(["offen", "offen", "in_bearbeitung", "erledigt"]),
            title=f"Beitrag {i}",
            text="Ein Eintrag in der Sammlung.",
            author=rng.choice(users),
            created_at=now - timedelta(days=rng.randint(0, 400)),
        )
        for i in range(int(BEITRAEGE * scale))
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
    with connection.cursor() as cursor:
        # As autovacuum would: statistics, and the visibility map for index-only counts.
        cursor.execute("VACUUM ANALYZE")


# --- The baseline: the same figures in raw SQL ---------------------------------------------------
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


urlpatterns = [path("bench/overview", base_overview), path("", include("netzwerk.urls"))]


def coordinator_client() -> Client:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from netzwerk.models import Rolle, User

    user = User.objects.create(
        email="bench@kreis.example", approved_at=timezone.now(), is_staff=True
    )
    user.groups.add(Group.objects.get(name=Rolle.KOORDINATION))
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(user)
    return client


def main() -> None:
    from foren.models import Beitrag, Forum, Kommentar, Mitgliedschaft

    fresh_database()
    from netzwerk.demo import build as netzwerk_build

    netzwerk_build()  # vocabularies and roles
    client = coordinator_client()
    url = "/foren/uebersicht/"
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        generate(4)
        _, _, few = timed(client, url, N)
        generate(FOREN - 4)
        print(
            f"Daten: {Forum.objects.count()} Foren, "
            f"{Mitgliedschaft.objects.values('user').distinct().count()} Mitglieder "
            f"({Mitgliedschaft.objects.count()} Mitgliedschaften), {Beitrag.objects.count()} "
            f"Beiträge, {Kommentar.objects.count()} Kommentare; {N} Anfragen je Seite"
        )
        median, p95, many = timed(client, url, N)
        assert many == few, f"Abfragen wachsen mit den Foren: {few} bei 4, {many} bei 40"
        b_median, b_p95, b_queries = timed(client, "/bench/overview", N)
    print(
        f"{'Seite':22} {'Median':>8} {'p95':>8} {'Queries':>8} {'Basis Median':>13} "
        f"{'Basis p95':>10} {'Faktor p95':>10}"
    )
    print(
        f"{'Forenübersicht':22} {median:7.1f}ms {p95:7.1f}ms {many:8} {b_median:12.1f}ms "
        f"{b_p95:9.1f}ms {p95 / b_p95:9.1f}x"
    )
    print(f"Abfragen: {few} bei 4 Foren, {many} bei 40 Foren (gleich, geprüft)")


if __name__ == "__main__":
    main()
