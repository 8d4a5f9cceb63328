"""Benchmark of the lists for the day (PostgreSQL): the signature sheet, the public participant
list and the name badges of a conference with 250 participants, rendered by WeasyPrint as the
worker does it (konferenzen.einlass.pdf_bytes, called by the task render_druck; the request only
asks for the PDF).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk \
        .venv/bin/python bench/teilnehmerliste.py

Builds a fresh database netzwerk_bench_teilnehmerliste with one event, five working groups and 250
confirmed registrations (some without a group, a third on the public list), then prints for each
PDF the first render in the process (cold: WeasyPrint's import, the fonts, the templates), the
median (p50) and p95 render time over BENCH_RUNS runs (default 5; p95 by nearest rank, with 5
runs the slowest) after a warm-up, its queries, pages and size, and where the time goes (medians):
the QR codes (segno, badges only), the template, WeasyPrint's HTML parser, its layout
(HTML.render: styles, boxes, line breaking) and writing the tagged PDF/UA-1 (write_pdf: drawing,
tags, fonts). Aims (issue 18): the 250 badges and the 250-person signature sheet each under 3 s,
median and p95.
"""

import os
import random
import statistics
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from unittest import mock

from _common import fresh_database, gezeitet, p95, prepare, ziel

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


ZIEL = 3.0  # seconds, median and p95 (issue 18)


@contextmanager
def stoppuhr(teile: dict[str, float]):
    """Adds the time spent in each part of pdf_bytes to `teile` (the module attributes are
    wrapped, so the real calls are timed)."""
    import weasyprint
    from weasyprint.document import Document

    from konferenzen import einlass
    from netzwerk import pdf

    timed = partial(gezeitet, teile)
    with (
        mock.patch.object(einlass, "qr_png", timed("qr", einlass.qr_png)),
        mock.patch.object(pdf, "render_to_string", timed("template", pdf.render_to_string)),
        mock.patch.object(weasyprint.HTML, "__init__", timed("parser", weasyprint.HTML.__init__)),
        mock.patch.object(weasyprint.HTML, "render", timed("satz", weasyprint.HTML.render)),
        mock.patch.object(Document, "write_pdf", timed("schreiben", Document.write_pdf)),
    ):
        yield


def main() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from konferenzen import einlass
    from konferenzen.models import Druck

    fresh_database()
    from netzwerk.demo import build as netzwerk_build

    netzwerk_build()  # vocabularies and roles
    event = generate()
    pdfs = [
        (f"Namensschilder ({TEILNEHMENDE})", Druck.Art.NAMENSSCHILDER, True),
        (f"Unterschriftenliste ({TEILNEHMENDE})", Druck.Art.UNTERSCHRIFTENLISTE, True),
        ("Öffentliche Liste", Druck.Art.TEILNEHMERLISTE, False),
    ]
    print(
        f"Daten: 1 Veranstaltung, {len(GRUPPEN)} Arbeitsgruppen, {TEILNEHMENDE} Teilnehmende; "
        f"{os.cpu_count()} CPU-Kerne, geteilt mit anderen Prozessen; Last vorher "
        f"{os.getloadavg()[0]:.1f}"
    )
    print("Renderzeit im Worker (konferenzen.einlass.pdf_bytes, wie render_druck sie braucht)")
    print(
        f"{'PDF':28} {'erster':>8} {'p50':>8} {'p95':>8} {'Queries':>8} {'Seiten':>7} "
        f"{'Größe':>8}   Ziel"
    )
    zeilen, verfehlt = [], []
    for label, art, mit_ziel in pdfs:
        start = time.perf_counter()
        einlass.pdf_bytes(event, art)  # the first in the process pays for imports and fonts
        erster = time.perf_counter() - start
        einlass.pdf_bytes(event, art)  # warm-up
        times, teile = [], []
        for _ in range(N):
            teile.append({})
            with stoppuhr(teile[-1]), CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                pdf = einlass.pdf_bytes(event, art)
                times.append(time.perf_counter() - started)
        median, hoch = statistics.median(times), p95(times)
        print(
            f"{label:28} {erster:7.2f}s {median:7.2f}s {hoch:7.2f}s {len(queries):8} "
            f"{pdf.pages:7} {len(pdf) / 1024:6.0f}KB   "
            + (ziel(median, hoch, ZIEL) if mit_ziel else "–")
        )
        mitte = {k: statistics.median(t.get(k, 0.0) for t in teile) for k in teile[0]}
        rest = median - sum(mitte.values())
        zeilen.append(
            f"  {label}: "
            + (f"QR-Codes {mitte['qr']:.2f} s, " if "qr" in mitte else "")
            + f"Template {mitte['template']:.2f} s, HTML-Parser {mitte['parser']:.2f} s, "
            f"Satz (HTML.render) {mitte['satz']:.2f} s, PDF schreiben (write_pdf) "
            f"{mitte['schreiben']:.2f} s, Rest (Abfragen, Sortierung) {rest:.2f} s"
        )
        if mit_ziel and hoch >= ZIEL:
            verfehlt.append(label)
    print(f"({N} Läufe je PDF nach einem Aufwärmlauf; p95 nach dem nächsten Rang)")
    print("davon (Mediane):")
    print("\n".join(zeilen))
    print(f"Last nachher {os.getloadavg()[0]:.1f}")
    if verfehlt:
        print(f"Ziel verfehlt: {', '.join(verfehlt)}")


if __name__ == "__main__":
    main()
