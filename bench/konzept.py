"""Benchmark of a county-sized concept document (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/konzept.py

Builds a fresh database netzwerk_bench_konzept with a concept in Beteiligung: 30 chapters of
Markdown (headings, lists, a table here and there, 3 to 5 versions each, 0 to 6 comments, half of
them answered) and 200 measures in 5 focal points × 4 goals (1 to 3 responsible organisations,
every other one with a forum, 1 to 4 progress notes). A coordinator (TOTP set up, session made with
Client.force_login) then requests the concept page and the measures' tree N times each (BENCH_RUNS,
default 30, after a warm-up) and the script prints median, p95 and queries per request, next to a
baseline measured in the same run: a bare view behind the same middleware that reads the same
data with hand-written SQL (chapters with their comments; the measures' tree with the progress
rolled up by window functions, checked against the page's selector) and returns it as plain text,
no template, no Markdown; then the ratio p95(page) / p95(baseline). Page and baseline take turns
request by request, so a busy moment of the machine slows both alike. Last, how long the Markdown
of the 30 chapters alone takes, measured in the same rounds: the part of the concept page that
the baseline leaves out.

The page's queries are also counted for a small concept (3 chapters, 10 measures): they must be
the same (tests/netzwerk/test_konzepte_abfragen.py asserts it as well).
"""

import os
import random
import statistics
import time
from datetime import date, timedelta

from _common import fresh_database, prepare

prepare("netzwerk_bench_konzept")

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

N = int(os.environ.get("BENCH_RUNS", "30"))
KAPITEL, SCHWERPUNKTE, ZIELE, MASSNAHMEN = 30, 5, 4, 200

SAETZE = [
    "Jedes fünfte Kind im Kreis wächst in einer Familie auf, die Leistungen nach dem SGB II "
    "bezieht.",
    "Die Angebote sind zahlreich, aber **nicht verbunden**: Familien finden sie oft erst spät.",
    "Die Familienzentren sind in allen Sozialräumen erreichbar, die Wartezeiten aber lang.",
    "Kitas und Grundschulen stimmen den Übergang bisher nur dort ab, wo sich Fachkräfte kennen.",
    "In der Befragung vom Januar 2023 nannten 62 % der Eltern fehlende Informationen als Hürde.",
    "Die Präventionskonferenz hat drei Themen gewählt, an denen die Foren weiterarbeiten.",
    "Sprachförderung beginnt vor der Kita: in Krabbelgruppen, Elterncafés und der Bibliothek.",
    "Die Steuerungsgruppe tagt viermal im Jahr und berichtet dem Jugendhilfeausschuss.",
    "Gesundheitsamt, Jobcenter und freie Träger teilen ihre Daten nur im Rahmen der DSGVO.",
    "Mehr dazu im [Sozialbericht 2022](https://kreis.example/sozialbericht) des Kreises.",
]
PUNKTE = [
    "Lotsinnen in den Geburtskliniken",
    "Übergabebogen Kita – Grundschule",
    "Elterncafés in den Familienzentren",
    "Sprechstunde der Erziehungsberatung in Schulen",
    "Ferienangebote für Jugendliche ohne Kosten",
    "Fortbildung *Kinderschutz* für Vereine",
]
SCHWERPUNKT_TITEL = [
    "Übergänge gestalten",
    "Familien früh erreichen",
    "Sprache und Bildung fördern",
    "Gesund aufwachsen",
    "Teilhabe in Sport und Freizeit",
]


def kapiteltext(rng: random.Random, n: int) -> str:
    """A chapter as coordinators write them: sections with paragraphs, lists and, now and then,
    a table; about 3,000 to 8,000 characters."""
    teile = []
    for abschnitt in range(rng.randint(3, 5)):
        teile.append(f"## {n}.{abschnitt + 1} {rng.choice(PUNKTE).replace('*', '')}")
        for _ in range(rng.randint(2, 3)):
            teile.append(" ".join(rng.sample(SAETZE, rng.randint(3, 6))))
        teile.append("\n".join(f"- {p}" for p in rng.sample(PUNKTE, rng.randint(2, 5))))
        if rng.random() < 0.3:
            zeilen = "\n".join(
                f"| {rng.choice(SCHWERPUNKT_TITEL)} | {rng.randint(2, 40)} | "
                f"{rng.randint(0, 100)} % |"
                for _ in range(4)
            )
            teile.append(f"| Bereich | Angebote | erreicht |\n|---|---:|---:|\n{zeilen}")
    return "\n\n".join(teile)


