"""Benchmark of the open data feed (HSDS 3.0) on county data (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk_hsds .venv/bin/python bench/hsds.py

Builds a fresh database netzwerk_hsds (the demo, then 2,000 organisations with addresses and
6,000 offers with life phases, themes, target groups, languages, weekly times and contacts, half
of them with consent), then prints for /api/hsds/services (50 a page; the list form, the fully
nested form, a page in the middle) median and p95 server time and the queries of one request,
next to a baseline in the same run: a bare view that fetches the same page with one raw SQL query
and writes it as JSON. Last, the whole tabular package (CSV files + datapackage.json, zipped).
Targets (issue 16): p95 < 150 ms, package < 10 s.
"""

import json
import os
import random
import time
import zipfile
from datetime import time as clock
from datetime import timedelta
from io import BytesIO

from _common import fresh_database, prepare, timed, verknuepfen

prepare("netzwerk_hsds")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "40"))
ORGS, OFFERS = 2_000, 6_000


def generate() -> None:
    from akteure.models import Angebot, Angebotszeit, Einwilligung, Organisation, Person
    from akteure.models import Organisationstyp as Typ
    from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Sprache, Zielgruppe

    rng = random.Random(16)
    call_command("demo_data", quiet=True)
    typen, raeume = list(Typ.objects.all()), list(Sozialraum.objects.all())
    now = timezone.now()
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Träger {i:04}", slug=f"traeger-{i}", typ=rng.choice(typen),
            sozialraum=rng.choice(raeume), street=f"Hauptstraße {i % 200 + 1}",
            postcode=f"52{i % 100:03}", city="Kreisstadt", email=f"info{i}@traeger.example",
            phone=f"02405 {10000 + i}", description="Ein Träger im Kreis.",
            breite=50.8 + rng.random() / 10 if i % 2 else None,
            laenge=6.1 + rng.random() / 10 if i % 2 else None,
        )
        for i in range(ORGS)
    )  # fmt: skip
    persons = Person.objects.bulk_create(
        Person(first_name="Vorname", last_name=f"Nachname {i}", organisation=orgs[i % ORGS],
               email=f"p{i}@traeger.example", phone=f"0170 {i:06}", function="Leitung")
        for i in range(ORGS)
    )  # fmt: skip
    Einwilligung.objects.bulk_create(
        Einwilligung(person=p, purpose="verzeichnis", method="import") for p in persons[::2]
    )
    words = ["Eltern", "Sprache", "Sport", "Beratung", "Kita", "Jugend", "Gesundheit", "Treff"]
    offers = Angebot.objects.bulk_create(
        Angebot(
            title=f"{rng.choice(words)}angebot {i:05}", slug=f"hsds-angebot-{i}",
            organisation=orgs[i % ORGS], contact=persons[i % ORGS],
            description=" ".join(rng.choice(words) for _ in range(30)),
            sozialraum=rng.choice(raeume), cost=rng.choice(list(Angebot.Kosten)),
            barrierefrei=i % 3 == 0, is_public=rng.random() < 0.9,
            confirmed_at=now - timedelta(days=rng.randint(1, 500)),
        )
        for i in range(OFFERS)
    )  # fmt: skip
    verknuepfen(rng, offers, "lebensphasen", "lebensphase_id", list(Lebensphase.objects.all()), 2)
    verknuepfen(
        rng, offers, "handlungsfelder", "handlungsfeld_id", list(Handlungsfeld.objects.all()), 2
    )
    verknuepfen(rng, offers, "zielgruppen", "zielgruppe_id", list(Zielgruppe.objects.all()), 2)
    verknuepfen(rng, offers, "sprachen", "sprache_id", list(Sprache.objects.all()), 2)
    Angebotszeit.objects.bulk_create(
        Angebotszeit(angebot=o, wochentag=o.pk % 6, beginn=clock(9), ende=clock(11)) for o in offers
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- The baseline: the same page of services in one raw SQL query, written as JSON --------------
BASE_SQL = """
SELECT a.uuid, a.title, a.description, a.website, a.cost, a.confirmed_at, a.updated_at,
       o.uuid, o.name, o.description, o.email, o.website,
       (SELECT min(l.alter_von) FROM akteure_angebot_lebensphasen al
          JOIN netzwerk_lebensphase l ON l.id = al.lebensphase_id WHERE al.angebot_id = a.id),
       (SELECT max(l.alter_bis) FROM akteure_angebot_lebensphasen al
          JOIN netzwerk_lebensphase l ON l.id = al.lebensphase_id WHERE al.angebot_id = a.id)
FROM akteure_angebot a JOIN akteure_organisation o ON o.id = a.organisation_id
WHERE a.is_public AND a.confirmed_at >= %s
ORDER BY a.title, a.id LIMIT 50 OFFSET %s
"""


def base_services(request):
    from akteure.hsds.selectors import hidden_before

    offset = (int(request.GET.get("page", "1")) - 1) * 50
    with connection.cursor() as cursor:
        cursor.execute(BASE_SQL, [hidden_before(), offset])
        rows = cursor.fetchall()
    return HttpResponse(json.dumps(rows, default=str), content_type="application/json")


urlpatterns = [path("bench/services", base_services), path("", include("netzwerk.urls"))]


def pages() -> None:
    client = Client()
    rows = [
        ("services, Liste S. 1", "/api/hsds/services", "/bench/services"),
        ("services, Liste S. 50", "/api/hsds/services?page=50", "/bench/services?page=50"),
        ("services, full=true", "/api/hsds/services?full=true", "/bench/services"),
    ]
    for label, url, base in rows:
        ours, raw = timed(client, url, N), timed(client, base, N)
        print(
            f"{label}: Median {ours[0]:.1f} ms, p95 {ours[1]:.1f} ms, {ours[2]} Queries | "
            f"rohes SQL: Median {raw[0]:.1f} ms, p95 {raw[1]:.1f} ms | p95 {ours[1] / raw[1]:.1f}x"
        )


def package() -> None:
    client = Client()
    start = time.perf_counter()
    response = client.get("/api/hsds/datapackage.zip")
    seconds = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    archive = zipfile.ZipFile(BytesIO(response.content))
    lines = {
        n: archive.read(n).count(b"\n") - 1
        for n in ("services.csv", "contacts.csv", "attributes.csv")
    }
    print(
        f"Tabellenpaket: {seconds:.2f} s, {len(response.content) / 1e6:.1f} MB, "
        + ", ".join(f"{n} {k} Zeilen" for n, k in lines.items())
    )


def main() -> None:
    fresh_database()
    start = time.perf_counter()
    generate()
    from akteure.hsds.selectors import published

    print(
        f"Daten: {published().count()} veröffentlichte Angebote (erzeugt in "
        f"{time.perf_counter() - start:.1f} s); {N} Anfragen je Zeile"
    )
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False, HSDS_ANFRAGEN_PRO_MINUTE=10**9):
        pages()
        package()


if __name__ == "__main__":
    main()
