"""Benchmark of the side-by-side page of need and offers (issue 19; PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk \
        .venv/bin/python bench/sozialmonitoring.py

Builds a fresh database netzwerk_bench_sozial. First a small town (4 Sozialräume, 60 offers,
3 indicators over 2 years), then the issue's size: 40 Sozialräume, 6,000 offers, 10 indicators
(4 populations of a life phase, 6 needs) over 5 years, a few values suppressed. For each it
prints the median and p95 server time of /akteure/bedarf/ over N requests (a partner signed in):
as most requests find it, from the cache, and drawn afresh (as after a new figure or offer),
next to a baseline in the same run: a bare view behind the same middleware that runs the page's
two heavy aggregates as raw SQL (offers per district and phase, the latest value per indicator
and district). It checks that the page needs as many queries at 40 districts as at 4, and that
its p95 drawn afresh stays below 150 ms. No boundaries are imported: the map is the tile grid
(the choropleth is cached by akteure.karten, so it is the cheaper case). For scale it also
times the help page, which is the page frame and text alone.
"""

import os
import random
import time
from contextlib import contextmanager
from uuid import uuid4

from _common import client_for, fresh_database, prepare, timed, verknuepfen

prepare("netzwerk_bench_sozial")

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "40"))
ZIEL_P95_MS = 150
KLEIN = {"raeume": 4, "angebote": 60, "bevoelkerung": 1, "bedarf": 2, "jahre": 2}
GROSS = {"raeume": 40, "angebote": 6_000, "bevoelkerung": 4, "bedarf": 6, "jahre": 5}
PHASEN = ["0-3 Jahre", "3-6 Jahre", "6-10 Jahre", "10-14 Jahre", "14-18 Jahre", "Eltern"]
FELDER = ["Gesundheit", "Bildung", "Sprache", "Sport und Freizeit", "Beratung"]


def grundlage() -> None:
    from akteure.models import Organisationstyp
    from netzwerk.models import Handlungsfeld, Lebensphase

    for i, name in enumerate(PHASEN):
        Lebensphase.objects.create(name=name, slug=f"phase-{i}", position=i)
    for i, name in enumerate(FELDER):
        Handlungsfeld.objects.create(name=name, slug=f"feld-{i}", position=i)
    Organisationstyp.objects.create(name="Träger", slug="traeger")


