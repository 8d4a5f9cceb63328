"""Benchmark of the printed family guide (PDF/UA, rendered as the worker does).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/heft.py

Builds a fresh database netzwerk_heft with the demo town, then renders through heft_rendern (the
task's own function): one district's booklet and the whole town's; then adds 1,000 public offers
with times, a contact with consent and two life phases each (a county's guide) and renders the
whole town again. Prints seconds, the share spent gathering the data, pages, offers, size, and
the queries of the gathering (the same for 100 and 1,000 offers). Baseline in the same run: the
same booklet's HTML rendered by the template alone, without WeasyPrint.
"""

import random
import time

from _common import fresh_database, prepare

prepare("netzwerk_heft")

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def rendern(sozialraum, label: str) -> None:
    from akteure import heft as hefte
    from akteure.models import Wegweiserheft

    heft = Wegweiserheft.objects.create(sozialraum=sozialraum)
    now = timezone.now()
    reset_queries()  # the log keeps 9,000: the demo's queries would fill it
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        inhalt = hefte.heft_inhalt(sozialraum=sozialraum, now=now)
        daten = time.perf_counter() - start
    queries = len(captured)
    start = time.perf_counter()
    html = render_to_string("akteure/heft/heft_pdf.html", inhalt.context())
    vorlage = time.perf_counter() - start
    start = time.perf_counter()
    assert hefte.heft_rendern(heft.pk) == "fertig"
    gesamt = time.perf_counter() - start
    heft.refresh_from_db()
    print(
        f"{label:28} {gesamt:7.2f} s  {daten:6.2f} s {queries:8} {vorlage:7.2f} s "
        f"{heft.seiten:6} {heft.angebote:8} {heft.datei.size / 1024:8.0f} KB  "
        f"({len(html) / 1024:.0f} KB HTML)"
    )


def kreis(n: int) -> None:
    from akteure.models import (
        Angebot,
        Angebotszeit,
        Einwilligung,
        Organisation,
        Organisationstyp,
        Person,
    )  # fmt: skip
    from netzwerk.models import Lebensphase, Sozialraum

    rng = random.Random(16)
    raeume = list(Sozialraum.objects.all())
    phasen = list(Lebensphase.objects.all())
    typ = Organisationstyp.objects.first()
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Einrichtung {i:04}", slug=f"heft-einrichtung-{i}", typ=typ,
                     sozialraum=rng.choice(raeume), street=f"Weg {i}", postcode="52062",
                     city="Kreisstadt", phone="0241 1234")
        for i in range(n // 4)
    )  # fmt: skip
    personen = Person.objects.bulk_create(
        Person(organisation=o, first_name="Kim", last_name=f"Kontakt {o.pk}", email="k@x.example")
        for o in orgs
    )
    Einwilligung.objects.bulk_create(
        Einwilligung(person=p, purpose="verzeichnis", method="formular") for p in personen
    )
    now = timezone.now()
    offers = Angebot.objects.bulk_create(
        Angebot(title=f"Kreisangebot {i:04}", slug=f"heft-kreisangebot-{i}",
                organisation=orgs[i % len(orgs)], contact=personen[i % len(orgs)],
                description="Ein Angebot für Familien im Kreis. " * 6, is_public=True,
                confirmed_at=now - timezone.timedelta(days=rng.choice([10, 100, 400])))
        for i in range(n)
    )  # fmt: skip
    through = Angebot.lebensphasen.through
    through.objects.bulk_create(
        through(angebot_id=o.pk, lebensphase_id=p.pk) for o in offers for p in rng.sample(phasen, 2)
    )
    Angebotszeit.objects.bulk_create(
        Angebotszeit(angebot_id=o.pk, wochentag=rng.randrange(6), beginn="09:00", ende="11:00")
        for o in offers
    )


def main() -> None:
    from netzwerk.models import Sozialraum

    fresh_database()
    call_command("demo_data", quiet=True)
    bezirk = Sozialraum.objects.filter(angebote__is_public=True).order_by("position").first()
    print(
        f"{'Heft':28} {'Gesamt':>9} {'Daten':>8} {'Queries':>8} {'Vorlage':>9} {'Seiten':>6} "
        f"{'Angebote':>8} {'PDF':>11}"
    )
    rendern(bezirk, f"Demo, {bezirk.name}")
    rendern(None, "Demo, ganze Stadt")
    kreis(1_000)
    rendern(None, "Kreis (+1.000), ganze Stadt")


if __name__ == "__main__":
    main()
