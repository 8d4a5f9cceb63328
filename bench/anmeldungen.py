"""Benchmark of registrations for one event through invitation links: gunicorn, PostgreSQL, many
people at the same time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/anmeldungen.py

Uses a fresh database netzwerk_bench_anm and Redis database 5 (emptied before and after). One
event (1,000 seats, one time slot with working groups of 300, 300 and 200 seats; a quarter of the
people choose each, a quarter none) and 1,500 invitations are written straight into the
database. gunicorn serves the portal as in production (DEBUG off, collected static files,
REDIS_URL set: a confirmation is a row in the outbox and a message on the broker; no worker sends
it here), except that it speaks plain HTTP without the TLS proxy in front.

BENCH_CLIENTS people at once (threads in BENCH_PROCESSES processes, so that the client's GIL is
no limit) first open their links (GET, phase 1), then all accept (POST, phase 2: name, a working
group or none). Phase 2 is the registration rush the lock serialises; both phases together are
what the machine does when everyone clicks the link in the mail and answers. Prints per phase the
rate, the latency, the CPU seconds of gunicorn, of PostgreSQL's backends for this database, of
the clients and of everything else on the machine (other processes share the 2 cores), then
the time the event's lock is held per registration (measured serially in this process: the
ceiling for one event), and checks from the database: no overbooking of the event or of any
group, no seat left empty that a waiting person could have taken, one registration per
invitation, every answer a redirect.

BENCH_GUNICORN="4x1,2x4" (workers x threads, comma-separated) measures several settings one after
the other, each on an event of its own. The default, 4 sync workers, was the best of 2x1, 4x1,
8x1 and 2x4 (gthread) on 2 cores: 2 leave a core idle while one waits for the lock or the
database, 8 only add switching, and threads cost about a quarter more CPU per page (the GIL).
BENCH_OHNE_REDIS=1 runs without a broker: Celery then sends each mail inside the request (after
commit), here with Django's dummy e-mail backend.
"""

import http.client
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from multiprocessing import get_context
from urllib.parse import urlencode, urlsplit, urlunsplit

from _common import PRODUKTION, ROOT, fresh_database, start_gunicorn, stop_gunicorn

base_url = os.environ.get("DATABASE_URL", "")
if not base_url.startswith("postgres"):
    sys.exit("Bitte DATABASE_URL auf PostgreSQL setzen.")
OHNE_REDIS = os.environ.get("BENCH_OHNE_REDIS") == "1"
if not OHNE_REDIS and not os.environ.get("REDIS_URL", "").startswith("redis"):
    sys.exit("Bitte REDIS_URL setzen (oder BENCH_OHNE_REDIS=1).")
REDIS_URL = urlunsplit(urlsplit(os.environ.get("REDIS_URL", "redis://x"))._replace(path="/5"))
DATABASE = "netzwerk_bench_anm"
os.environ.update(
    PRODUKTION,
    DATABASE_URL=base_url.rsplit("/", 1)[0] + "/" + DATABASE,
    LOG_LEVEL="WARNING",
    # Each gunicorn worker keeps its one connection for the whole run, so that the CPU time of
    # its PostgreSQL backend can be read (a reconnect a minute, as with the default 60, costs
    # a few milliseconds).
    CONN_MAX_AGE="3600",
)
os.environ.pop("EMAIL_URL", None)
os.environ.pop("CELERY_BROKER_URL", None)
if OHNE_REDIS:
    os.environ.pop("REDIS_URL", None)
    os.environ["EMAIL_URL"] = "dummymail://"
else:
    os.environ["REDIS_URL"] = REDIS_URL
sys.path.insert(0, str(ROOT))

CAPACITY, INVITATIONS = 1_000, 1_500
GROUPS = [("Lotsen", 300), ("Zugänge", 300), ("Sprache", 200)]  # one time slot
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "4"))
GUNICORN = os.environ.get("BENCH_GUNICORN", "4x1")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TICK = os.sysconf("SC_CLK_TCK")


# --- The clients (forked processes; the standard library only) --------------------------------


