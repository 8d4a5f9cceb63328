"""Benchmark of the status reports (Sachstandsberichte, issue 6): the worker's render time and the
request that asks for a report (PostgreSQL, Redis).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/bericht.py

1. The demo network (the builders of `manage.py demo_data`, without its own demo report) in a
   fresh database netzwerk_bench_bericht; a report with all sections over the demo's period (the
   last full quarter up to today).
2. A county-sized network, generated with bulk_create in a fresh database
   netzwerk_bench_bericht_kreis: 300 organisations of 12 types with about 900 offers (Lebensphasen,
   Handlungsfelder; 30 organisations and a tenth of the offers new in the period), 40 forums with
   members, entries (a third of them needs) and comments, 300 events in the period (plus 100
   before it and 25 in the next weeks) with registrations, most of them checked in, and 400
   measures in two concepts (focal points, goals, responsible organisations, progress notes); a
   report with all sections over the last twelve months.

For each network: the first render in the process (for the demo it is cold: WeasyPrint's import,
the typeface, the templates), then the median and p95 of the worker's part
(netzwerk.berichte.services.bericht_render, as the task render_bericht calls it) over BENCH_RUNS
runs (default 5) after one warm-up, split into reading the data (bericht_inhalt), template and
HTML parsing, WeasyPrint's layout (HTML.render) and writing the tagged PDF/UA-1 (write_pdf); the
process's CPU time next to the wall time (the machine may be shared); pages and size of the PDF;
the queries of the data part and of the whole render. Aims: under 5 s for the demo, under 10 s
for the county (issue 18; median and p95 each).

3. The request that starts a report: a coordinator (TOTP set up; session by
   Client.force_login) POSTs the form to netzwerk:bericht-list through django.test.Client (DEBUG
   off) on the county database, 20 times after one warm-up. Tasks go to Redis (database 5,
   queue netzwerk-bench-bericht, not eager), where no worker listens, so every report must still
   wait ("wartet") after its response and the queue must hold one message per request. Aim: under
   200 ms. The queue is emptied at the end.

BENCH_PROFILE=1 also profiles one county render with cProfile, prints where the time goes and
keeps the profile in a temporary file (snakeviz, `python -m pstats`). Uploads (the PDFs) go to a
temporary MEDIA_ROOT, removed at the end.
"""

import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from _common import fresh_database, gezeitet, p95, prepare, ziel

MEDIA_ROOT = tempfile.mkdtemp(prefix="bericht-bench-media-")
os.environ["MEDIA_ROOT"] = MEDIA_ROOT
prepare("netzwerk_bench_bericht")

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from netzwerk.celery import app  # noqa: E402

N = int(os.environ.get("BENCH_RUNS", "5"))
ANFRAGEN = int(os.environ.get("BENCH_REQUESTS", "20"))
BROKER = "redis://127.0.0.1:6379/5"
QUEUE = "netzwerk-bench-bericht"
DEMO_DB, KREIS_DB = "netzwerk_bench_bericht", "netzwerk_bench_bericht_kreis"
ZIEL_DEMO, ZIEL_KREIS, ZIEL_ANFRAGE = 5.0, 10.0, 0.2
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# The whole process sends its tasks to the real broker, as a web process in production does; no
# worker listens on QUEUE, so this process renders each report itself, by the worker's function.
app.conf.update(task_always_eager=False, broker_url=BROKER, task_default_queue=QUEUE)

SUMMARY = (
    "Das Netzwerk ist im Berichtszeitraum **gewachsen**: neue Partner in den Sozialräumen, das "
    "Präventionskonzept ist in der Beteiligung."
)
OUTLOOK = (
    "Im nächsten Quartal legt die Koordination das Präventionskonzept als Beschlussvorlage vor."
)


# --- Measuring --------------------------------------------------------------------------------


class Stoppuhr:
    """Times the parts of one bericht_render from outside: bericht_render imports bericht_inhalt
    and render_pdf when it runs, so wrapping the module attributes (and WeasyPrint's two steps)
    measures the real call, not a copy of it."""

    def __init__(self):
        self.teile: dict[str, float] = {}
        self.abfragen_daten = 0

    def _add(self, name: str, seconds: float) -> None:
        self.teile[name] = self.teile.get(name, 0.0) + seconds

    @contextmanager
    def aktiv(self):
        from unittest import mock

        import weasyprint
        from weasyprint.document import Document

        from netzwerk import pdf
        from netzwerk.berichte import inhalt

        uhr = self

        timed = partial(gezeitet, uhr.teile)

        lesen = timed("daten", inhalt.bericht_inhalt)

        def daten(*args, **kwargs):
            with CaptureQueriesContext(connection) as queries:
                result = lesen(*args, **kwargs)
            uhr.abfragen_daten = len(queries)
            return result

        gc_start = [0.0]

        def sammler(phase: str, _info: dict) -> None:
            # The garbage collector runs inside the other parts; counted here on its own.
            if phase == "start":
                gc_start[0] = time.perf_counter()
            else:
                uhr._add("gc", time.perf_counter() - gc_start[0])

        gc.callbacks.append(sammler)
        with (
            mock.patch.object(inhalt, "bericht_inhalt", daten),
            mock.patch.object(pdf, "render_pdf", timed("pdf", pdf.render_pdf)),
            mock.patch.object(weasyprint.HTML, "render", timed("satz", weasyprint.HTML.render)),
            mock.patch.object(Document, "write_pdf", timed("schreiben", Document.write_pdf)),
        ):
            try:
                yield
            finally:
                gc.callbacks.remove(sammler)


