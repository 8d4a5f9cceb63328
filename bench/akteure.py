"""Benchmark of the actor registry (PostgreSQL), at the sizes of BENCH_SIZES (default 1,4,16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/akteure.py

Builds a fresh database netzwerk_bench and grows it to each size in turn; 1x is a county's
registry: 2,000 organisations, 5,000 persons, 6,000 offers. For every size it prints, per
directory page, the median and p95 server time over N requests, next to a baseline measured in
the same run: a bare view behind the same middleware that fetches the same page of rows with one
raw SQL query: first as most requests find the page, from the cache, then drawn afresh
("frisch": the cache stale before every request). It checks that no page needs more queries at a
bigger size. At 1x only, last, the import of 5,000 offer rows: rows per second.
"""

import os
import random
import time

from _common import (
    Messreihe,
    als_text,
    fresh_database,
    frisch_client,
    prepare,
    sizes,
    verknuepfen,
)

prepare("netzwerk_bench")

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "40"))
ORGS, PERSONS, OFFERS, IMPORT_ROWS = 2_000, 5_000, 6_000, 5_000


def generate(size: int) -> None:
    """Add organisations, persons and offers until the generated data is `size` times the
    county's (the demo town's few rows on top)."""
    from akteure.models import Angebot, Einwilligung, Organisation, Organisationstyp, Person
    from akteure.stand import stand_erneuern
    from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum

    start = Organisation.objects.filter(slug__startswith="einrichtung-").count() // ORGS
    if start >= size:
        return
    rng = random.Random(7 + start)
    typen = list(Organisationstyp.objects.all())
    raeume = list(Sozialraum.objects.all())
    phasen = list(Lebensphase.objects.all())
    felder = list(Handlungsfeld.objects.all())
    words = [
        "Familie",
        "Kinder",
        "Sprache",
        "Sport",
        "Beratung",
        "Eltern",
        "Jugend",
        "Schule",
        "Gesundheit",
        "Übergang",
        "Förderung",
        "Treff",
        "Kurs",
        "Hilfe",
        "Café",
    ]
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Einrichtung {i:04} {rng.choice(words)}",
            slug=f"einrichtung-{i}",
            typ=rng.choice(typen),
            sozialraum=rng.choice(raeume),
            city="Kreisstadt",
            description=" ".join(rng.sample(words, 4)),
        )
        for i in range(ORGS * start, ORGS * size)
    )
    persons = Person.objects.bulk_create(
        Person(
            first_name=f"Vorname{i}",
            last_name=f"Nachname{i}",
            organisation=rng.choice(orgs),
            email=f"person{i}@kreis.example",
        )
        for i in range(PERSONS * start, PERSONS * size)
    )
    Einwilligung.objects.bulk_create(
        Einwilligung(person=p, purpose="verzeichnis", method="import")
        for p in persons
        if rng.random() < 0.5
    )
    offers = Angebot.objects.bulk_create(
        Angebot(
            title=f"{rng.choice(words)}{rng.choice(['kurs', 'treff', 'gruppe', ''])} "
            f"{rng.choice(words)} {i}",
            slug=f"kreis-angebot-{i}",
            organisation=rng.choice(orgs),
            description=" ".join(rng.choice(words) for _ in range(25)),
            sozialraum=rng.choice(raeume),
            is_public=rng.random() < 0.9,
        )
        for i in range(OFFERS * start, OFFERS * size)
    )
    verknuepfen(rng, offers, "lebensphasen", "lebensphase_id", phasen, 3)
    verknuepfen(rng, offers, "handlungsfelder", "handlungsfeld_id", felder, 3)
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load (the bench server may run without it):
        # statistics, and the visibility map the index-only counts of the lists rely on.
        cursor.execute("VACUUM ANALYZE")
    stand_erneuern()  # bulk creates send no signals: the cached pages are stale


# --- The baseline: one raw SQL query for the same page of rows -------------------------------
BASE_SQL = """
SELECT a.title, o.name, t.name, s.name
FROM akteure_angebot a JOIN akteure_organisation o ON o.id = a.organisation_id
JOIN akteure_organisationstyp t ON t.id = o.typ_id
LEFT JOIN netzwerk_sozialraum s ON s.id = a.sozialraum_id
WHERE a.is_public {extra} ORDER BY {order} LIMIT 25
"""


def _raw(sql: str, params=()) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return als_text(rows)


def base_list(request):
    return _raw(BASE_SQL.format(extra="", order="a.title"))


def base_filtered(request):
    extra = (
        "AND EXISTS (SELECT 1 FROM akteure_angebot_lebensphasen l WHERE l.angebot_id = a.id "
        "AND l.lebensphase_id = %s) AND EXISTS (SELECT 1 FROM akteure_angebot_handlungsfelder"
        " h WHERE h.angebot_id = a.id AND h.handlungsfeld_id = %s)"
    )
    return _raw(
        BASE_SQL.format(extra=extra, order="a.title"),
        [request.GET["lebensphase"], request.GET["handlungsfeld"]],
    )