def _request(netloc: str, method: str, path: str, body: str = "", headers=None):
    conn = http.client.HTTPConnection(netloc, timeout=300)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def _open(netloc: str, person: dict) -> dict:
    """Phase 1: open the link; keep the CSRF cookie and the form's token for phase 2."""
    start = time.time()
    response, html = _request(netloc, "GET", person["path"])
    end = time.time()
    if response.status != 200:
        raise RuntimeError(f"GET {response.status}")
    cookie = SimpleCookie(response.headers["Set-Cookie"])["csrftoken"].value
    token = CSRF_FIELD.search(html.decode())[1]
    return {**person, "cookie": cookie, "token": token, "start": start, "end": end}


def _accept(netloc: str, person: dict) -> dict:
    """Phase 2: accept with the form as the browser sends it (the delegates' rows left empty)."""
    body = urlencode(
        {
            "csrfmiddlewaretoken": person["token"],
            "antwort": "zusagen",
            "weitere-TOTAL_FORMS": "3",
            "weitere-INITIAL_FORMS": "0",
            "weitere-MIN_NUM_FORMS": "0",
            "weitere-MAX_NUM_FORMS": "20",
            **person["fields"],
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={person['cookie']}",
    }
    start = time.time()
    response, _body = _request(netloc, "POST", person["path"], body, headers)
    return {**person, "status": response.status, "start": start, "end": time.time()}


def _client_process(action, netloc: str, queues: list[list], start_at: float):
    """Threads, each working through its own queue one person after the other."""
    results, lock = [], threading.Lock()

    def run(queue):
        for person in queue:
            try:
                result = action(netloc, person)
            except Exception as error:  # noqa: BLE001 - counted and shown
                result = {**person, "error": repr(error)}
            with lock:
                results.append(result)

    threads = [threading.Thread(target=run, args=(q,)) for q in queues]
    time.sleep(max(0.0, start_at - time.time()))
    cpu = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.process_time() - cpu


def run_clients(action, netloc: str, people: list[dict], clients: int) -> tuple[list, float]:
    """Everyone through `clients` concurrent clients; the results and the clients' CPU seconds."""
    from django.db import connections

    connections.close_all()  # the forked clients must not share this process's connection
    queues = [people[i::clients] for i in range(clients)]
    processes = min(PROCESSES, clients)
    per_process = [queues[i::processes] for i in range(processes)]
    start_at = time.time() + 0.5  # every process is up and waiting by then
    with get_context("fork").Pool(processes) as pool:
        parts = pool.starmap(_client_process, [(action, netloc, q, start_at) for q in per_process])
    return [r for results, _cpu in parts for r in results], sum(cpu for _r, cpu in parts)


# --- The server and the machine ----------------------------------------------------------------


def _cpu_of(pids) -> float:
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return total


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                pass
    return found


def _backends() -> list[int]:
    """PostgreSQL's processes serving this database (gunicorn keeps its connections open)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DATABASE],
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return [pid for pid in pids if os.path.exists(f"/proc/{pid}")]  # a server on this machine


def _machine_busy() -> float:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK  # all but idle and iowait


# --- Data, measurements and checks -------------------------------------------------------------


def create_event(title: str, invitations: int, capacity: int | None):
    from django.urls import reverse
    from django.utils import timezone

    from konferenzen.models import Arbeitsgruppe, Einladung, Veranstaltung

    start = timezone.now() + timedelta(days=30)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title=title, start=start, end=start + timedelta(hours=8),
        capacity=capacity, visibility="invited",
    )  # fmt: skip
    groups = [
        Arbeitsgruppe.objects.create(veranstaltung=event, name=name, runde=1, capacity=cap)
        for name, cap in GROUPS
    ]
    Einladung.objects.bulk_create(
        (
            Einladung(veranstaltung=event, email=f"gast{i}@kreis.example", name=f"Gast {i}")
            for i in range(invitations)
        ),
        batch_size=1000,
    )
    rng = random.Random(5)
    people = []
    for einladung in event.einladungen.order_by("pk"):
        group = rng.choice([*groups, None])
        fields = {"name": einladung.name, "organisation_name": "Kita Wolke"}
        if group is not None:
            fields["runde_1"] = str(group.pk)
        path = reverse("konferenzen:einladung", args=[einladung.token])
        people.append({"path": path, "fields": fields})
    return event, people


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] * 1000


def phase(action, netloc: str, people: list[dict], processes: list[int]) -> tuple[list, dict]:
    """One phase at full concurrency: results, and what it took (wall time, CPU by whom)."""
    backends = _backends()
    before = _cpu_of(processes), _cpu_of(backends), _machine_busy()
    results, client_cpu = run_clients(action, netloc, people, CLIENTS)
    ok = [r for r in results if "error" not in r]
    wall = max(r["end"] for r in ok) - min(r["start"] for r in ok)
    server_cpu = _cpu_of(processes) - before[0]
    database_cpu = _cpu_of(backends) - before[1]
    busy = _machine_busy() - before[2]
    latencies = [r["end"] - r["start"] for r in ok]
    return results, {
        "n": len(ok),
        "wall": wall,
        "per_minute": len(ok) / wall * 60,
        "p50": _p(latencies, 0.5),
        "p95": _p(latencies, 0.95),
        "max": _p(latencies, 1.0),
        "server_cpu": server_cpu,
        "database_cpu": database_cpu,
        "client_cpu": client_cpu,
        "other_cpu": busy - server_cpu - database_cpu - client_cpu,
        "cpu_ms": (server_cpu + database_cpu) / len(ok) * 1000,
    }


def check(event, results: list[dict]) -> dict:
    """What the database says after the rush; faults as sentences."""
    from django.urls import reverse

    from konferenzen.models import Anmeldung, Einladung

    belegt = Anmeldung.objects.filter(veranstaltung=event, status__in=Anmeldung.BELEGT)
    confirmed = belegt.count()
    waiting = Anmeldung.objects.filter(veranstaltung=event, status="warteliste")
    faults, groups, full = [], [], {}
    if confirmed > event.capacity:
        faults.append(f"Veranstaltung überbucht: {confirmed} von {event.capacity}")
    for group in event.arbeitsgruppen.order_by("pk"):
        n = belegt.filter(arbeitsgruppen=group).count()
        groups.append(f"{group.name} {n}/{group.capacity}")
        full[group.pk] = n >= group.capacity
        if n > group.capacity:
            faults.append(f"Arbeitsgruppe {group.name} überbucht: {n} von {group.capacity}")
    if confirmed < event.capacity:
        # Someone waiting whose group (or no group) still has a seat: a seat left empty.
        for anmeldung in waiting.prefetch_related("arbeitsgruppen"):
            if not any(full[g.pk] for g in anmeldung.arbeitsgruppen.all()):
                faults.append(f"{anmeldung.email} wartet, obwohl ein Platz frei ist")
                break
    einladungen = Einladung.objects.filter(veranstaltung=event)
    if n := einladungen.exclude(status="angenommen").count():
        faults.append(f"{n} Einladungen nicht angenommen")
    if n := einladungen.filter(anmeldung__isnull=True).count():
        faults.append(f"{n} Einladungen ohne Anmeldung")
    total = Anmeldung.objects.filter(veranstaltung=event).count()
    if total != einladungen.count():
        faults.append(f"{total} Anmeldungen für {einladungen.count()} Einladungen")
    errors = [r for r in results if "error" in r or r.get("status") != 302]
    if errors:
        faults.append(f"{len(errors)} Antworten ohne Weiterleitung, z. B. {errors[0]}")
    status = {
        reverse("konferenzen:einladung", args=[token]): anmeldung_status
        for token, anmeldung_status in einladungen.values_list("token", "anmeldung__status")
    }
    return {
        "confirmed": confirmed,
        "waiting": waiting.count(),
        "groups": ", ".join(groups),
        "faults": faults,
        "status": status,
    }


def measure(label: str, workers: int, threads: int, log) -> dict:
    event, people = create_event(f"Präventionskonferenz ({label})", INVITATIONS, CAPACITY)
    _warmup, warm_people = create_event(f"Aufwärmen ({label})", 8 * workers * threads, None)
    server, port = start_gunicorn(
        ["--workers", str(workers), "--threads", str(threads)], os.environ.copy(), log
    )
    netloc = f"127.0.0.1:{port}"
    try:
        warm = min(CLIENTS, 2 * workers * threads)
        opened, _cpu = run_clients(_open, netloc, warm_people, warm)
        run_clients(_accept, netloc, opened, warm)
        processes = _children(server.pid)
        opened, get = phase(_open, netloc, people, processes)
        failed = [r for r in opened if "error" in r]
        opened = [r for r in opened if "error" not in r]
        results, post = phase(_accept, netloc, opened, processes)
    finally:
        stop_gunicorn(server)
    outcome = check(event, results + failed)
    ok = [r for r in results if "error" not in r]
    confirmed_ends = [
        r["end"] for r in ok if outcome["status"].get(r["path"]) in ("bestaetigt", "teilgenommen")
    ]
    start = min(r["start"] for r in ok)
    return {
        "label": label,
        "get": get,
        "post": post,
        "confirmed_per_minute": outcome["confirmed"] / (max(confirmed_ends) - start) * 60,
        "persons_per_minute": len(ok) / (get["wall"] + post["wall"]) * 60,
        **outcome,
    }


def lock_hold(samples: int = 100) -> float:
    """Median milliseconds from taking the event's lock to the commit, one registration after
    the other in this process (no waiting): no more than 60,000 / this many registrations a
    minute can pass one event's lock, however many cores there are."""
    from django.db import transaction

    from konferenzen import einladungen, services

    event, _people = create_event("Sperre", samples, CAPACITY)
    original, taken, held = services.lock, [], []

    def timed_lock(veranstaltung):
        locked = original(veranstaltung)
        if not taken:  # the registration's first lock of the row: held until the commit
            taken.append(time.perf_counter())
            transaction.on_commit(lambda: held.append(time.perf_counter() - taken[0]))
        return locked

    services.lock = timed_lock
    try:
        groups = list(event.arbeitsgruppen.all())
        for i, einladung in enumerate(event.einladungen.order_by("pk")):
            taken.clear()
            einladungen.einladung_accept(
                einladung=einladung, name=einladung.name, organisation_name="Kita Wolke",
                arbeitsgruppen=[groups[i % len(groups)]], needs="", on_list=False,
            )  # fmt: skip
    finally:
        services.lock = original
    held.sort()
    return held[len(held) // 2] * 1000


def report(r: dict) -> None:
    get, post = r["get"], r["post"]
    over = max(0, r["confirmed"] - CAPACITY)
    lines = [
        f"\n{r['label']}:",
        f"  Phase 1, {get['n']} Einladungsseiten (GET) in {get['wall']:.1f} s: "
        f"{get['per_minute']:.0f}/min; ms p50 {get['p50']:.0f}, p95 {get['p95']:.0f}, "
        f"max {get['max']:.0f}",
        f"  Phase 2, {post['n']} Zusagen (POST) in {post['wall']:.1f} s: "
        f"{post['per_minute']:.0f} Anmeldungen/min (bestätigt oder Warteliste), bestätigt "
        f"{r['confirmed_per_minute']:.0f}/min bis zum letzten Platz; ms p50 {post['p50']:.0f}, "
        f"p95 {post['p95']:.0f}, max {post['max']:.0f}",
        f"  Beide Phasen: {r['persons_per_minute']:.0f} Personen/min (Link öffnen und zusagen)",
        f"  bestätigt {r['confirmed']}, Warteliste {r['waiting']}, Überbuchung {over}; "
        f"Arbeitsgruppen (bestätigt/Plätze): {r['groups']}",
    ]
    for name, p in (("GET", get), ("POST", post)):
        lines.append(
            f"  CPU-Sekunden {name}: gunicorn {p['server_cpu']:.0f}, PostgreSQL "
            f"{p['database_cpu']:.0f}, Clients {p['client_cpu']:.0f}, andere Prozesse "
            f"{p['other_cpu']:.0f}; gunicorn + PostgreSQL je Anfrage {p['cpu_ms']:.0f} ms"
        )
    cores = os.cpu_count()
    lines.append(
        f"  Hochrechnung für {cores} freie Kerne (nur die CPU von gunicorn und PostgreSQL "
        f"zählt): GET {cores * 60_000 / get['cpu_ms']:.0f}/min, POST "
        f"{cores * 60_000 / post['cpu_ms']:.0f}/min, Personen "
        f"{cores * 60_000 / (get['cpu_ms'] + post['cpu_ms']):.0f}/min"
    )
    lines += [f"  FEHLER: {fault}" for fault in r["faults"]]
    print("\n".join(lines))


def main() -> None:
    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="anmeldungen-bench-static-")
    try:
        _main()
    finally:
        shutil.rmtree(os.environ["STATIC_ROOT"])


def _main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from netzwerk.models import Mail

    fresh_database()
    call_command("collectstatic", interactive=False, verbosity=0)
    if not OHNE_REDIS:
        import redis

        broker = redis.Redis.from_url(REDIS_URL)
        broker.flushdb()  # database 5 belongs to this benchmark
    mails = "Redis-DB 5 als Broker, kein Worker" if not OHNE_REDIS else "ohne Broker: Celery eager"
    cores = os.cpu_count()
    print(
        f"Anmeldungen über Einladungslinks: {INVITATIONS} Eingeladene, {CAPACITY} Plätze, ein "
        f"Zeitfenster mit Arbeitsgruppen {', '.join(f'{n} {c}' for n, c in GROUPS)} (je ein "
        f"Viertel wählt eine davon oder keine). {CLIENTS} gleichzeitige Personen (Threads in "
        f"{min(PROCESSES, CLIENTS)} Prozessen): erst öffnen alle ihren Link (GET), dann sagen "
        f"alle zu (POST). gunicorn, DEBUG aus, HTTP ohne TLS-Proxy; E-Mails: {mails}. {cores} "
        f"CPU-Kerne, geteilt von gunicorn, PostgreSQL, Redis, den Clients und anderen "
        f"Prozessen; Last vorher {os.getloadavg()[0]:.1f}."
    )
    runs, failed = [], False
    log = tempfile.NamedTemporaryFile("w+", prefix="anmeldungen-bench-gunicorn-", suffix=".log")
    for setting in GUNICORN.split(","):
        workers, threads = (int(x) for x in setting.strip().split("x"))
        r = measure(f"gunicorn {workers} Worker x {threads} Threads", workers, threads, log)
        report(r)
        runs.append(r)
        failed = failed or bool(r["faults"])
    held = lock_hold()
    best = max(runs, key=lambda r: r["post"]["per_minute"])
    rate, confirmed = best["post"]["per_minute"], best["confirmed_per_minute"]
    print(
        f"\nSperre der Veranstaltung gehalten je Anmeldung (seriell gemessen, Median): "
        f"{held:.1f} ms, also höchstens {60_000 / held:.0f} Anmeldungen/min je Veranstaltung."
        f"\nBeste Einstellung: {best['label']}: {rate:.0f} Anmeldungen/min, bestätigt "
        f"{confirmed:.0f}/min. Ziel 1.500/min: {'erreicht' if rate >= 1500 else 'NICHT erreicht'}"
        f" ({rate / 1500:.2f}x); pretix nennt ~500/min je Veranstaltung ({rate / 500:.1f}x). "
        f"Mit dem Öffnen des Links: {best['persons_per_minute']:.0f} Personen/min. Last nachher "
        f"{os.getloadavg()[0]:.1f}."
    )
    queued = Mail.objects.count()
    if not OHNE_REDIS:
        print(f"Postausgang: {queued} Zeilen, {broker.llen('celery')} Nachrichten beim Broker.")
        broker.flushdb()
    else:
        sent = Mail.objects.filter(status=Mail.Status.SENT).count()
        print(f"Postausgang: {queued} Zeilen, davon in der Anfrage gesendet: {sent}.")
    if failed:
        log.seek(0)
        sys.exit(f"gunicorn-Log:\n{log.read()[-3000:]}")


if __name__ == "__main__":
    main()