def neuer_bericht(umgebung: dict):
    """A report as a coordinator asks for it (the service numbers it and sends the task)."""
    from netzwerk.berichte.services import bericht_create
    from netzwerk.models import Sachstandsbericht

    return bericht_create(
        gremium=umgebung["gremium"],
        konzept=None,
        period_start=umgebung["von"],
        period_end=umgebung["bis"],
        sections=Sachstandsbericht.Abschnitt.values,
        summary=SUMMARY,
        outlook=OUTLOOK,
        user=umgebung["koordination"],
    )


def render(umgebung: dict, uhr: Stoppuhr | None = None) -> dict:
    """One report through the worker's function: wall and CPU time, its parts, its queries."""
    from netzwerk.berichte.services import bericht_render

    bericht = neuer_bericht(umgebung)
    if uhr:
        uhr.teile.clear()
    # The log keeps the last 9000 queries: once full, its length stops growing and a capture
    # would count none. Emptied first, it holds this render's queries.
    connection.queries_log.clear()
    cpu, start = time.process_time(), time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        ergebnis = bericht_render(bericht_id=bericht.pk)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    bericht.refresh_from_db()
    assert ergebnis == "fertig", f"Bericht {bericht.nummer}: {ergebnis} {bericht.error}"
    lauf = {"wall": wall, "cpu": cpu, "abfragen": len(queries), "bericht": bericht}
    if uhr:
        lauf.update(uhr.teile, abfragen_daten=uhr.abfragen_daten)
    return lauf


def messen(titel: str, umgebung: dict, grenze: float, erster: str) -> dict:
    """The first run, then N after a warm-up; prints the figures and returns them."""
    kalt = render(umgebung)  # before the Stoppuhr imports WeasyPrint: this run pays for it
    uhr = Stoppuhr()
    with uhr.aktiv():
        render(umgebung, uhr)  # warm-up
        laeufe = [render(umgebung, uhr) for _ in range(N)]
    wall = [r["wall"] for r in laeufe]
    median = statistics.median(wall)
    bericht = laeufe[-1]["bericht"]

    def mittel(key: str) -> float:
        return statistics.median(r.get(key, 0.0) for r in laeufe)

    template = statistics.median(r["pdf"] - r["satz"] - r["schreiben"] for r in laeufe)
    rest = statistics.median(r["wall"] - r["daten"] - r["pdf"] for r in laeufe)
    print(f"\n{titel}")
    print(
        f"  {erster}: {kalt['wall']:.2f} s (CPU {kalt['cpu']:.2f} s), {kalt['bericht'].pages} "
        "Seiten"
    )
    print(
        f"  Worker (bericht_render, alle Abschnitte), {N} Läufe nach einem Aufwärmlauf: "
        f"Median {median:.2f} s, p95 {p95(wall):.2f} s, CPU dieses Prozesses Median "
        f"{mittel('cpu'):.2f} s   {ziel(median, p95(wall), grenze)}"
    )
    print(
        f"  davon (Mediane): Daten (bericht_inhalt) {mittel('daten'):.2f} s, Template und "
        f"HTML-Parser {template:.2f} s, Satz (WeasyPrint HTML.render) {mittel('satz'):.2f} s, PDF "
        f"schreiben (write_pdf, PDF/UA-1: Zeichnen, Tags, Schriften) {mittel('schreiben'):.2f} s, "
        f"Rest (Status, Ablage, SHA-256) {rest:.2f} s; in allem enthalten: Python-"
        f"Speicherbereinigung (gc) {mittel('gc'):.2f} s"
    )
    print(
        f"  PDF: {bericht.pages} Seiten, {bericht.size / 1024:.0f} KB; Abfragen: Daten "
        f"(bericht_inhalt) {laeufe[-1]['abfragen_daten']}, bericht_render insgesamt "
        f"{laeufe[-1]['abfragen']}"
    )
    return {"median": median, "p95": p95(wall), "grenze": grenze}


# --- Databases ------------------------------------------------------------------------------


