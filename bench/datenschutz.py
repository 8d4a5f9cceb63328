"""Data protection at county scale: erasure, Auskunft and the retention run through the registry
of personal data, against raw SQL doing the same core work in the same run; and how many password
guesses an attacker gets per hour against one account.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/datenschutz.py

Data: the demo network plus an outbox of 20,000 sent mails, 2,000 open sessions, 400 events
with 12,000 registrations, and 20 people each with registrations, invitations, forum posts,
memberships and mails. The raw-SQL baseline of erasure touches only the core rows (account,
contact person, registrations, invitations, memberships, mails by address): the floor of what
any erasure must do. The registry does more (history, logs, printed lists, every text column
that can name the person), so a ratio above 1 is expected; what matters is that one erasure
stays well under a second on the county data.
"""

import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fresh_database, prepare  # noqa: E402

PEOPLE = 20


def build():
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from foren.models import Beitrag, Forum, Mitgliedschaft
    from konferenzen.models import Anmeldung, Einladung, Veranstaltung
    from netzwerk.models import Mail, User

    call_command("demo_data", quiet=True)
    now = timezone.now()
    events = Veranstaltung.objects.bulk_create(
        Veranstaltung(
            art="workshop",
            title=f"Werkstatt {i}",
            start=now + timedelta(days=i - 200),
            end=now + timedelta(days=i - 200, hours=3),
            visibility="public",
        )
        for i in range(400)
    )
    Anmeldung.objects.bulk_create(
        Anmeldung(
            veranstaltung=events[i % 400],
            name=f"Teilnehmerin {i}",
            email=f"teilnehmerin{i}@county.example",
            status="teilgenommen" if i % 400 < 200 else "bestaetigt",
        )
        for i in range(12_000)
    )
    Mail.objects.bulk_create(
        Mail(
            template="einladung",
            to=[f"teilnehmerin{i}@county.example"],
            subject=f"Einladung {i}",
            body_text=f"Guten Tag Teilnehmerin {i}, ...",
            status=Mail.Status.SENT,
            sent_at=now - timedelta(days=i % 60),
        )
        for i in range(20_000)
    )
    for i in range(2_000):
        session = SessionStore()
        session["_auth_user_id"] = str(i)
        session.create()
    forums = list(Forum.objects.all())
    people = []
    for p in range(PEOPLE):
        user = User.objects.create_user(
            email=f"betroffen{p}@county.example",
            password="x",
            first_name="Bea",
            last_name=f"Betroffen{p}",
            approved_at=now,
        )
        people.append(user)
        Mitgliedschaft.objects.bulk_create(Mitgliedschaft(forum=f, user=user) for f in forums[:3])
        Beitrag.objects.bulk_create(
            Beitrag(forum=forums[0], art="bedarf", title=f"Bedarf {p}-{k}", author=user)
            for k in range(10)
        )
        Anmeldung.objects.bulk_create(
            Anmeldung(
                veranstaltung=events[(p * 7 + k) % 400],
                name=f"Bea Betroffen{p}",
                email=user.email,
                user=user,
                status="teilgenommen" if (p * 7 + k) % 400 < 200 else "bestaetigt",
            )
            for k in range(12)
        )
        Einladung.objects.bulk_create(
            Einladung(veranstaltung=events[(p * 11 + k) % 400], name="Bea", email=user.email)
            for k in range(5)
        )
        Mail.objects.bulk_create(
            Mail(
                template="einladung",
                to=[user.email],
                subject="Einladung",
                body_text=f"Guten Tag Bea Betroffen{p}",
                status=Mail.Status.SENT,
            )
            for _ in range(10)
        )
    return people


