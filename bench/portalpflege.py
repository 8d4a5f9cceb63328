"""Benchmark of the coordination's maintenance pages (issue 14), each against a floor measured in
the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/portalpflege.py

Uses a fresh database netzwerk_bench_pflege: BENCH_ORGS organisations with two offers each (six
life phases, eight districts), BENCH_KONTEN accounts, and one partner with BENCH_EIGENE
registrations (a third of them for colleagues) in events with two working groups.

- merging two life phases used by a third of the offers (some tagged with both): `term_merge`
  (every reference found through the model's relations, the change history included) against
  the floor of the hand-written SQL for the one M2M table: delete the doubles, move the rest,
  delete the term (median of BENCH_RUNDEN runs, each rolled back);
- the pages: vocabulary list with usage counts, account list (page 1), Meine Anmeldungen: p50,
  p95 and queries, against the raw SQL that reads the same rows.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fresh_database, prepare, rolled_back_ms, timed  # noqa: E402

ORGS = int(os.environ.get("BENCH_ORGS", "2000"))
KONTEN = int(os.environ.get("BENCH_KONTEN", "2000"))
EIGENE = int(os.environ.get("BENCH_EIGENE", "30"))
RUNDEN = int(os.environ.get("BENCH_RUNDEN", "5"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))


def rolled(step) -> float:
    return rolled_back_ms(step, RUNDEN)


def raw_ms(sql: str, params: list) -> float:
    from django.db import connection

    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    prepare("netzwerk_bench_pflege")
    fresh_database()
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from akteure.models import Angebot, Organisation, Organisationstyp, Person
    from konferenzen.models import Anmeldung, Arbeitsgruppe, Veranstaltung
    from netzwerk import vokabular
    from netzwerk.models import Lebensphase, Rolle, Sozialraum, User

    now = timezone.now()
    gruppen = {r: Group.objects.get_or_create(name=r)[0] for r in Rolle.values}
    phasen = [
        Lebensphase.objects.create(name=f"Phase {i}", slug=f"phase-{i}", position=10 * i)
        for i in range(6)
    ]
    raeume = [Sozialraum.objects.create(name=f"Bezirk {i}", slug=f"bezirk-{i}") for i in range(8)]
    typ = Organisationstyp.objects.create(name="Kita", slug="kita")
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {i}", slug=f"org-{i}", typ=typ, sozialraum=raeume[i % 8])
        for i in range(ORGS)
    )
    angebote = Angebot.objects.bulk_create(
        Angebot(
            title=f"Angebot {i}",
            slug=f"angebot-{i}",
            organisation=orgs[i // 2],
            sozialraum=raeume[i % 8],
        )  # fmt: skip
        for i in range(2 * ORGS)
    )
    Through = Angebot.lebensphasen.through
    links = []
    for i, a in enumerate(angebote):
        links.append(Through(angebot_id=a.pk, lebensphase_id=phasen[i % 6].pk))
        if i % 9 == 0:  # some offers carry both phases that are merged
            links.append(Through(angebot_id=a.pk, lebensphase_id=phasen[(i + 1) % 6].pk))
    Through.objects.bulk_create(links, ignore_conflicts=True)
    users = User.objects.bulk_create(
        User(
            email=f"konto{i}@bench.example",
            first_name="Konto",
            last_name=str(i),
            approved_at=now,
            password="!",
        )  # fmt: skip
        for i in range(KONTEN)
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=gruppen[Rolle.PARTNER].pk) for u in users
    )
    koordination = User.objects.create_user(
        email="koordination@bench.example", password="x", approved_at=now
    )
    koordination.groups.add(gruppen[Rolle.KOORDINATION])
    Authenticator.objects.create(user=koordination, type=Authenticator.Type.TOTP, data={})
    partner = users[0]
    Person.objects.create(
        first_name="P", last_name="P", email=partner.email, organisation=orgs[0], user=partner
    )
    for i in range(EIGENE):
        start = now + timedelta(days=10 + i)
        event = Veranstaltung.objects.create(
            art="workshop", title=f"Workshop {i}", start=start, end=start + timedelta(hours=2),
            place="Rathaus", visibility="members",
        )  # fmt: skip
        Arbeitsgruppe.objects.bulk_create(
            Arbeitsgruppe(veranstaltung=event, name=n, capacity=20) for n in ("A", "B")
        )
        kollege = i % 3 == 0
        Anmeldung.objects.create(
            veranstaltung=event, user=None if kollege else partner, registered_by=partner,
            organisation=orgs[0], name="Kollegin" if kollege else "P P",
            email=f"kollegin{i}@bench.example" if kollege else partner.email,
        )  # fmt: skip
    with_both = (
        Through.objects.filter(lebensphase=phasen[0])
        .filter(angebot__lebensphasen=phasen[1])
        .count()
    )
    print(
        f"{ORGS} Organisationen, {2 * ORGS} Angebote, {KONTEN} Konten; Zusammenführen: "
        f"{Through.objects.filter(lebensphase=phasen[0]).count()} Verweise, {with_both} doppelt"
    )

    def floor():
        with connection.cursor() as cursor:
            table = Through._meta.db_table
            cursor.execute(
                f"DELETE FROM {table} t WHERE t.lebensphase_id = %s AND EXISTS (SELECT 1 FROM "
                f"{table} u WHERE u.angebot_id = t.angebot_id AND u.lebensphase_id = %s)",
                [phasen[0].pk, phasen[1].pk],
            )
            cursor.execute(
                f"UPDATE {table} SET lebensphase_id = %s WHERE lebensphase_id = %s",
                [phasen[1].pk, phasen[0].pk],
            )
            cursor.execute("DELETE FROM netzwerk_lebensphase WHERE id = %s", [phasen[0].pk])

    merge = rolled(
        lambda: vokabular.term_merge(
            source=Lebensphase.objects.get(pk=phasen[0].pk),
            target=Lebensphase.objects.get(pk=phasen[1].pk),
        )
    )
    boden = rolled(floor)
    print(f"{'Schritt':44} {'Dienst ms':>10} {'Boden ms':>10} {'Faktor':>7}")
    print(f"{'Lebensphasen zusammenführen':44} {merge:10.1f} {boden:10.1f} {merge / boden:7.2f}")

    def client_for(user, mfa=False):
        client = Client()
        client.force_login(user)
        if mfa:
            session = client.session
            session["mfa_authenticated"] = True
            session.save()
        return client

    koord = client_for(koordination, mfa=True)
    pages = [
        (
            "Vokabular Lebensphasen (mit Zählung)",
            koord,
            "/koordination/vokabulare/lebensphasen/",
            "SELECT p.id, p.name, (SELECT COUNT(*) FROM akteure_angebot_lebensphasen t WHERE "
            "t.lebensphase_id = p.id) FROM netzwerk_lebensphase p ORDER BY p.position, p.name",
            [],
        ),
        (
            "Konten, Seite 1",
            koord,
            "/koordination/konten/",
            "SELECT u.id, u.email, u.first_name, u.last_name, u.last_login, g.name FROM "
            "netzwerk_user u LEFT JOIN netzwerk_user_groups ug ON ug.user_id = u.id LEFT JOIN "
            "auth_group g ON g.id = ug.group_id ORDER BY u.last_name, u.first_name LIMIT 50",
            [],
        ),
        (
            f"Meine Anmeldungen ({EIGENE})",
            client_for(partner),
            "/konferenzen/meine-anmeldungen/",
            "SELECT a.id, a.name, a.status, v.title, v.start, g.name FROM konferenzen_anmeldung a "
            "JOIN konferenzen_veranstaltung v ON v.id = a.veranstaltung_id LEFT JOIN "
            "konferenzen_arbeitsgruppe g ON g.veranstaltung_id = v.id WHERE a.user_id = %s OR "
            "a.registered_by_id = %s ORDER BY v.start",
            [partner.pk, partner.pk],
        ),
    ]
    print(f"{'Seite':44} {'p50 ms':>8} {'p95 ms':>8} {'Abfr.':>6} {'Roh-SQL ms':>11}")
    for name, client, url, sql, params in pages:
        p50, p95, queries = timed(client, url, REQUESTS)
        print(f"{name:44} {p50:8.1f} {p95:8.1f} {queries:6d} {raw_ms(sql, params):11.2f}")


if __name__ == "__main__":
    main()