def erzeugen(groesse: dict) -> None:
    """Replace the generated districts, offers and indicators by those of `groesse`."""
    from akteure.models import Angebot, Organisation, Organisationstyp
    from akteure.stand import stand_erneuern
    from netzwerk.models import Handlungsfeld, Indikator, IndikatorWert, Lebensphase, Sozialraum

    Angebot.objects.all().delete()
    Organisation.objects.all().delete()
    Indikator.objects.all().delete()
    Sozialraum.objects.all().delete()
    rng = random.Random(19)
    raeume = Sozialraum.objects.bulk_create(
        Sozialraum(name=f"Bezirk {i + 1:02d}", slug=f"bezirk-{i + 1}", position=i)
        for i in range(groesse["raeume"])
    )
    phasen = list(Lebensphase.objects.order_by("position"))
    felder = list(Handlungsfeld.objects.all())
    typ = Organisationstyp.objects.get()
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Träger {i:03}", slug=f"traeger-{i}", typ=typ, sozialraum=raeume[i % len(raeume)]
        )
        for i in range(max(10, groesse["angebote"] // 12))
    )
    angebote = Angebot.objects.bulk_create(
        Angebot(
            title=f"Angebot {i}",
            slug=f"angebot-{i}",
            organisation=rng.choice(orgs),
            sozialraum=rng.choice(raeume),
            is_public=rng.random() < 0.9,
        )
        for i in range(groesse["angebote"])
    )
    verknuepfen(rng, angebote, "lebensphasen", "lebensphase_id", phasen, 3)
    verknuepfen(rng, angebote, "handlungsfelder", "handlungsfeld_id", felder, 3)
    indikatoren = [
        Indikator(
            name=f"Kinder {phasen[i].name}",
            slug=f"kinder-{i}",
            einheit="Kinder",
            art=Indikator.Art.BEVOELKERUNG,
            lebensphase=phasen[i],
            zaehlt_personen=True,
            position=i,
        )
        for i in range(groesse["bevoelkerung"])
    ] + [
        Indikator(
            name=f"Bedarfsindikator {i + 1}",
            slug=f"bedarf-{i + 1}",
            einheit="%",
            richtung=Indikator.Richtung.WENIGER_BEDARF
            if i % 3 == 2
            else Indikator.Richtung.MEHR_BEDARF,
            position=10 + i,
        )
        for i in range(groesse["bedarf"])
    ]
    Indikator.objects.bulk_create(indikatoren)
    werte = []
    for ind in indikatoren:
        for sr in raeume:
            for jahr in range(2025 - groesse["jahre"], 2025):
                unterdrueckt = rng.random() < 0.03
                wert = (
                    rng.randint(40, 900)
                    if ind.art == Indikator.Art.BEVOELKERUNG
                    else round(rng.uniform(2, 45), 1)
                )
                werte.append(
                    IndikatorWert(
                        indikator=ind,
                        sozialraum=sr,
                        jahr=jahr,
                        wert=None if unterdrueckt else wert,
                        unterdrueckt=unterdrueckt,
                    )
                )
    IndikatorWert.objects.bulk_create(werte)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
    stand_erneuern()


# --- The baseline: the page's two heavy aggregates as raw SQL ----------------------------------
BASE_SQL = [
    """SELECT a.sozialraum_id, l.lebensphase_id, COUNT(*) FROM akteure_angebot a
       LEFT JOIN akteure_angebot_lebensphasen l ON l.angebot_id = a.id
       WHERE a.sozialraum_id IS NOT NULL AND a.confirmed_at >= now() - interval '365 days'
       GROUP BY 1, 2""",
    """SELECT DISTINCT ON (indikator_id, sozialraum_id) indikator_id, sozialraum_id, jahr, wert
       FROM netzwerk_indikatorwert ORDER BY indikator_id, sozialraum_id, jahr DESC""",
]


def base_bedarf(request):
    out = []
    with connection.cursor() as cursor:
        for sql in BASE_SQL:
            cursor.execute(sql)
            out += [" | ".join(map(str, r)) for r in cursor.fetchall()]
    return HttpResponse("\n".join(out))


urlpatterns = [path("bench/bedarf", base_bedarf), path("", include("netzwerk.urls"))]


def _zeile(label: str, seite: tuple, basis: tuple) -> str:
    return (
        f"{label:34} p50 {seite[0]:6.1f} ms  p95 {seite[1]:6.1f} ms  {seite[2]:3} Abfragen  "
        f"Basis p50 {basis[0]:5.1f} ms p95 {basis[1]:5.1f} ms  Faktor {seite[1] / basis[1]:4.1f}x"
    )


@contextmanager
def _frisch():
    """Every request draws the page anew, as after a new figure or offer: the fragment's key
    (netzwerk.fragmente) gets a new part each time, so the cache never has it."""
    from netzwerk import fragmente

    vorher = fragmente._ausgabe
    fragmente._ausgabe = lambda: uuid4().hex
    try:
        yield
    finally:
        fragmente._ausgabe = vorher


def main() -> None:
    from akteure.models import Angebot
    from netzwerk.models import IndikatorWert, Rolle, Sozialraum

    fresh_database()
    grundlage()
    client = client_for("bench-partner@kreis.example", Rolle.PARTNER, mfa=False)
    base_client = Client()
    ergebnisse = {}
    for label, groesse in (("klein", KLEIN), ("groß", GROSS)):
        start = time.perf_counter()
        erzeugen(groesse)
        print(
            f"{label}: {Sozialraum.objects.count()} Sozialräume, {Angebot.objects.count()} "
            f"Angebote, {groesse['bevoelkerung'] + groesse['bedarf']} Indikatoren über "
            f"{groesse['jahre']} Jahre ({IndikatorWert.objects.count()} Werte, "
            f"{IndikatorWert.objects.filter(unterdrueckt=True).count()} unterdrückt); erzeugt in "
            f"{time.perf_counter() - start:.1f} s; {N} Anfragen",
            flush=True,
        )
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            seite = timed(client, "/akteure/bedarf/", N)
            sortiert = timed(client, "/akteure/bedarf/?sortierung=-bedarf-1", N)
            with _frisch():
                frisch = timed(client, "/akteure/bedarf/", N)
                frisch_sortiert = timed(client, "/akteure/bedarf/?sortierung=-bedarf-1", N)
            basis = timed(base_client, "/bench/bedarf", N)
            rahmen = timed(client, "/hilfe/", N)
        ergebnisse[label] = (frisch, frisch_sortiert)
        for name, messung in (
            ("Bedarf und Angebote", seite),
            ("  sortiert", sortiert),
            ("  frisch gezeichnet", frisch),
            ("  frisch, sortiert", frisch_sortiert),
        ):
            print(_zeile(f"{name} ({groesse['raeume']} SR)", messung, basis), flush=True)
        print(
            f"  zum Vergleich: die Hilfeseite, nur Seitenrahmen und Text, p50 {rahmen[0]:.1f} ms "
            f"p95 {rahmen[1]:.1f} ms",
            flush=True,
        )
    klein, gross = ergebnisse["klein"], ergebnisse["groß"]
    assert gross[0][2] == klein[0][2] and gross[1][2] == klein[1][2], (
        f"Abfragen wachsen: {klein[0][2]} bei 4 Sozialräumen, {gross[0][2]} bei 40"
    )
    print(f"Abfragen je Seite: {gross[0][2]} bei 4 wie bei 40 Sozialräumen (geprüft).")
    p95 = max(gross[0][1], gross[1][1])
    print(f"p95 bei 40 Sozialräumen: {p95:.1f} ms (Ziel < {ZIEL_P95_MS} ms)")
    assert p95 < ZIEL_P95_MS, f"p95 {p95:.1f} ms über dem Ziel von {ZIEL_P95_MS} ms"


if __name__ == "__main__":
    main()
