"""Benchmark of the family guide's search (PostgreSQL), at the sizes of BENCH_SIZES (default
1,4,16).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/wegweiser.py

Builds a fresh database netzwerk_wegweiser and grows it to each size in turn; 1x is the demo town
plus 2,000 organisations and 6,000 offers with weekly times, languages and costs. At each size it
times /wegweiser/ with four filters combined
(age, Sozialraum, free of charge, Handlungsfeld) and the same with a fifth (weekday) and full text:
median, p95 and queries, next to two baselines measured in the same run, bare views behind the
same middleware: A does the same filtering, count and page in one raw SQL query; B runs the
page's own SQL statements (every facet count included) through a bare cursor, which leaves out
only what ORM, form and templates cost.
Targets: p95 under 100 ms, at most 3x the baseline, and the same number of queries for a small
and a large result and at every size. Each search prints, as most requests find it (from the
cache), one line against baseline A where there is one and one against baseline B ("[B]"), then
one drawn afresh against B ("frisch": the cache stale before every request; B runs the
statements of a page drawn afresh).
"""

import os
import random
import re
import time
from datetime import time as uhrzeit
from urllib.parse import urlencode

from _common import (
    Messreihe,
    als_text,
    fresh_database,
    frisch_client,
    prepare,
    row,
    sizes,
    timed,
    verknuepfen,
)

prepare("netzwerk_wegweiser")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "60"))
ORGS, OFFERS = 2_000, 6_000
WORDS = ["Familie", "Kinder", "Sprache", "Deutsch", "Sport", "Beratung", "Eltern", "Jugend",
         "Schule", "Gesundheit", "Förderung", "Treff", "Kurs", "Hilfe", "Café"]  # fmt: skip


