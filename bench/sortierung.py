"""What German order and spelling-tolerant search cost (issue 17, part 4), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/sortierung.py

Data: 20,000 accounts and 2,000 organisations with German names (umlauts, ß, accents), and an
event with 250 seat holders. Each row measures the portal's query against its baseline in the
same run: the same query sorted by bytes (COLLATE "C", what PostgreSQL's default gave before),
or the same search with plain icontains (which finds "Müller" for "Müller" but not for
"Mueller"). Median and p95 over 50 runs each, after a warm-up.
"""

import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fresh_database, prepare  # noqa: E402

RUNS = 50
VORNAMEN = ["Jörg", "Jürgen", "Özlem", "Ümit", "Ägidius", "Anna", "Zoë", "Renée", "Björn", "Lea"]
NACHNAMEN = [
    "Müller", "Mueller", "Möller", "Özdemir", "Öztürk", "Ärmel", "Straßburg", "Strauß",
    "Zimmermann", "Becker", "Bäcker", "Ünal", "Łukasz", "Dvořák", "Weiß", "Weiss", "Schröder",
]  # fmt: skip
ORTE = ["Ärztehaus", "Bürgerhaus", "Familienzentrum", "Übergangshilfe", "Straße der Jugend"]


def build() -> tuple[int, int]:
    from django.utils import timezone

    from akteure.models import Organisation, Organisationstyp
    from konferenzen.models import Anmeldung, Veranstaltung
    from netzwerk.models import User

    rng = random.Random(17)
    users = []
    for i in range(20_000):
        users.append(
            User(
                email=f"person{i}@bench.example",
                first_name=rng.choice(VORNAMEN),
                last_name=rng.choice(NACHNAMEN) + ("" if i % 3 else f"-{rng.choice(NACHNAMEN)}"),
                password="!",
            )
        )
    User.objects.bulk_create(users, batch_size=2000)
    typ = Organisationstyp.objects.create(name="Verein", slug="verein")
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{rng.choice(ORTE)} {rng.choice(NACHNAMEN)} {i}", slug=f"org-{i}", typ=typ
            )
            for i in range(2_000)
        ],
        batch_size=1000,
    )
    start = timezone.now() + timedelta(days=1)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Treffen", start=start, end=start + timedelta(hours=3)
    )
    Anmeldung.objects.bulk_create(
        [
            Anmeldung(
                veranstaltung=event,
                name=f"{rng.choice(VORNAMEN)} {rng.choice(NACHNAMEN)}",
                email=f"gast{i}@bench.example",
                status=Anmeldung.Status.BESTAETIGT,
            )
            for i in range(250)
        ]
    )
    return event.pk, User.objects.count()


def measure(step) -> tuple[float, float, object]:
    result = step()  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = step()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(RUNS * 0.95) - 1], result


def sql(statement: str, params=()):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    return run


def row(label: str, portal, baseline) -> None:
    m, p95, result = measure(portal)
    bm, bp95, base = measure(baseline)
    print(
        f"{label:<44} {m:7.2f} {p95:7.2f}   {bm:7.2f} {bp95:7.2f}   {p95 / bp95:5.2f}x   "
        f"{len(result):>5} / {len(base):>5}"
    )


def main() -> None:
    prepare("netzwerk_sortierung")
    fresh_database()
    started = time.perf_counter()
    event_pk, accounts = build()
    dauer = time.perf_counter() - started
    print(f"Daten: {accounts} Konten, 2000 Organisationen, 250 Plätze ({dauer:.1f} s)")

    from konferenzen import einlass
    from konferenzen.models import Veranstaltung
    from netzwerk.konten import konten_for_list
    from netzwerk.models import User

    event = Veranstaltung.objects.get(pk=event_pk)
    namen = "SELECT name FROM (SELECT DISTINCT last_name AS name FROM netzwerk_user) n"
    deutsch = sql(f"{namen} WHERE name NOT LIKE '%%-%%' ORDER BY name")()
    bytes_ = sql(f"{namen} WHERE name NOT LIKE '%%-%%' ORDER BY name COLLATE \"C\"")()
    print("Nachnamen deutsch (de-x-icu):", ", ".join(n for (n,) in deutsch))
    print("Nach Bytes (C, die Basis):   ", ", ".join(n for (n,) in bytes_))
    print()
    kopf = f"{'Abfrage (ms)':<44} {'Median':>7} {'p95':>7}   {'Basis':>7} {'p95':>7}"
    print(f"{kopf}   Faktor   Treffer")
    row(
        "Konten sortiert, erste 50 (SQL)",
        sql("SELECT id FROM netzwerk_user ORDER BY last_name, first_name, email LIMIT 50"),
        sql(
            'SELECT id FROM netzwerk_user ORDER BY last_name COLLATE "C", first_name COLLATE "C", '
            "email LIMIT 50"
        ),
    )
    row(
        "Konten sortiert, alle 20.000 (SQL)",
        sql("SELECT id FROM netzwerk_user ORDER BY last_name, first_name, email"),
        sql(
            'SELECT id FROM netzwerk_user ORDER BY last_name COLLATE "C", first_name COLLATE "C", '
            "email"
        ),
    )
    row(
        "Organisationen sortiert, alle (SQL)",
        sql("SELECT id FROM akteure_organisation ORDER BY name"),
        sql('SELECT id FROM akteure_organisation ORDER BY name COLLATE "C"'),
    )
    row(
        "Kontensuche 'Mueller', Seite 1 (ORM)",
        lambda: list(konten_for_list(suche="Mueller").values_list("pk", flat=True)[:50]),
        lambda: list(
            User.objects.filter(last_name__icontains="Mueller")
            .order_by("last_name", "first_name", "email")
            .values_list("pk", flat=True)[:50]
        ),
    )
    row(
        "Kontensuche 'Mueller', alle Treffer (ORM)",
        lambda: list(konten_for_list(suche="Mueller").values_list("pk", flat=True)),
        lambda: list(
            User.objects.filter(last_name__icontains="Mueller").values_list("pk", flat=True)
        ),
    )
    row(
        "Einlass-Suche 'strass' in 250 Plätzen (ORM)",
        lambda: list(einlass.suche(event, "strass").values_list("pk", flat=True)),
        lambda: list(
            einlass.teilnehmende_of(event)
            .filter(name__icontains="strass")
            .values_list("pk", flat=True)
        ),
    )


if __name__ == "__main__":
    main()