def generate(slug: str, kapitel: int, massnahmen: int, ziele: int) -> None:
    from django.contrib.auth.models import Group

    from akteure.models import Organisation, Organisationstyp
    from foren.models import Forum
    from netzwerk.models import (
        Fortschrittsnotiz,
        Gremium,
        Handlungsfeld,
        Handlungsschwerpunkt,
        Kapitel,
        KapitelVersion,
        Kommentar,
        Konzept,
        Massnahme,
        Rolle,
        User,
        Ziel,
    )

    rng = random.Random(6)
    now = timezone.now()
    gremium, _ = Gremium.objects.get_or_create(
        slug="jha-bench", defaults={"name": "Jugendhilfeausschuss (Bench)"}
    )
    konzept = Konzept.objects.create(
        title=f"Präventionskonzept {slug}",
        slug=slug,
        status=Konzept.Status.BETEILIGUNG,
        gremium=gremium,
        description="Ein Konzept für den ganzen Kreis.",
    )
    partner_gruppe = Group.objects.get(name=Rolle.PARTNER)
    leute = User.objects.bulk_create(
        User(
            email=f"{slug}-partner{i}@kreis.example",
            first_name=f"Vorname{i}",
            last_name=f"Nachname{i}",
            approved_at=now,
        )
        for i in range(12)
    )
    partner_gruppe.user_set.add(*leute)
    koordination = User.objects.filter(groups__name=Rolle.KOORDINATION).first()

    texte = [kapiteltext(rng, i + 1) for i in range(kapitel)]
    alle_kapitel = Kapitel.objects.bulk_create(
        Kapitel(
            konzept=konzept,
            position=i,
            title=f"{i + 1}. {rng.choice(PUNKTE).replace('*', '')}",
            text=texte[i],
            version=rng.randint(3, 5),
            updated_by=koordination,
            updated_at=now - timedelta(days=rng.randint(0, 60)),
        )
        for i in range(kapitel)
    )
    KapitelVersion.objects.bulk_create(
        KapitelVersion(
            kapitel=k,
            number=v,
            title=k.title,
            text=k.text[: len(k.text) * v // k.version],
            author=rng.choice([koordination, *leute]),
            created_at=now - timedelta(days=10 * (k.version - v)),
        )
        for k in alle_kapitel
        for v in range(1, k.version + 1)
    )
    kommentare = []
    for k in alle_kapitel:
        for _ in range(rng.randint(0, 6)):
            beantwortet = rng.random() < 0.5
            kommentare.append(
                Kommentar(
                    kapitel=k,
                    author=rng.choice(leute),
                    version=k.version,
                    text=" ".join(rng.sample(SAETZE, 2)).replace("**", ""),
                    created_at=now - timedelta(days=rng.randint(0, 20)),
                    status=rng.choice(["aufgenommen", "nicht_aufgenommen"])
                    if beantwortet
                    else "offen",
                    answer="Danke, wir ergänzen das im nächsten Entwurf." if beantwortet else "",
                    answered_by=koordination if beantwortet else None,
                    answered_at=now if beantwortet else None,
                )
            )
    Kommentar.objects.bulk_create(kommentare)

    typ, _ = Organisationstyp.objects.get_or_create(slug="traeger", defaults={"name": "Träger"})
    organisationen = Organisation.objects.bulk_create(
        Organisation(name=f"{slug} Träger {i:02} e. V.", slug=f"{slug}-traeger-{i}", typ=typ)
        for i in range(40)
    )
    felder = list(Handlungsfeld.objects.all())
    foren = Forum.objects.bulk_create(
        Forum(name=f"Forum {t} ({slug})", slug=f"{slug}-forum-{i}", handlungsfeld=felder[i])
        for i, t in enumerate(SCHWERPUNKT_TITEL)
    )
    schwerpunkte = Handlungsschwerpunkt.objects.bulk_create(
        Handlungsschwerpunkt(konzept=konzept, position=i, title=t)
        for i, t in enumerate(SCHWERPUNKT_TITEL)
    )
    alle_ziele = Ziel.objects.bulk_create(
        Ziel(schwerpunkt=s, position=z, title=f"{s.title}: Ziel {z + 1}")
        for s in schwerpunkte
        for z in range(ziele)
    )
    status = ["geplant", "in_umsetzung", "in_umsetzung", "umgesetzt", "zurueckgestellt"]
    alle = Massnahme.objects.bulk_create(
        Massnahme(
            ziel=alle_ziele[i % len(alle_ziele)],
            position=i // len(alle_ziele),
            title=f"{rng.choice(PUNKTE).replace('*', '')} ({i + 1})",
            description=rng.choice(SAETZE),
            status=rng.choice(status),
            progress=rng.randint(0, 100),
            forum=rng.choice(foren) if i % 2 else None,
            start=date(2024, 1, 1) + timedelta(days=rng.randint(0, 365)),
            end=date(2026, 1, 1) + timedelta(days=rng.randint(0, 365)),
        )
        for i in range(massnahmen)
    )
    Through = Massnahme.organisationen.through
    Through.objects.bulk_create(
        Through(massnahme=m, organisation=o)
        for m in alle
        for o in rng.sample(organisationen, rng.randint(1, 3))
    )
    Fortschrittsnotiz.objects.bulk_create(
        Fortschrittsnotiz(
            massnahme=m,
            text=rng.choice(SAETZE),
            progress=m.progress,
            status=m.status,
            author=rng.choice([koordination, *leute]),
            created_at=now - timedelta(days=30 * n),
        )
        for m in alle
        for n in range(rng.randint(1, 4))
    )


# --- The baseline: the same data in hand-written SQL, as plain text ----------------------------
KONZEPT_SQL = """
SELECT k.id, k.title, k.status, k.description, g.name FROM netzwerk_konzept k
LEFT JOIN netzwerk_gremium g ON g.id = k.gremium_id WHERE k.slug = %s
"""
KAPITEL_SQL = """
SELECT c.id, c.title, c.text, c.version, c.updated_at, u.first_name || ' ' || u.last_name
FROM netzwerk_kapitel c LEFT JOIN netzwerk_user u ON u.id = c.updated_by_id
WHERE c.konzept_id = %s AND c.entfernt_am IS NULL ORDER BY c.position, c.id
"""
KOMMENTARE_SQL = """
SELECT m.kapitel_id, m.id, m.text, m.created_at, m.status, m.answer,
       u.first_name || ' ' || u.last_name
FROM netzwerk_kommentar m JOIN netzwerk_kapitel c ON c.id = m.kapitel_id
LEFT JOIN netzwerk_user u ON u.id = m.author_id
WHERE c.konzept_id = %s AND c.entfernt_am IS NULL ORDER BY m.created_at, m.id
"""
# One row per measure (goals without one appear once), each with the sums that roll the progress
# up: per goal and per focal point, measures put back (zurückgestellt) left out.
BAUM_SQL = """
SELECT s.id, s.title, z.id, z.title, m.id, m.title, m.status, m.progress, f.name,
  (SELECT string_agg(o.name, ', ' ORDER BY o.name) FROM netzwerk_massnahme_organisationen mo
   JOIN akteure_organisation o ON o.id = mo.organisation_id WHERE mo.massnahme_id = m.id),
  SUM(m.progress) FILTER (WHERE m.status <> 'zurueckgestellt') OVER ziel,
  COUNT(m.progress) FILTER (WHERE m.status <> 'zurueckgestellt') OVER ziel,
  COUNT(m.id) OVER ziel,
  SUM(m.progress) FILTER (WHERE m.status <> 'zurueckgestellt') OVER schwerpunkt,
  COUNT(m.progress) FILTER (WHERE m.status <> 'zurueckgestellt') OVER schwerpunkt,
  COUNT(m.id) OVER schwerpunkt
FROM netzwerk_konzept k JOIN netzwerk_handlungsschwerpunkt s ON s.konzept_id = k.id
LEFT JOIN netzwerk_ziel z ON z.schwerpunkt_id = s.id
LEFT JOIN netzwerk_massnahme m ON m.ziel_id = z.id
LEFT JOIN foren_forum f ON f.id = m.forum_id
WHERE k.slug = %s
WINDOW ziel AS (PARTITION BY z.id), schwerpunkt AS (PARTITION BY s.id)
ORDER BY s.position, s.id, z.position, z.id, m.position, m.id
"""


def _mittel(summe, anzahl) -> int | None:
    return round(summe / anzahl) if anzahl else None


def base_konzept(request, slug):
    with connection.cursor() as cursor:
        cursor.execute(KONZEPT_SQL, [slug])
        konzept = cursor.fetchone()
        cursor.execute(KAPITEL_SQL, [konzept[0]])
        kapitel = cursor.fetchall()
        cursor.execute(KOMMENTARE_SQL, [konzept[0]])
        kommentare = {}
        for row in cursor.fetchall():
            kommentare.setdefault(row[0], []).append(row[1:])
    offen = sum(1 for liste in kommentare.values() for c in liste if c[3] == "offen")
    zeilen = [" | ".join(map(str, konzept)), f"offen: {offen}"]
    for c in kapitel:
        zeilen += [" | ".join(map(str, c))]
        zeilen += [" | ".join(map(str, k)) for k in kommentare.get(c[0], [])]
    return HttpResponse("\n".join(zeilen), content_type="text/plain")


def baum_roh(slug: str) -> list[tuple]:
    """Focal points → goals → measures with their progress, from one query."""
    with connection.cursor() as cursor:
        cursor.execute(BAUM_SQL, [slug])
        rows = cursor.fetchall()
    baum, schwerpunkt, ziel = [], None, None
    for row in rows:
        if schwerpunkt is None or schwerpunkt[0] != row[0]:
            schwerpunkt = (row[0], row[1], _mittel(row[13], row[14]), row[15], [])
            baum.append(schwerpunkt)
            ziel = None
        if row[2] is not None and (ziel is None or ziel[0] != row[2]):
            ziel = (row[2], row[3], _mittel(row[10], row[11]), row[12], [])
            schwerpunkt[4].append(ziel)
        if row[4] is not None:
            ziel[4].append(row[4:10])
    return baum


def base_massnahmen(request, slug):
    zeilen = []
    for s in baum_roh(slug):
        zeilen.append(" | ".join(map(str, s[:4])))
        for z in s[4]:
            zeilen.append("  " + " | ".join(map(str, z[:4])))
            zeilen += ["    " + " | ".join(map(str, m)) for m in z[4]]
    return HttpResponse("\n".join(zeilen), content_type="text/plain")


urlpatterns = [
    path("bench/konzept/<slug:slug>", base_konzept),
    path("bench/massnahmen/<slug:slug>", base_massnahmen),
    path("", include("netzwerk.urls")),
]


def coordinator_client() -> Client:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from netzwerk.models import Rolle, User

    user = User.objects.create(
        email="bench@kreis.example",
        approved_at=timezone.now(),
        is_staff=True,
        first_name="Bench",
        last_name="Koordination",
    )
    user.groups.add(Group.objects.get(name=Rolle.KOORDINATION))
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(user)
    return client


def check_baseline(slug: str) -> None:
    """The baseline reads what the page shows: the same tree, the same rolled-up progress."""
    from netzwerk.konzepte.selectors import massnahmen_baum
    from netzwerk.models import Konzept

    seite = [
        (s.objekt.pk, s.progress, s.anzahl, [(z.objekt.pk, z.progress, z.anzahl) for z in s.kinder])
        for s in massnahmen_baum(Konzept.objects.get(slug=slug))
    ]
    roh = [(s[0], s[2], s[3], [(z[0], z[2], z[3]) for z in s[4]]) for s in baum_roh(slug)]
    assert seite == roh, "Basis und Seite rechnen den Fortschritt verschieden"


def markdown(slug: str):
    """The chapters' Markdown alone, rendered as the page's filter renders it."""
    from netzwerk.models import Kapitel
    from netzwerk.text import render_markdown

    texte = list(Kapitel.objects.filter(konzept__slug=slug).values_list("text", flat=True))
    return lambda: [render_markdown(text, top=3) for text in texte]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def interleaved(steps: dict[str, object]) -> dict[str, tuple[float, float]]:
    """Median and p95 in ms of each step over N rounds after a warm-up. Each round runs every
    step once, so a busy moment of the machine slows the page and its baseline alike."""
    times = {name: [] for name in steps}
    for round_ in range(N + 1):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            if round_:  # round 0 is the warm-up
                times[name].append((time.perf_counter() - start) * 1000)
    return {
        name: (statistics.median(t), sorted(t)[int(len(t) * 0.95) - 1]) for name, t in times.items()
    }


def get(client, url: str):
    def step():
        assert client.get(url).status_code == 200, url

    return step


def main() -> None:
    from netzwerk.models import Fortschrittsnotiz, KapitelVersion, Kommentar, Massnahme

    fresh_database()
    from netzwerk.demo import build as netzwerk_build

    netzwerk_build()  # vocabularies, roles, a coordinator
    start = time.perf_counter()
    generate("klein", kapitel=3, massnahmen=10, ziele=1)
    generate("gross", kapitel=KAPITEL, massnahmen=MASSNAHMEN, ziele=ZIELE)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would
    kapitel = {"kapitel__konzept__slug": "gross"}
    massnahme = {"massnahme__ziel__schwerpunkt__konzept__slug": "gross"}
    zustaendig = Massnahme.organisationen.through.objects.filter(**massnahme).count()
    print(
        f"Daten: {KAPITEL} Kapitel ({KapitelVersion.objects.filter(**kapitel).count()} Versionen, "
        f"{Kommentar.objects.filter(**kapitel).count()} Kommentare), {MASSNAHMEN} Maßnahmen in "
        f"{SCHWERPUNKTE} Schwerpunkten × {ZIELE} Zielen "
        f"({Fortschrittsnotiz.objects.filter(**massnahme).count()} Notizen, {zustaendig} "
        f"Zuständigkeiten), erzeugt in {time.perf_counter() - start:.1f} s; {N} Anfragen je "
        "Seite nach einem Aufwärmlauf, angemeldet als Koordination"
    )
    check_baseline("gross")
    client = coordinator_client()
    rows = [
        ("Konzept (Kapitel)", "/konzepte/{}/", "/bench/konzept/{}"),
        ("Maßnahmen (Baum)", "/konzepte/{}/massnahmen/", "/bench/massnahmen/{}"),
    ]
    print(
        f"{'Seite':20} {'Median':>8} {'p95':>8} {'Queries':>8} {'Basis Median':>13} "
        f"{'Basis p95':>10} {'Basis Q.':>9} {'Faktor p95':>10}"
    )
    gleich, nur_markdown = [], None
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        for label, url, base in rows:
            page, raw = url.format("gross"), base.format("gross")
            steps = {"seite": get(client, page), "basis": get(client, raw)}
            if label.startswith("Konzept"):
                steps["markdown"] = markdown("gross")
            result = interleaved(steps)
            # Both as most requests find them, with their chapters cached (the first request
            # of a page reads the texts of the chapters it draws: one query more, at any size).
            queries(client, url.format("klein"))
            few, many = queries(client, url.format("klein")), queries(client, page)
            assert many == few, f"{label}: {few} Abfragen bei klein, {many} bei groß"
            gleich.append(f"{label} {many}")
            (median, p95), (b_median, b_p95) = result["seite"], result["basis"]
            print(
                f"{label:20} {median:7.1f}ms {p95:7.1f}ms {many:8} {b_median:12.1f}ms "
                f"{b_p95:9.1f}ms {queries(client, raw):9} {p95 / b_p95:9.1f}x"
            )
            nur_markdown = result.get("markdown", nur_markdown)
    print(
        f"Abfragen je Seite gleich für 3 Kapitel/10 Maßnahmen und {KAPITEL}/{MASSNAHMEN} "
        f"(geprüft): {', '.join(gleich)}"
    )
    print(
        f"Markdown der {KAPITEL} Kapitel allein (Teil der Konzeptseite, in denselben Runden "
        f"gemessen): Median {nur_markdown[0]:.1f}ms, p95 {nur_markdown[1]:.1f}ms"
    )


if __name__ == "__main__":
    main()