def generate(size: int) -> None:
    """Add organisations and offers until the generated data is `size` times the county's."""
    from akteure.models import Angebot, Angebotszeit, Organisation, Organisationstyp
    from akteure.stand import stand_erneuern
    from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Sprache

    start = Organisation.objects.filter(slug__startswith="einrichtung-").count() // ORGS
    if start >= size:
        return
    rng = random.Random(16 + start)
    typen = list(Organisationstyp.objects.all())
    raeume = list(Sozialraum.objects.all())
    phasen = list(Lebensphase.objects.all())
    felder = list(Handlungsfeld.objects.all())
    sprachen = list(Sprache.objects.filter(active=True))
    now = timezone.now()
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Einrichtung {i:04} {rng.choice(WORDS)}",
            slug=f"einrichtung-{i}",
            typ=rng.choice(typen),
            sozialraum=rng.choice(raeume),
            city="Kreisstadt",
        )  # fmt: skip
        for i in range(ORGS * start, ORGS * size)
    )
    offers = Angebot.objects.bulk_create(
        Angebot(
            title=f"{rng.choice(WORDS)}{rng.choice(['kurs', 'treff', 'gruppe', ''])} "
            f"{rng.choice(WORDS)} {i}",
            slug=f"kreis-angebot-{i}",
            organisation=rng.choice(orgs),
            description=" ".join(rng.choice(WORDS) for _ in range(25)),
            sozialraum=rng.choice(raeume) if rng.random() < 0.8 else None,
            cost=rng.choice(list(Angebot.Kosten)),
            barrierefrei=rng.random() < 0.4,
            is_public=rng.random() < 0.9,
            confirmed_at=now - timezone.timedelta(days=rng.choice([10, 100, 300, 500, 900])),
        )
        for i in range(OFFERS * start, OFFERS * size)
    )
    verknuepfen(rng, offers, "lebensphasen", "lebensphase_id", phasen, 3)
    verknuepfen(rng, offers, "handlungsfelder", "handlungsfeld_id", felder, 3)
    verknuepfen(rng, offers, "sprachen", "sprache_id", sprachen, 2)
    Angebotszeit.objects.bulk_create(
        Angebotszeit(
            angebot_id=o.pk,
            wochentag=tag,
            beginn=uhrzeit(h := rng.choice([9, 10, 14, 15, 16, 17, 18])),
            ende=uhrzeit(h + 1),
        )  # fmt: skip
        for o in offers
        for tag in rng.sample(range(6), rng.randint(1, 2))
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    stand_erneuern()  # bulk creates send no signals: the cached pages are stale


# --- The baseline: the same filtering, count and page in one raw SQL query ------------------
BASE_SQL = """
SELECT a.uuid, a.title, o.name, a.cost, COUNT(*) OVER ()
FROM akteure_angebot a JOIN akteure_organisation o ON o.id = a.organisation_id
WHERE a.is_public AND a.confirmed_at >= now() - interval '730 days'
  AND COALESCE(a.sozialraum_id, o.sozialraum_id) = %(raum)s
  AND a.cost = 'kostenlos'
  AND EXISTS (SELECT 1 FROM akteure_angebot_lebensphasen l JOIN netzwerk_lebensphase p
              ON p.id = l.lebensphase_id WHERE l.angebot_id = a.id
              AND p.alter_von <= %(monate)s AND %(monate)s < p.alter_bis)
  AND EXISTS (SELECT 1 FROM akteure_angebot_handlungsfelder h WHERE h.angebot_id = a.id
              AND h.handlungsfeld_id = %(feld)s)
  {extra}
ORDER BY a.title, a.id LIMIT 20
"""


def base_search(request):
    extra = ""
    params = {
        "raum": int(request.GET["raum"]),
        "feld": int(request.GET["feld"]),
        "monate": int(request.GET["alter"]) * 12,
    }
    if "tag" in request.GET:
        extra += (
            "AND EXISTS (SELECT 1 FROM akteure_angebotszeit z WHERE z.angebot_id = a.id "
            "AND z.wochentag = %(tag)s)"
        )
        params["tag"] = int(request.GET["tag"])
    with connection.cursor() as cursor:
        cursor.execute(BASE_SQL.format(extra=extra), params)
        rows = cursor.fetchall()
    return als_text(rows)


# The second baseline runs the page's own SQL statements, as captured from one request of it,
# through a bare cursor and prints their rows as text: the page's whole data work without ORM,
# forms and templates. Against it the factor is what those cost.
GLEICHE_SQL: dict[str, list[str]] = {}


def base_same_sql(request):
    rows = []
    with connection.cursor() as cursor:
        for sql in GLEICHE_SQL[request.GET["seite"]]:
            cursor.execute(sql)
            rows += cursor.fetchall()
    return als_text(rows)


urlpatterns = [
    path("bench/wegweiser", base_search),
    path("bench/wegweiser-gleich", base_same_sql),
    path("", include("netzwerk.urls")),
]


def pages(client, size: int, reihe: Messreihe) -> None:
    from akteure.stand import stand_erneuern
    from netzwerk.models import Handlungsfeld, Sozialraum

    raum = Sozialraum.objects.order_by("position")[1]
    feld = Handlungsfeld.objects.order_by("position")[0]
    vier = f"alter=4&sozialraum={raum.slug}&kostenlos=1&thema={feld.slug}"
    base = f"/bench/wegweiser?alter=4&raum={raum.pk}&feld={feld.pk}"
    rows = [
        ("Vier Filter", f"/wegweiser/?{vier}", base),
        ("Vier Filter, Arabisch", f"/wegweiser/?{vier}&sprache=ar", base),
        ("Fünf Filter (Montag)", f"/wegweiser/?{vier}&tag=0", f"{base}&tag=0"),
        ("Ohne Filter (alle)", "/wegweiser/", None),
        ("Volltext + vier Filter", f"/wegweiser/?{vier}&q=Kurs", None),
    ]
    lines = reihe.lines
    for label, url, base_url in rows:
        page = client.get(url).content.decode()
        treffer = int(
            re.search(r"Gefundene Angebote: (\d+)|: (\d+)</h2>", page)
            .group(0)
            .split(": ")[1]
            .split("<")[0]
        )
        stand_erneuern()  # the statements of the page drawn afresh, not from the cache
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        GLEICHE_SQL[label] = [q["sql"] for q in captured.captured_queries]
        timing = timed(client, url, N)
        fresh = timed(frisch_client(), url, N)
        name = f"{label} ({treffer})"
        same = timed(client, f"/bench/wegweiser-gleich?{urlencode({'seite': label})}", N)
        if base_url:
            lines.append(row(name, size, timing, timed(client, base_url, N)))
        lines.append(row(f"{name} [B]", size, timing, same))
        lines.append(row(f"{label} frisch [B]", size, fresh, same))
        print("\n".join(lines[-3 if base_url else -2 :]), flush=True)
        reihe.pruefen(label, size, timing[2])
        reihe.pruefen(f"{label} frisch", size, fresh[2])


def main() -> None:
    from akteure.models import Angebot, Angebotszeit

    fresh_database()
    call_command("demo_data", quiet=True)
    print(
        "Basis A: Treffer, Zahl und Seite in einem SQL-Befehl. Basis B ([B]): die SQL-Befehle der "
        "Seite selbst (mit allen Zählungen) über einen Cursor, ohne ORM, Formular und Vorlagen. "
        "In Klammern: die Zahl der Treffer."
    )
    client = Client()
    reihe = Messreihe(N)
    for size in sizes():
        start = time.perf_counter()
        generate(size)
        print(
            f"{size}x: {Angebot.objects.count()} Angebote, {Angebotszeit.objects.count()} Zeiten "
            f"(erzeugt in {time.perf_counter() - start:.1f} s); {N} Anfragen je Suche",
            flush=True,
        )
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            pages(client, size, reihe)
    reihe.zusammenfassung("Suche")


if __name__ == "__main__":
    main()