def datenbank(name: str) -> None:
    """Switch this process to a fresh database `name` on the same server."""
    from django.contrib.contenttypes.models import ContentType

    connection.close()
    connection.settings_dict["NAME"] = name
    fresh_database()
    ContentType.objects.clear_cache()  # ids of the other database


def vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load


def demo() -> dict:
    """The demo network as `manage.py demo_data` builds it, without its own report."""
    from django.db import transaction

    from akteure import demo as akteure_demo
    from foren import demo as foren_demo
    from konferenzen import demo as konferenzen_demo
    from netzwerk import demo as netzwerk_demo
    from netzwerk.berichte.services import standard_zeitraum
    from netzwerk.models import Gremium

    with transaction.atomic():
        users = netzwerk_demo.build()
        akteure_demo.build(users)
        foren_demo.build(users)
        konferenzen_demo.build(users)
    vacuum()
    heute = timezone.localdate()
    return {
        "gremium": Gremium.objects.get(slug="jugendhilfeausschuss"),
        "koordination": users["koordination"],
        "von": standard_zeitraum(heute)[0],
        "bis": heute,
    }


# --- The county -----------------------------------------------------------------------------

ORTE = [
    "Kreisstadt Mitte", "Kreisstadt Nord", "Kreisstadt Süd", "Am Bahnhof", "Altdorf", "Bergheim",
    "Eichenau", "Feldkirchen", "Hochwald", "Lindenberg", "Mühlental", "Seeburg",
]  # fmt: skip
# (type, indices of the Lebensphasen it serves, Handlungsfelder of its offers): the gaps of the
# Präventionskette follow from what the types do, as in a real county.
TYPEN = [
    ("Kita", [1, 2], ["Sprache und Bildung", "Gesundheit", "Sport und Freizeit"]),
    ("Grundschule", [3], ["Sprache und Bildung", "Sport und Freizeit", "Kultur und Religion"]),
    ("Weiterführende Schule", [4, 5], ["Sprache und Bildung", "Arbeitsmarkt"]),
    ("Familienzentrum", [0, 1, 2], ["Gesundheit", "Sozialraum und Wohnen", "Sprache und Bildung"]),
    ("Beratungsstelle", [0, 1, 2, 3, 4, 5], ["Gesundheit", "Rassismus und Diskriminierung"]),
    ("Jugendhilfe", [3, 4, 5], ["Sozialraum und Wohnen", "Sport und Freizeit"]),
    ("Sportverein", [2, 3, 4], ["Sport und Freizeit"]),
    ("Gesundheitswesen", [0, 1], ["Gesundheit"]),
    ("Jobcenter und Arbeitsagentur", [5], ["Arbeitsmarkt"]),
    ("Religionsgemeinschaft", [1, 2, 3], ["Kultur und Religion", "Sozialraum und Wohnen"]),
    ("Bildung und Kultur", [1, 2, 3, 4], ["Kultur und Religion", "Sprache und Bildung"]),
    ("Migrationsdienst", [2, 3, 4, 5], ["Rassismus und Diskriminierung", "Arbeitsmarkt"]),
]
THEMEN = [
    "Sprachförderung", "Elterncafé", "Hausaufgabenhilfe", "Bewegungsgruppe", "Beratung",
    "Ferienfreizeit", "Bewerbungstraining", "Krabbelgruppe", "Lesepatenschaft", "Offener Treff",
    "Schwimmkurs", "Erziehungsberatung", "Frühe Hilfen", "Musikgruppe", "Mentoring",
]  # fmt: skip
BEITRAEGE = [
    "Wartezeiten bei der Erziehungsberatung", "Schwimmkurse für Grundschulkinder fehlen",
    "Dolmetschende für Elterngespräche", "Ferienbetreuung in den Dörfern",
    "Busverbindung zu den Angeboten am Abend", "Treffpunkt für Jugendliche am Wochenende",
    "Sprachkurse mit Kinderbetreuung", "Hebammen für Familien ohne Versicherung",
    "Übergang Kita – Grundschule abstimmen", "Lotsinnen in der Geburtsklinik",
]  # fmt: skip
MASSNAHMEN = [
    "Lotsinnen in den Geburtskliniken", "Übergabebogen Kita – Grundschule",
    "Elterncafés in den Familienzentren", "Sprechstunde der Erziehungsberatung in Schulen",
    "Ferienangebote für Jugendliche ohne Kosten", "Fortbildung Kinderschutz für Vereine",
    "Sprachpatenschaften in den Grundschulen", "Willkommensbesuch für Neugeborene",
    "Berufsorientierung ab Klasse 8", "Mobile Jugendarbeit in den Dörfern",
]  # fmt: skip
SATZ = "Die Partner haben sich abgestimmt; der nächste Schritt ist mit dem Jugendamt vereinbart."


def zufallszeit(rng: random.Random, von: datetime, bis: datetime) -> datetime:
    return von + timedelta(seconds=rng.randint(0, int((bis - von).total_seconds())))


