"""Benchmark of the family guide's search on county data (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/wegweiser.py

Builds a fresh database netzwerk_wegweiser (the demo town plus 2,000 organisations and 6,000
offers with weekly times, languages and costs), then times /wegweiser/ with four filters combined
(age, Sozialraum, free of charge, Handlungsfeld) and the same with a fifth (weekday) and full text:
median, p95 and queries, next to two baselines measured in the same run, bare views behind the
same middleware: A does the same filtering, count and page in one raw SQL query; B runs the
page's own SQL statements (every facet count included) through a bare cursor, which leaves out
only what ORM, form and templates cost.
Targets: p95 under 100 ms, at most 3x the baseline, and the same number of queries for a small
and a large result.
"""

import os
import random
import re
import time
from datetime import time as uhrzeit
from urllib.parse import urlencode

from _common import fresh_database, prepare, timed

prepare("netzwerk_wegweiser")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "60"))
ORGS, OFFERS = 2_000, 6_000
WORDS = ["Familie", "Kinder", "Sprache", "Deutsch", "Sport", "Beratung", "Eltern", "Jugend",
         "Schule", "Gesundheit", "Förderung", "Treff", "Kurs", "Hilfe", "Café"]  # fmt: skip


def generate() -> None:
    from akteure.models import Angebot, Angebotszeit, Organisation, Organisationstyp
    from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Sprache

    rng = random.Random(16)
    call_command("demo_data", quiet=True)
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
        for i in range(ORGS)
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
        for i in range(OFFERS)
    )
    for name, items, target, k in [
        ("lebensphasen", phasen, "lebensphase_id", 3),
        ("handlungsfelder", felder, "handlungsfeld_id", 3),
        ("sprachen", sprachen, "sprache_id", 2),
    ]:
        through = getattr(Angebot, name).through
        through.objects.bulk_create(
            through(angebot_id=o.pk, **{target: item.pk})
            for o in offers
            for item in rng.sample(items, rng.randint(1, k))
        )
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
    return HttpResponse("\n".join(" | ".join(map(str, r)) for r in rows))


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
    return HttpResponse("\n".join(" | ".join(map(str, r)) for r in rows))


urlpatterns = [
    path("bench/wegweiser", base_search),
    path("bench/wegweiser-gleich", base_same_sql),
    path("", include("netzwerk.urls")),
]


def pages() -> None:
    from netzwerk.models import Handlungsfeld, Sozialraum

    raum = Sozialraum.objects.order_by("position")[1]
    feld = Handlungsfeld.objects.order_by("position")[0]
    client = Client()
    vier = f"alter=4&sozialraum={raum.slug}&kostenlos=1&thema={feld.slug}"
    base = f"/bench/wegweiser?alter=4&raum={raum.pk}&feld={feld.pk}"
    rows = [
        ("Vier Filter", f"/wegweiser/?{vier}", base),
        ("Vier Filter, Arabisch", f"/wegweiser/?{vier}&sprache=ar", base),
        ("Fünf Filter (Montag)", f"/wegweiser/?{vier}&tag=0", f"{base}&tag=0"),
        ("Ohne Filter (alle)", "/wegweiser/", None),
        ("Volltext + vier Filter", f"/wegweiser/?{vier}&q=Kurs", None),
    ]
    print(
        "Basis A: Treffer, Zahl und Seite in einem SQL-Befehl. Basis B: die SQL-Befehle der "
        "Seite selbst (mit allen Zählungen) über einen Cursor, ohne ORM, Formular und Vorlagen."
    )
    print(
        f"{'Suche':24} {'Treffer':>7} {'Median':>8} {'p95':>8} {'Queries':>8} "
        f"{'A p95':>8} {'Faktor A':>9} {'B p95':>8} {'Faktor B':>9}"
    )
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        for label, url, base_url in rows:
            page = client.get(url).content.decode()
            treffer = int(
                re.search(r"Gefundene Angebote: (\d+)|: (\d+)</h2>", page)
                .group(0)
                .split(": ")[1]
                .split("<")[0]
            )
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            GLEICHE_SQL[label] = [q["sql"] for q in captured.captured_queries]
            median, p95, queries = timed(client, url, N)
            line = f"{label:24} {treffer:7} {median:7.1f}ms {p95:7.1f}ms {queries:8}"
            if base_url:
                _a_median, a_p95, _ = timed(client, base_url, N)
                same = f"/bench/wegweiser-gleich?{urlencode({'seite': label})}"
                _b_median, b_p95, _ = timed(client, same, N)
                line += f" {a_p95:7.1f}ms {p95 / a_p95:8.1f}x {b_p95:7.1f}ms {p95 / b_p95:8.1f}x"
            print(line)


def main() -> None:
    fresh_database()
    start = time.perf_counter()
    generate()
    from akteure.models import Angebot, Angebotszeit

    print(
        f"Daten: {Angebot.objects.count()} Angebote, {Angebotszeit.objects.count()} Zeiten "
        f"(erzeugt in {time.perf_counter() - start:.1f} s); {N} Anfragen je Suche"
    )
    pages()


if __name__ == "__main__":
    main()