def raw_erase(user_id: int, email: str) -> None:
    """The floor: the core rows, one statement each."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "UPDATE konferenzen_anmeldung SET name = 'Gelöschte Person', email = "
            "'geloescht-' || id || '@invalid', user_id = NULL WHERE user_id = %s OR "
            "lower(email) = %s",
            [user_id, email],
        )
        c.execute(
            "UPDATE konferenzen_einladung SET name = '', email = 'geloescht-' || id || "
            "'@invalid' WHERE lower(email) = %s",
            [email],
        )
        c.execute("DELETE FROM foren_mitgliedschaft WHERE user_id = %s", [user_id])
        c.execute(
            "UPDATE netzwerk_mail SET \"to\" = '[]', body_text = '' WHERE "
            'CAST("to" AS text) ILIKE %s',
            [f"%{email}%"],
        )
        c.execute("DELETE FROM account_emailaddress WHERE user_id = %s", [user_id])
        c.execute(
            "UPDATE netzwerk_user SET email = 'geloescht-' || id || '@invalid', first_name = "
            "'Gelöschte', last_name = 'Person', is_active = false WHERE id = %s",
            [user_id],
        )


def measure(label: str, fn, items) -> float:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    print(f"{label:46} median {median:8.1f} ms   max {max(times):8.1f} ms   n={len(times)}")
    return median


def attacker_per_hour(*, bremse: bool = True, email: str = "opfer@county.example") -> int:
    """Guesses actually checked in one simulated hour against one account: the attacker tries
    again the moment the login limiter (netzwerk.anmeldebremse) lets it; a fake clock."""
    from django.core.cache import cache
    from django.test import RequestFactory

    from netzwerk import anmeldebremse

    cache.clear()
    clock = [0.0]
    real, anmeldebremse.uhr = anmeldebremse.uhr, lambda: clock[0]
    request = RequestFactory().post("/konto/login/", REMOTE_ADDR="203.0.113.9")
    checked = 0
    try:
        while clock[0] < 3600:
            warten = anmeldebremse.wartezeit(request, email) if bremse else 0
            if warten:
                clock[0] += warten
                continue
            anmeldebremse.fehlschlag(request, email)
            checked += 1
            clock[0] += 0.2  # one guess takes the server this long (hashing)
    finally:
        anmeldebremse.uhr = real
    return checked


def main() -> None:
    prepare("bench_datenschutz")
    fresh_database()
    from django.db import transaction
    from django.utils import timezone

    from akteure import selectors, services
    from netzwerk import datenschutz

    t0 = time.perf_counter()
    people = build()
    print(f"Daten aufgebaut in {time.perf_counter() - t0:.1f} s")

    half = PEOPLE // 2
    auskunft = measure(
        "Auskunft (alle Einträge des Registers)",
        lambda u: selectors.person_export(user=u),
        people[:half],
    )
    plan = measure(
        "Bestätigungsseite: Plan mit Zahlen",
        lambda u: selectors.erase_plan(user=u),
        people[:half],
    )
    erase = measure(
        "Löschung über das Register (eine Transaktion)",
        lambda u: services.person_erase(user=u),
        people[:half],
    )
    baseline = measure(
        "Grundlinie: rohe SQL-Löschung der Kernzeilen",
        lambda u: raw_erase(u.pk, u.email),
        people[half:],
    )
    print(f"Verhältnis Löschung / Grundlinie: {erase / baseline:.1f}")
    print(f"Verhältnis Auskunft / Grundlinie: {auskunft / baseline:.1f}")
    print(f"Verhältnis Plan / Grundlinie: {plan / baseline:.1f}")

    later = timezone.now() + timedelta(days=3 * 365)
    start = time.perf_counter()
    with transaction.atomic():
        changed = datenschutz.fristen_apply(later)
    fristen_ms = (time.perf_counter() - start) * 1000
    print(f"Aufbewahrungsfristen in 3 Jahren: {fristen_ms:.0f} ms für {changed}")

    mit, ohne = attacker_per_hour(), attacker_per_hour(bremse=False)
    print(f"Angreifer, ein Konto, eine simulierte Stunde: {mit} geprüfte Passwörter")
    print(f"Grundlinie ohne Bremse (0,2 s je Prüfung): {ohne}; Verhältnis {mit / ohne:.4f}")


if __name__ == "__main__":
    main()