def kreis() -> dict:
    """The county-sized network, written with bulk_create (each model a few statements)."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group
    from django.utils.text import slugify
    from simple_history.utils import bulk_create_with_history

    from akteure.models import Angebot, Organisation, Organisationstyp
    from foren.models import Beitrag, Forum, Mitgliedschaft
    from foren.models import Kommentar as Forumskommentar
    from konferenzen.models import Anmeldung, Veranstaltung
    from netzwerk.demo import HANDLUNGSFELDER, LEBENSPHASEN, QUERSCHNITTSTHEMEN
    from netzwerk.models import (
        Fortschrittsnotiz,
        Gremium,
        Handlungsfeld,
        Handlungsschwerpunkt,
        Konzept,
        Lebensphase,
        Massnahme,
        Meilenstein,
        Querschnittsthema,
        Rolle,
        Sozialraum,
        User,
        Ziel,
    )
    from netzwerk.services import rollen_ensure

    rng = random.Random(6)
    now = timezone.now()
    heute = timezone.localdate(now)
    von = heute - timedelta(days=364)  # the last twelve months, today included
    anfang = timezone.make_aware(datetime.combine(von, datetime.min.time()))

    rollen_ensure()
    for model, namen in [
        (Lebensphase, LEBENSPHASEN),
        (Handlungsfeld, HANDLUNGSFELDER),
        (Querschnittsthema, QUERSCHNITTSTHEMEN),
        (Sozialraum, ORTE),
        (Organisationstyp, [t[0] for t in TYPEN]),
    ]:
        model.objects.bulk_create(
            model(name=n, slug=slugify(n), position=i) for i, n in enumerate(namen)
        )
    phasen = list(Lebensphase.objects.order_by("position"))
    felder = {f.name: f for f in Handlungsfeld.objects.all()}
    orte = list(Sozialraum.objects.order_by("position"))
    typen = {t.name: t for t in Organisationstyp.objects.all()}

    koordination = User.objects.create(
        email="koordination@kreis.example", first_name="Kim", last_name="Koordination",
        approved_at=now, is_staff=True,
    )  # fmt: skip
    koordination.groups.add(Group.objects.get(name=Rolle.KOORDINATION))
    TOTP.activate(koordination, TOTP_SECRET)
    leute = User.objects.bulk_create(
        User(
            email=f"partner{i}@kreis.example",
            first_name=f"Vorname{i}",
            last_name=f"Nachname{i}",
            approved_at=now,
        )
        for i in range(800)
    )
    Group.objects.get(name=Rolle.PARTNER).user_set.add(*leute)
    gremium = Gremium.objects.create(name="Jugendhilfeausschuss des Kreises", slug="jha-kreis")
    gremium.members.add(*leute[:15])
    integrationsrat = Gremium.objects.create(name="Integrationsrat", slug="integrationsrat")

    # Organisations and their history: 30 came in the period, the rest years ago.
    organisationen = []
    for i in range(300):
        typ, _phasen, _felder = TYPEN[i % len(TYPEN)]
        ort = orte[(i // len(TYPEN)) % len(orte)]
        organisationen.append(
            Organisation(
                name=f"{typ} {ort.name} {i // (len(TYPEN) * len(orte)) + 1}",
                slug=f"org-{i}",
                typ=typen[typ],
                sozialraum=ort,
                city="Kreisstadt",
                description=f"{typ} im Kreis.",
            )
        )
    neu = set(rng.sample(range(300), 30))
    alt = [o for i, o in enumerate(organisationen) if i not in neu]
    bulk_create_with_history(alt, Organisation, default_date=now - timedelta(days=3 * 365))
    bulk_create_with_history(
        [organisationen[i] for i in sorted(neu)], Organisation, default_date=now
    )
    for i in sorted(neu):
        Organisation.history.filter(id=organisationen[i].pk).update(
            history_date=zufallszeit(rng, anfang, now)
        )

    angebote, angebot_phasen, angebot_felder = [], [], []
    for i, org in enumerate(organisationen):
        _typ, typ_phasen, typ_felder = TYPEN[i % len(TYPEN)]
        for k in range(rng.randint(1, 5)):
            # One offer in ten was last confirmed over a year ago: stale, off the map.
            alter = rng.randint(400, 700) if rng.random() < 0.1 else rng.randint(1, 300)
            angebote.append(
                Angebot(
                    organisation=org,
                    title=f"{rng.choice(THEMEN)} ({org.name})",
                    slug=f"angebot-{i}-{k}",
                    sozialraum=org.sozialraum,
                    is_public=rng.random() < 0.9,
                    confirmed_at=now - timedelta(days=alter),
                )
            )
            angebot_phasen.append(rng.sample(typ_phasen, rng.randint(1, min(3, len(typ_phasen)))))
            angebot_felder.append(rng.sample(typ_felder, rng.randint(1, min(2, len(typ_felder)))))
    Angebot.objects.bulk_create(angebote)
    Angebot.lebensphasen.through.objects.bulk_create(
        Angebot.lebensphasen.through(angebot=a, lebensphase=phasen[p])
        for a, ps in zip(angebote, angebot_phasen, strict=True)
        for p in ps
    )
    Angebot.handlungsfelder.through.objects.bulk_create(
        Angebot.handlungsfelder.through(angebot=a, handlungsfeld=felder[f])
        for a, fs in zip(angebote, angebot_felder, strict=True)
        for f in fs
    )
    # created_at is auto_now_add: a tenth new in the period, the rest from before it.
    neue_angebote = {a.pk for a in rng.sample(angebote, len(angebote) // 10)}
    Angebot.objects.exclude(pk__in=neue_angebote).update(created_at=now - timedelta(days=2 * 365))
    for pk in neue_angebote:
        Angebot.objects.filter(pk=pk).update(created_at=zufallszeit(rng, anfang, now))

    # 40 forums: members, entries (a third needs), comments.
    foren = Forum.objects.bulk_create(
        Forum(
            name=f"Forum {feld} {orte[i % len(orte)].name}",  # (i % 7, i % 12): unique
            slug=f"forum-{i}",
            handlungsfeld=felder[feld],
            status=Forum.Status.RUHEND if i % 8 == 7 else Forum.Status.AKTIV,
            visibility=Forum.Sichtbarkeit.MEMBERS if i % 5 == 4 else Forum.Sichtbarkeit.PUBLIC,
            created_at=now - timedelta(days=3 * 365),
        )
        for i, feld in ((i, HANDLUNGSFELDER[i % len(HANDLUNGSFELDER)]) for i in range(40))
    )
    mitglieder = {f.pk: rng.sample(leute, rng.randint(15, 60)) for f in foren}
    Mitgliedschaft.objects.bulk_create(
        Mitgliedschaft(forum=f, user=u, joined_at=now - timedelta(days=rng.randint(1, 900)))
        for f in foren
        for u in mitglieder[f.pk]
    )
    Forum.moderators.through.objects.bulk_create(
        Forum.moderators.through(forum=f, user=mitglieder[f.pk][0]) for f in foren
    )
    beitraege = []
    for f in foren:
        for _ in range(rng.randint(20, 50)):
            created = zufallszeit(rng, now - timedelta(days=2 * 365), now)
            beitraege.append(
                Beitrag(
                    forum=f,
                    art=rng.choice(["bestand", "bedarf", "loesungsansatz"]),
                    title=rng.choice(BEITRAEGE),
                    text=SATZ,
                    status=rng.choice(["offen", "offen", "in_bearbeitung", "aufgegriffen"]),
                    author=rng.choice(mitglieder[f.pk]),
                    created_at=created,
                    updated_at=created,
                )
            )
    Beitrag.objects.bulk_create(beitraege)
    Forumskommentar.objects.bulk_create(
        Forumskommentar(
            beitrag=b,
            author=rng.choice(mitglieder[b.forum_id]),
            text=SATZ,
            created_at=b.created_at + timedelta(days=rng.randint(0, 60)),
        )
        for b in beitraege
        for _ in range(rng.randint(0, 7))
    )

    # Events: 300 in the period, 100 before it (the timeline goes back), 25 coming.
    arten = [
        ("forumssitzung", 40, (8, 25)),
        ("netzwerktreffen", 20, (20, 60)),
        ("workshop", 25, (10, 30)),
        ("gremiensitzung", 12, (10, 20)),
        ("praeventionskonferenz", 3, (120, 250)),
    ]

    def veranstaltung(start: datetime) -> Veranstaltung:
        art = rng.choices([a[0] for a in arten], weights=[a[1] for a in arten])[0]
        start = start.replace(hour=rng.randint(9, 18), minute=0, second=0, microsecond=0)
        return Veranstaltung(
            art=art,
            title=f"{dict(Veranstaltung.Art.choices)[art]} {rng.choice(THEMEN)}",
            start=start,
            end=start + timedelta(hours=rng.choice([2, 3, 6])),
            place=rng.choice(ORTE),
            forum=rng.choice(foren) if art == "forumssitzung" else None,
            visibility=rng.choices(["public", "members", "invited"], weights=[50, 35, 15])[0],
        )

    frueher = anfang - timedelta(days=2 * 365)
    veranstaltungen = Veranstaltung.objects.bulk_create(
        [veranstaltung(zufallszeit(rng, anfang, now - timedelta(days=1))) for _ in range(300)]
        + [veranstaltung(zufallszeit(rng, frueher, anfang)) for _ in range(100)]
        + [
            veranstaltung(zufallszeit(rng, now + timedelta(days=1), now + timedelta(days=110)))
            for _ in range(25)
        ]
    )
    groessen = {a[0]: a[2] for a in arten}
    anmeldungen = []
    for v in veranstaltungen:
        vergangen = v.start < now
        for n in range(rng.randint(*groessen[v.art])):
            org = rng.choice(organisationen) if rng.random() < 0.85 else None
            created = v.start - timedelta(days=rng.randint(1, 40))
            status = "bestaetigt"
            if vergangen:
                status = rng.choices(
                    ["teilgenommen", "bestaetigt", "storniert", "warteliste"], [70, 20, 5, 5]
                )[0]
            anmeldungen.append(
                Anmeldung(
                    veranstaltung=v,
                    name=f"Person {n}",
                    email=f"person{n}@kreis.example",
                    organisation=org,
                    organisation_name="" if org else "Freie Trägerin",
                    status=status,
                    created_at=created,
                    confirmed_at=created,
                    cancelled_at=created + timedelta(days=1) if status == "storniert" else None,
                    attended_at=v.start if status == "teilgenommen" else None,
                )
            )
    Anmeldung.objects.bulk_create(anmeldungen, batch_size=2000)

    # Two concepts, 400 measures: 6 × 5 × 10 in consultation, 4 × 5 × 5 decided.
    konzepte = [
        (
            Konzept.objects.create(
                title="Präventionskonzept des Kreises", slug="praeventionskonzept",
                status=Konzept.Status.BETEILIGUNG, gremium=gremium,
            ),
            6, 5, 10,
        ),
        (
            Konzept.objects.create(
                title="Integrationskonzept des Kreises", slug="integrationskonzept",
                status=Konzept.Status.BESCHLOSSEN, gremium=integrationsrat,
                decided_on=von + timedelta(days=100), resolution="VO/25/0117",
            ),
            4, 5, 5,
        ),
    ]  # fmt: skip
    massnahmen = []
    for konzept, n_schwerpunkte, n_ziele, n_massnahmen in konzepte:
        schwerpunkte = Handlungsschwerpunkt.objects.bulk_create(
            Handlungsschwerpunkt(konzept=konzept, position=i, title=f"Handlungsschwerpunkt {i + 1}")
            for i in range(n_schwerpunkte)
        )
        ziele = Ziel.objects.bulk_create(
            Ziel(schwerpunkt=s, position=z, title=f"{s.title}: Ziel {z + 1}")
            for s in schwerpunkte
            for z in range(n_ziele)
        )
        for z in ziele:
            for m in range(n_massnahmen):
                status = rng.choices(
                    ["geplant", "in_umsetzung", "umgesetzt", "zurueckgestellt"], [25, 45, 20, 10]
                )[0]
                start = heute + timedelta(days=rng.randint(-700, 100))
                massnahmen.append(
                    Massnahme(
                        ziel=z,
                        position=m,
                        title=f"{rng.choice(MASSNAHMEN)} ({len(massnahmen) + 1})",
                        description=SATZ,
                        status=status,
                        progress=100 if status == "umgesetzt" else rng.randint(0, 90),
                        forum=rng.choice(foren) if rng.random() < 0.5 else None,
                        start=start,
                        end=start + timedelta(days=rng.randint(90, 900)),
                    )
                )
    Massnahme.objects.bulk_create(massnahmen)
    Massnahme.organisationen.through.objects.bulk_create(
        Massnahme.organisationen.through(massnahme=m, organisation=o)
        for m in massnahmen
        for o in rng.sample(organisationen, rng.randint(1, 3))
    )
    Fortschrittsnotiz.objects.bulk_create(
        Fortschrittsnotiz(
            massnahme=m,
            text=SATZ,
            progress=m.progress,
            status=m.status,
            author=rng.choice([koordination, *leute[:50]]),
            created_at=now - timedelta(days=rng.randint(1, 540)),
        )
        for m in massnahmen
        for _ in range(rng.randint(1, 4))
    )
    Meilenstein.objects.bulk_create(
        Meilenstein(
            date=heute - timedelta(days=90 * i + 20),
            title=f"Meilenstein {12 - i}",
            description=SATZ,
            created_by=koordination,
        )
        for i in range(12)
    )
    vacuum()
    return {"gremium": gremium, "koordination": koordination, "von": von, "bis": heute}


def zahlen() -> str:
    from akteure.models import Angebot, Organisation
    from foren.models import Beitrag, Forum, Mitgliedschaft
    from foren.models import Kommentar as Forumskommentar
    from konferenzen.models import Anmeldung, Veranstaltung
    from netzwerk.models import Fortschrittsnotiz, Massnahme

    return (
        f"{Organisation.objects.count()} Organisationen, {Angebot.objects.count()} Angebote, "
        f"{Forum.objects.count()} Foren ({Mitgliedschaft.objects.count()} Mitgliedschaften, "
        f"{Beitrag.objects.count()} Beiträge, {Forumskommentar.objects.count()} Kommentare), "
        f"{Veranstaltung.objects.count()} Veranstaltungen ({Anmeldung.objects.count()} "
        f"Anmeldungen), {Massnahme.objects.count()} Maßnahmen "
        f"({Fortschrittsnotiz.objects.count()} Notizen)"
    )


# --- The request ------------------------------------------------------------------------------


def queue_purge(*, bindungen: bool = False) -> int:
    """Empty QUEUE (and its priority lists); returns how many messages it held. At the end also
    the queue's bindings (kombu routes by them, so not while this process still sends)."""
    import redis

    client = redis.Redis.from_url(BROKER)
    try:
        held = client.llen(QUEUE)
        keys = [*client.scan_iter(f"{QUEUE}*")]
        if bindungen:
            keys += [*client.scan_iter(f"_kombu.binding*.{QUEUE}")]
        if keys:
            client.delete(*keys)
        return held
    finally:
        client.close()


