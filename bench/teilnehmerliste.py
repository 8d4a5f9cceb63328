"""Benchmark of the lists for the day (PostgreSQL): the signature sheet, the public participant
list and the name badges of a conference with 250 participants, rendered by WeasyPrint in the
request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk \
        .venv/bin/python bench/teilnehmerliste.py

Builds a fresh database netzwerk_bench_teilnehmerliste with one event, five working groups and 250
confirmed registrations (some without a group, a third on the public list), then prints for each
PDF the median and p95 server time over N requests (after a warm-up), its queries, pages and size.
The aim: under 3 s each, so the lists need no background job.
"""

import io
import os
import random
import sys
from datetime import timedelta

from _common import fresh_database, prepare, timed

prepare("netzwerk_bench_teilnehmerliste")

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_REQUESTS", "5"))
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


def coordinator_client() -> Client:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from netzwerk.models import Rolle, User

    user = User.objects.create(
        email="bench@kreis.example", approved_at=timezone.now(), is_staff=True
    )
    user.groups.add(Group.objects.get(name=Rolle.KOORDINATION))
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(user)
    return client


def main() -> None:
    from pypdf import PdfReader

    fresh_database()
    from netzwerk.demo import build as netzwerk_build

    netzwerk_build()  # vocabularies and roles
    event = generate()
    client = coordinator_client()
    pdfs = [
        ("Unterschriftenliste", reverse("konferenzen:teilnehmerliste-pdf", args=[event.pk])),
        (
            "Öffentliche Liste",
            reverse("konferenzen:teilnehmerliste-pdf", args=[event.pk]) + "?art=oeffentlich",
        ),
        ("Namensschilder", reverse("konferenzen:namensschilder-pdf", args=[event.pk])),
    ]
    print(f"Daten: 1 Veranstaltung, {len(GRUPPEN)} Arbeitsgruppen, {TEILNEHMENDE} Teilnehmende")
    print(f"{'PDF':22} {'Median':>9} {'p95':>9} {'Queries':>8} {'Seiten':>7} {'Größe':>9}")
    verfehlt = []
    for label, url in pdfs:
        median, p95, queries = timed(client, url, N)
        pdf = client.get(url).content
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{label:22} {median:7.0f}ms {p95:7.0f}ms {queries:8} {pages:7} "
            f"{len(pdf) / 1024:7.0f}KB"
        )
        if median >= 3000:
            verfehlt.append(label)
    print(f"({N} Anfragen je PDF nach einem Aufwärmlauf; Ziel: Median unter 3 s)")
    if verfehlt:
        sys.exit(f"Ziel verfehlt: {', '.join(verfehlt)}")


if __name__ == "__main__":
    main()
