"""Benchmark of the lists for the day (PostgreSQL): the signature sheet, the public participant
list and the name badges of a conference with 250 participants, rendered by WeasyPrint as the
worker does it (konferenzen.einlass.pdf_bytes, called by the task render_druck; the request only
asks for the PDF).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk \
        .venv/bin/python bench/teilnehmerliste.py

Builds a fresh database netzwerk_bench_teilnehmerliste with one event, five working groups and 250
confirmed registrations (some without a group, a third on the public list), then prints for each
PDF the median and p95 render time over N runs (after a warm-up), its queries, pages and size.
The aim for the participant list: under 3 s.
"""

import os
import random
from datetime import timedelta

from _common import fresh_database, prepare

prepare("netzwerk_bench_teilnehmerliste")

from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_RUNS", "5"))
TEILNEHMENDE = 250
GRUPPEN = [
    "Lotsen und Case-Management",
    "Zugänge und Zielgruppe",
    "vernetzte Angebote",
    "Psychische Belastung von Eltern und Kindern",
    "Demokratie fördern",
]
VORNAMEN = ["Anna", "Bernd", "Çiğdem", "Jörg", "Maximiliane", "Lukas", "Özlem", "Ida", "Tomasz"]
NACHNAMEN = ["Müller", "Schmidt", "Yılmaz", "Becker", "Öztürk", "Kowalski", "von der Heide"]


def generate():
    from akteure.models import Organisation, Organisationstyp
    from konferenzen.models import Anmeldung, Arbeitsgruppe, Veranstaltung

    rng = random.Random(5)
    now = timezone.now()
    start = now + timedelta(days=3)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Präventionskonferenz des Kreises", start=start,
        end=start + timedelta(hours=6), place="Kreishaus", room="Großer Sitzungssaal",
    )  # fmt: skip
    gruppen = [Arbeitsgruppe.objects.create(veranstaltung=event, name=n) for n in GRUPPEN]
    typ, _ = Organisationstyp.objects.get_or_create(slug="verein", defaults={"name": "Verein"})
    organisationen = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {i} e. V.", slug=f"org-{i}", typ=typ) for i in range(60)
    )
    anmeldungen = Anmeldung.objects.bulk_create(
        Anmeldung(
            veranstaltung=event,
            name=f"{rng.choice(VORNAMEN)} {rng.choice(NACHNAMEN)} {i}",
            email=f"person{i}@kreis.example",
            organisation=rng.choice(organisationen) if i % 4 else None,
            organisation_name="" if i % 4 else "Freie Trägerin",
            on_list=i % 3 == 0,
            status="bestaetigt",
            confirmed_at=now,
        )
        for i in range(TEILNEHMENDE)
    )
    Through = Anmeldung.arbeitsgruppen.through
    Through.objects.bulk_create(
        Through(anmeldung=a, arbeitsgruppe=rng.choice(gruppen))
        for i, a in enumerate(anmeldungen)
        if i % 10
    )
    return event


def main() -> None:
    import statistics
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from konferenzen import einlass
    from konferenzen.models import Druck

    fresh_database()
    from netzwerk.demo import build as netzwerk_build

    netzwerk_build()  # vocabularies and roles
    event = generate()
    pdfs = [
        ("Unterschriftenliste", Druck.Art.UNTERSCHRIFTENLISTE),
        ("Öffentliche Liste", Druck.Art.TEILNEHMERLISTE),
        ("Namensschilder", Druck.Art.NAMENSSCHILDER),
    ]
    print(f"Daten: 1 Veranstaltung, {len(GRUPPEN)} Arbeitsgruppen, {TEILNEHMENDE} Teilnehmende")
    print("Renderzeit im Worker (konferenzen.einlass.pdf_bytes, wie render_druck sie braucht)")
    print(f"{'PDF':22} {'Median':>9} {'p95':>9} {'Queries':>8} {'Seiten':>7} {'Größe':>9}")
    verfehlt = []
    for label, art in pdfs:
        einlass.pdf_bytes(event, art)  # warm-up
        times = []
        for _ in range(N):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                pdf = einlass.pdf_bytes(event, art)
                times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
        print(
            f"{label:22} {median:7.0f}ms {p95:7.0f}ms {len(queries):8} {pdf.pages:7} "
            f"{len(pdf) / 1024:7.0f}KB"
        )
        if median >= 3000:
            verfehlt.append(label)
    print(f"({N} Läufe je PDF nach einem Aufwärmlauf; Ziel: Median unter 3 s)")
    if verfehlt:
        print(f"Ziel verfehlt: {', '.join(verfehlt)}")


if __name__ == "__main__":
    main()