def anfrage(umgebung: dict) -> dict:
    from unittest import mock

    from django.test import Client, override_settings
    from django.urls import reverse

    from netzwerk.berichte import tasks
    from netzwerk.models import Sachstandsbericht

    queue_purge()  # the reports above were dispatched too
    client = Client()
    client.force_login(umgebung["koordination"])
    url = reverse("netzwerk:bericht-list")
    form = {
        "gremium": umgebung["gremium"].pk,
        "konzept": "",
        "period_start": umgebung["von"].isoformat(),
        "period_end": umgebung["bis"].isoformat(),
        "sections": Sachstandsbericht.Abschnitt.values,
        "summary": SUMMARY,
        "outlook": OUTLOOK,
    }
    versand: list[float] = []
    delay = tasks.render_bericht.delay

    def gemessen(*args, **kwargs):
        start = time.perf_counter()
        try:
            return delay(*args, **kwargs)
        finally:
            versand.append(time.perf_counter() - start)

    def post():
        start = time.perf_counter()
        response = client.post(url, form)
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, (response.status_code, response.content[:300])
        nummer = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
        assert response["Location"] == reverse("netzwerk:bericht-detail", args=[nummer])
        # Read at once: had the request rendered, the report would be done by now.
        status = Sachstandsbericht.objects.values_list("status", flat=True).get(nummer=nummer)
        return elapsed, nummer, status

    with override_settings(DEBUG=False), mock.patch.object(tasks.render_bericht, "delay", gemessen):
        erste, _nummer, _status = post()
        connection.queries_log.clear()  # see render()
        with CaptureQueriesContext(connection) as queries:
            post()
        abfragen = len(queries)
        laeufe = [post() for _ in range(ANFRAGEN)]
    times = [t * 1000 for t, _n, _s in laeufe]
    wartend = sum(1 for _t, _n, status in laeufe if status == Sachstandsbericht.Status.WARTET)
    nummern = [n for _t, n, _s in laeufe]
    noch_wartend = Sachstandsbericht.objects.filter(
        nummer__in=nummern, status=Sachstandsbericht.Status.WARTET, file=""
    ).count()
    in_queue = queue_purge()
    median = statistics.median(times)
    print(
        f"\nAnfrage der Koordination (POST {url}, django.test.Client, DEBUG aus, Kreis-Datenbank)"
    )
    print(
        f"  erste Anfrage {erste * 1000:.0f} ms; {ANFRAGEN} Anfragen danach: Median "
        f"{median:.0f} ms, p95 {p95(times):.0f} ms   "
        + ziel(median / 1000, p95(times) / 1000, ZIEL_ANFRAGE, "ms")
    )
    print(
        f"  davon Übergabe an Redis (render_bericht.delay) Median "
        f"{statistics.median(versand[2:]) * 1000:.1f} ms; {abfragen} Abfragen je Anfrage"
    )
    print(
        f"  nicht gerendert: {wartend} von {ANFRAGEN} Berichten standen direkt nach der Antwort "
        f"auf „wartet“ (ohne Datei), nach allen Anfragen noch {noch_wartend}; in der "
        f"Warteschlange {QUEUE} (Redis-DB 5) lagen {in_queue} Aufträge für "
        f"{ANFRAGEN + 2} Anfragen (jetzt geleert)"
    )
    assert wartend == noch_wartend == ANFRAGEN, "eine Anfrage hat den Bericht selbst erstellt"
    assert in_queue == ANFRAGEN + 2, "nicht jede Anfrage hat ihren Auftrag an Redis gegeben"
    return {"median": median / 1000, "p95": p95(times) / 1000, "grenze": ZIEL_ANFRAGE}