def base_search(request):
    extra = "AND to_tsvector('german', a.title || ' ' || a.description) @@ to_tsquery('german', %s)"
    return _raw(BASE_SQL.format(extra=extra, order="a.title"), [request.GET["q"] + ":*"])


def base_map(request):
    return _raw("""
        SELECT l.lebensphase_id, h.handlungsfeld_id, COUNT(DISTINCT a.id)
        FROM akteure_angebot a
        JOIN akteure_angebot_lebensphasen l ON l.angebot_id = a.id
        JOIN akteure_angebot_handlungsfelder h ON h.angebot_id = a.id
        WHERE a.is_public AND a.confirmed_at >= now() - interval '365 days'
        GROUP BY 1, 2""")


def base_orgs(request):
    return _raw("""SELECT o.name, t.name, s.name FROM akteure_organisation o
        JOIN akteure_organisationstyp t ON t.id = o.typ_id
        LEFT JOIN netzwerk_sozialraum s ON s.id = o.sozialraum_id ORDER BY o.name LIMIT 25""")


urlpatterns = [
    path("bench/list", base_list),
    path("bench/filtered", base_filtered),
    path("bench/search", base_search),
    path("bench/map", base_map),
    path("bench/orgs", base_orgs),
    path("", include("netzwerk.urls")),
]


def pages() -> list[tuple[str, str, str]]:
    from netzwerk.models import Handlungsfeld, Lebensphase

    phase = Lebensphase.objects.order_by("position")[2].pk
    feld = Handlungsfeld.objects.order_by("position")[0].pk
    return [
        ("Angebote: Liste", "/akteure/angebote/", "/bench/list"),
        (
            "Angebote: gefiltert",
            f"/akteure/angebote/?lebensphase={phase}&handlungsfeld={feld}",
            f"/bench/filtered?lebensphase={phase}&handlungsfeld={feld}",
        ),
        ("Angebote: Suche", "/akteure/angebote/?q=Familie", "/bench/search?q=Familie"),
        ("Präventionskette", "/akteure/praeventionskette/", "/bench/map"),
        ("Organisationen: Liste", "/akteure/organisationen/", "/bench/orgs"),
    ]


def import_rate() -> None:
    from akteure.importer import check, execute, guess_mapping
    from akteure.models import Angebot, Import, Organisation
    from netzwerk.models import User
    from netzwerk.tabellen import read_table

    orgs = list(Organisation.objects.values_list("name", flat=True)[:500])
    rng = random.Random(11)
    lines = ["Titel;Organisation;Lebensphasen;Handlungsfelder;Kosten;Website"]
    for i in range(IMPORT_ROWS):
        lines.append(
            f"Importiertes Angebot {i};{rng.choice(orgs)};0-3 Jahre; Gesundheit;"
            f"kostenlos;angebot{i}.example"
        )
    data = "\n".join(lines).encode()
    before = Angebot.objects.count()
    start = time.perf_counter()
    headers, rows = read_table(data, "bench.csv")
    imp = Import(
        art="angebote",
        filename="bench.csv",
        headers=headers,
        mapping=guess_mapping("angebote", headers),
        rows_total=len(rows),
        created_by=User.objects.filter(is_staff=True).first(),
    )
    result = check(imp.art, rows, imp.mapping)
    assert result.ok, result.errors[:3]
    checked = time.perf_counter()
    execute(imp, rows)
    done = time.perf_counter()
    created = Angebot.objects.count() - before
    assert created == IMPORT_ROWS, created
    print(
        f"Import {IMPORT_ROWS} Angebote (CSV): {created / (done - start):.0f} Zeilen/s gesamt "
        f"(Prüfung {checked - start:.2f} s, Schreiben mit Verlauf {done - checked:.2f} s)"
    )


class _ImportZurueck(Exception):
    """Rolls the measured import back."""


def main() -> None:
    from akteure.models import Angebot, Organisation, Person

    fresh_database()
    call_command("demo_data", quiet=True)  # vocabularies, accounts, the demo town
    client, frisch = Client(), frisch_client()
    reihe = Messreihe(N)
    for size in sizes():
        start = time.perf_counter()
        generate(size)
        print(
            f"{size}x: {Organisation.objects.count()} Organisationen, {Person.objects.count()} "
            f"Personen, {Angebot.objects.count()} Angebote (erzeugt in "
            f"{time.perf_counter() - start:.1f} s); {N} Anfragen je Seite",
            flush=True,
        )
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            for messung, zusatz in ((client, ""), (frisch, " (frisch)")):
                for label, url, base in pages():
                    reihe.messen(label + zusatz, size, messung, url, base, base_client=client)
        if size == 1:
            try:  # rolled back, so the next size starts from the generated data only
                with transaction.atomic():
                    import_rate()
                    raise _ImportZurueck
            except _ImportZurueck:
                pass
    reihe.zusammenfassung()


if __name__ == "__main__":
    main()
