"""Benchmark of planning events in the portal (konferenzen.planung), each against a floor
measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/planung.py

Uses a fresh database netzwerk_bench_planung. One conference with BENCH_PUNKTE agenda items,
BENCH_GRUPPEN working groups and BENCH_ANMELDUNGEN registrations spread over the groups. Each
step runs BENCH_RUNDEN times inside a transaction that is rolled back, so every run starts from
the same rows; the median is printed.

- copy: `veranstaltung_copy` (rights, checks, dates shifted across summer time) against the floor
  of writing the same rows with one INSERT per table (bulk_create).
- series of 52 dates: `serie_create` (each date through the save service with its checks)
  against bulk_create of 52 rows.
- cancel: `veranstaltung_cancel` with every registered person told through the outbox, against
  the floor of rendering and storing the same mails with `mail_queue` in a plain loop.
- move the event with notice: `veranstaltung_save(notify=True)` against the same mail floor.
- remove a working group, its people moved to another: `gruppe_delete` against the floor of one
  M2M insert and the same mails.
- the programme page (GET, the coordinator): p50/p95 and queries against the floor of the raw
  SQL that reads the same agenda and the groups with their seat counts.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fresh_database, prepare, rolled_back_ms, timed  # noqa: E402

PUNKTE = int(os.environ.get("BENCH_PUNKTE", "30"))
GRUPPEN = int(os.environ.get("BENCH_GRUPPEN", "12"))
ANMELDUNGEN = int(os.environ.get("BENCH_ANMELDUNGEN", "1000"))
RUNDEN = int(os.environ.get("BENCH_RUNDEN", "5"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))


def rolled(step) -> float:
    return rolled_back_ms(step, RUNDEN)


def main() -> None:
    prepare("netzwerk_bench_planung")
    fresh_database()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from konferenzen import planung
    from konferenzen.models import Anmeldung, Arbeitsgruppe, Tagesordnungspunkt, Veranstaltung
    from netzwerk.mail import mail_queue
    from netzwerk.models import Rolle, User

    koordination = User.objects.create_user(
        email="koordination@bench.example", password="x", first_name="K", last_name="K",
        approved_at=timezone.now(),
    )  # fmt: skip
    koordination.groups.add(Group.objects.get_or_create(name=Rolle.KOORDINATION)[0])
    start = timezone.now().replace(microsecond=0) + timedelta(days=60)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Präventionskonferenz", start=start,
        end=start + timedelta(hours=6), place="Stadthalle", visibility="public",
        registration_closes=start - timedelta(days=7),
    )  # fmt: skip
    Tagesordnungspunkt.objects.bulk_create(
        Tagesordnungspunkt(
            veranstaltung=event, title=f"Punkt {i}", speaker="Koordination", position=10 * i
        )  # fmt: skip
        for i in range(PUNKTE)
    )
    gruppen = Arbeitsgruppe.objects.bulk_create(
        Arbeitsgruppe(veranstaltung=event, name=f"Gruppe {i}", capacity=ANMELDUNGEN)
        for i in range(GRUPPEN)
    )
    anmeldungen = Anmeldung.objects.bulk_create(
        Anmeldung(veranstaltung=event, name=f"Person {i}", email=f"p{i}@bench.example")
        for i in range(ANMELDUNGEN)
    )
    Through = Anmeldung.arbeitsgruppen.through
    Through.objects.bulk_create(
        Through(anmeldung_id=a.pk, arbeitsgruppe_id=gruppen[i % GRUPPEN].pk)
        for i, a in enumerate(anmeldungen)
    )
    event.refresh_from_db()
    in_gruppe0 = ANMELDUNGEN // GRUPPEN + (1 if ANMELDUNGEN % GRUPPEN else 0)
    print(
        f"Konferenz: {PUNKTE} Tagesordnungspunkte, {GRUPPEN} Arbeitsgruppen, "
        f"{ANMELDUNGEN} Anmeldungen; Median aus {RUNDEN} Läufen"
    )
    rows = []

    # Copy
    def floor_copy():
        copy = Veranstaltung.objects.create(
            art=event.art, title="Kopie", start=event.start + timedelta(days=364),
            end=event.end + timedelta(days=364), place=event.place,
        )  # fmt: skip
        Tagesordnungspunkt.objects.bulk_create(
            Tagesordnungspunkt(veranstaltung=copy, title=t.title, position=t.position)
            for t in event.tagesordnung.all()
        )
        Arbeitsgruppe.objects.bulk_create(
            Arbeitsgruppe(veranstaltung=copy, name=g.name, capacity=g.capacity)
            for g in event.arbeitsgruppen.all()
        )

    rows.append(
        (
            "Kopieren (nächstes Jahr)",
            rolled(
                lambda: planung.veranstaltung_copy(
                    original=event,
                    start=event.start + timedelta(days=364),
                    title="Kopie",
                    by=koordination,
                )  # fmt: skip
            ),
            rolled(floor_copy),
        )
    )

    # Series of 52
    def vorlage():
        return Veranstaltung(
            art="netzwerktreffen", title="Jour fixe", start=start, end=start + timedelta(hours=1),
            place="Rathaus", visibility="members",
        )  # fmt: skip

    rows.append(
        (
            "Serie mit 52 Terminen",
            rolled(
                lambda: planung.serie_create(
                    vorlage=vorlage(), einheit="wochen", abstand=1, anzahl=52, by=koordination
                )
            ),
            rolled(
                lambda: Veranstaltung.objects.bulk_create(
                    Veranstaltung(
                        art="netzwerktreffen",
                        title="Jour fixe",
                        start=start + timedelta(weeks=i),
                        end=start + timedelta(weeks=i, hours=1),
                        place="Rathaus",
                    )  # fmt: skip
                    for i in range(52)
                )
            ),
        )
    )

    # The mail floor: the same mails rendered and stored in a plain loop.
    def mail_floor(name, extra):
        def run():
            for a in Anmeldung.objects.filter(veranstaltung=event):
                mail_queue(
                    name=name, context={"anmeldung": a, "veranstaltung": event, **extra},
                    to=[a.email],
                )  # fmt: skip

        return run

    rows.append(
        (
            f"Absagen, {ANMELDUNGEN} Mails",
            rolled(
                lambda: planung.veranstaltung_cancel(
                    veranstaltung=Veranstaltung.objects.get(pk=event.pk),
                    reason="Erkrankt",
                    by=koordination,
                )  # fmt: skip
            ),
            rolled(mail_floor("veranstaltung_abgesagt", {"grund": "Erkrankt"})),
        )
    )

    def verschieben():
        moved = Veranstaltung.objects.get(pk=event.pk)
        moved.start += timedelta(days=7)
        moved.end += timedelta(days=7)
        planung.veranstaltung_save(veranstaltung=moved, by=koordination, notify=True)

    rows.append(
        (
            f"Verschieben mit Nachricht, {ANMELDUNGEN} Mails",
            rolled(verschieben),
            rolled(
                mail_floor("veranstaltung_geaendert", {"vorher": event, "zeit": True, "ort": False})
            ),
        )
    )

    def gruppe_floor():
        ids = list(
            Through.objects.filter(arbeitsgruppe=gruppen[0]).values_list("anmeldung_id", flat=True)
        )
        Through.objects.bulk_create(
            Through(anmeldung_id=pk, arbeitsgruppe_id=gruppen[1].pk) for pk in ids
        )
        for a in Anmeldung.objects.filter(pk__in=ids):
            mail_queue(
                name="arbeitsgruppe_entfallen",
                context={"anmeldung": a, "veranstaltung": event, "gruppe": "x", "ziel": "y"},
                to=[a.email],
            )
        Arbeitsgruppe.objects.filter(pk=gruppen[0].pk).delete()

    rows.append(
        (
            f"Arbeitsgruppe entfernen, {in_gruppe0} Personen umziehen",
            rolled(
                lambda: planung.gruppe_delete(
                    gruppe=Arbeitsgruppe.objects.get(pk=gruppen[0].pk),
                    ziel=Arbeitsgruppe.objects.get(pk=gruppen[1].pk),
                    by=koordination,
                )  # fmt: skip
            ),
            rolled(gruppe_floor),
        )
    )

    print(f"{'Schritt':52} {'Dienst ms':>10} {'Boden ms':>10} {'Faktor':>7}")
    for name, service_ms, floor_ms in rows:
        print(f"{name:52} {service_ms:10.1f} {floor_ms:10.1f} {service_ms / floor_ms:7.2f}")

    # The programme page
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=koordination, type=Authenticator.Type.TOTP, data={})
    client = Client()
    client.force_login(koordination)
    session = client.session
    session["mfa_authenticated"] = True
    session.save()
    url = f"/konferenzen/{event.pk}/programm/"
    p50, p95, queries = timed(client, url, REQUESTS)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, time, end_time, title, speaker FROM konferenzen_tagesordnungspunkt "
                "WHERE veranstaltung_id = %s ORDER BY position, time, id",
                [event.pk],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT g.id, g.name, g.runde, g.capacity, COUNT(a.id) FILTER (WHERE a.status IN "
                "('bestaetigt', 'teilgenommen')) FROM konferenzen_arbeitsgruppe g LEFT JOIN "
                "konferenzen_anmeldung_arbeitsgruppen t ON t.arbeitsgruppe_id = g.id LEFT JOIN "
                "konferenzen_anmeldung a ON a.id = t.anmeldung_id WHERE g.veranstaltung_id = %s "
                "GROUP BY g.id ORDER BY g.runde, g.name",
                [event.pk],
            )
            cursor.fetchall()

    raw_times = []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        raw()
        raw_times.append((time.perf_counter() - t0) * 1000)
    raw_p50 = statistics.median(raw_times)
    print(
        f"Programmseite: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {queries} Abfragen; "
        f"Roh-SQL derselben Daten {raw_p50:.2f} ms (Faktor {p50 / raw_p50:.1f}; "
        f"der Rest ist Sitzung, Rechte und Seite)"
    )


if __name__ == "__main__":
    main()