# --- Profile ----------------------------------------------------------------------------------

# (label, file suffix, function): cumulative time of each under cProfile.
PHASEN = [
    ("Daten (bericht_inhalt)", "berichte/inhalt.py", "bericht_inhalt"),
    ("Template (render_to_string)", "django/template/loader.py", "render_to_string"),
    ("HTML parsen (weasyprint.HTML)", "weasyprint/__init__.py", "__init__"),
    ("CSS: Stile berechnen", "weasyprint/css/__init__.py", "get_all_computed_styles"),
    ("Boxen aufbauen", "weasyprint/formatting_structure/build.py", "build_formatting_structure"),
    ("Satz (layout_document)", "weasyprint/layout/__init__.py", "layout_document"),
    ("  davon Tabellen: Spaltenbreiten", "weasyprint/layout/preferred.py",
     "table_and_columns_preferred_widths"),
    ("  davon Zeilenumbruch (Pango)", "weasyprint/text/line_break.py", "split_first_line"),
    ("PDF schreiben (write_pdf)", "weasyprint/document.py", "write_pdf"),
    ("  davon Zeichnen (paint)", "weasyprint/document.py", "paint"),
    ("  davon PDF/UA-Tags", "weasyprint/pdf/tags.py", "add_tags"),
    ("  davon Schriften einbetten", "weasyprint/pdf/fonts.py", "build_fonts_dictionary"),
    ("  davon zlib", "~", "<method 'compress' of 'zlib.Compress' objects>"),
]  # fmt: skip


def profil(umgebung: dict) -> None:
    import cProfile
    import pstats

    from netzwerk.berichte.services import bericht_render

    bericht = neuer_bericht(umgebung)
    profiler = cProfile.Profile()
    profiler.enable()
    bericht_render(bericht_id=bericht.pk)
    profiler.disable()
    path = tempfile.NamedTemporaryFile(prefix="bericht-kreis-", suffix=".prof", delete=False).name
    profiler.dump_stats(path)
    stats = pstats.Stats(profiler)
    gesamt = stats.total_tt
    print(f"\nProfil eines Kreis-Berichts (cProfile, {gesamt:.1f} s mit Profiler; in {path})")
    for label, datei, funktion in PHASEN:
        ct = max(
            (
                werte[3]
                for (f, _line, name), werte in stats.stats.items()
                if name == funktion and f.endswith(datei)
            ),
            default=0.0,
        )
        print(f"  {label:36} {ct:6.2f} s  {100 * ct / gesamt:5.1f} %")


def main() -> None:
    try:
        _main()
    finally:
        queue_purge(bindungen=True)
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


def _main() -> None:
    print(
        f"Sachstandsberichte: Renderzeit im Worker und die Anfrage, die einen Bericht anstößt. "
        f"{os.cpu_count()} CPU-Kerne, geteilt mit anderen Prozessen; Last vorher "
        f"{os.getloadavg()[0]:.1f}."
    )
    ergebnisse = {}
    datenbank(DEMO_DB)
    start = time.perf_counter()
    umgebung = demo()
    print(
        f"\nDemo-Netzwerk ({DEMO_DB}), aufgebaut in {time.perf_counter() - start:.1f} s: {zahlen()}"
    )
    assert "weasyprint" not in sys.modules, "WeasyPrint ist schon geladen: der erste Lauf wäre warm"
    ergebnisse["Demo"] = messen(
        f"Demo-Bericht, Zeitraum {umgebung['von']:%d.%m.%Y} bis {umgebung['bis']:%d.%m.%Y}",
        umgebung,
        ZIEL_DEMO,
        "Erster Lauf im Prozess (kalt: Import von WeasyPrint, Schrift, Templates)",
    )

    datenbank(KREIS_DB)
    start = time.perf_counter()
    umgebung = kreis()
    print(
        f"\nKreis ({KREIS_DB}), erzeugt in {time.perf_counter() - start:.1f} s (bulk_create): "
        f"{zahlen()}"
    )
    ergebnisse["Kreis"] = messen(
        f"Kreis-Bericht, Zeitraum {umgebung['von']:%d.%m.%Y} bis {umgebung['bis']:%d.%m.%Y}",
        umgebung,
        ZIEL_KREIS,
        "Erster Lauf auf dieser Datenbank (Prozess schon warm)",
    )
    ergebnisse["Anfrage"] = anfrage(umgebung)
    if os.environ.get("BENCH_PROFILE"):
        profil(umgebung)

    print(f"\nZusammenfassung (Last nachher {os.getloadavg()[0]:.1f}):")
    for name, r in ergebnisse.items():
        einheit = "ms" if name == "Anfrage" else "s"
        faktor = 1000 if einheit == "ms" else 1
        print(
            f"  {name:8} Median {r['median'] * faktor:7.2f} {einheit}, p95 "
            f"{r['p95'] * faktor:7.2f} {einheit}   "
            + ziel(r["median"], r["p95"], r["grenze"], einheit)
        )


if __name__ == "__main__":
    main()
