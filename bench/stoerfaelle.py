"""Faults survived, measured (issue 15): workers and web processes killed, PostgreSQL and Redis
restarted under load.

    .venv/bin/python bench/stoerfaelle.py

Needs nothing running: it starts its own PostgreSQL (/usr/lib/postgresql/15/bin, a temporary
cluster on port 5441, trust, run as the user postgres when started as root) and Redis (port 6391,
no persistence, as a restart without a dump loses everything), migrates a fresh database, and
starts as processes of their own: two Celery workers (prefork, 2 children each, application_name
worker-a / worker-b), two gunicorn servers on two ports (2 sync workers each, DEBUG off with
SECRET_KEY and ALLOWED_HOSTS as in production, plain HTTP without the TLS proxy) and, in this
process, the SMTP sink of the tests (tests/smtp_sink.py, aiosmtpd), which records every accepted
Message-ID. Every outbox mail has the stable Message-ID <mail-PK@netzwerkportal>, so a copy sent
twice is recognisable at the sink, and by the recipient's server or client.

1. Einladungsversand: a run of 2,000 invitations (konferenzen.einladungen, the Celery task puts
   them into the outbox in chunks, both workers send). a) When 1,000 have arrived, worker A is
   killed with SIGKILL (its process group: the main process and its pool children) and started
   again, as compose or systemd would. b) A second run of 200: the 100th mail's 250 is answered
   while this script holds that mail's row locked, so the worker that sent it waits in its
   UPDATE to "sent"; that worker is killed in this state (its blocked backend terminated, as the
   UPDATE never left the dead process). This is the one window no outbox closes: SMTP has no
   two-phase commit. The mail stays "sending"; beat's recover_mails puts it back in the queue
   after stuck_after_minutes (10) and it is sent again with the same Message-ID.
   Mails the killed worker had claimed but not sent stay "sending" too, and tasks it had fetched
   but not acknowledged wait in Redis for its visibility_timeout (an hour): the outbox's recovery
   sends both. The script waits until nothing moves, then runs mails_recover with both thresholds
   at 0 (what beat does 5 and 10 minutes later; safe here because nothing is in flight).
2. Anmeldungen: 400 invited people (threads) open their link and accept at the same moment, on
   an event with 100 seats, half on each web server. After 100 answers web server A is killed
   with SIGKILL; a client whose connection fails, or who gets a 503, sends the same form again to
   the other server (a registration is idempotent per invitation). Counts the seats taken,
   oversold, and every client's final answer.
3. Neustarts: 12 people at a time register on an event without a limit (GET and POST, both
   servers) and /readyz is polled, while PostgreSQL is stopped for 6 s and started again, then
   Redis. Answers by status per phase, whether each 503 was the German page with Retry-After,
   the time to the first good answer after each restart, the workers' first delivery after it;
   then the mails of this phase: none may be lost, those whose broker message died with Redis
   are sent by the recovery (mails_recover, lost_after_minutes=0).
"""

import asyncio
import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from email.parser import BytesHeaderParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from _common import PRODUKTION, ROOT, free_port, fresh_database

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT, REDIS_PORT = 5441, 6391
DATABASE = "netzwerk_stoerfaelle"
TMP = Path(tempfile.mkdtemp(prefix="stoerfaelle-"))
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DATABASE}"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
os.environ.update(
    PRODUKTION,
    DATABASE_URL=DATABASE_URL,
    REDIS_URL=REDIS_URL,
    CELERY_BROKER_URL=REDIS_URL,
    LOG_LEVEL="WARNING",
    STATIC_ROOT=str(TMP / "static"),
)
os.environ.pop("EMAIL_URL", None)  # this process sends nothing itself
sys.path.insert(0, str(ROOT))

from tests.smtp_sink import SmtpSink  # noqa: E402

BATCH, WINDOW_BATCH, SEATS, CLIENTS, LOAD_CLIENTS, OUTAGE = 2_000, 200, 100, 400, 12, 6.0
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
GERMAN_503 = "Das Portal ist gleich wieder da"


# --- Private PostgreSQL and Redis ---------------------------------------------------------------


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Postgres:
    def __init__(self):
        self.data = TMP / "pg"
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(TMP, "postgres")  # the socket directory, and initdb's target
            shutil.chown(self.data, "postgres")
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust"])
            + ["-U", "postgres", "--no-sync"],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {PG_PORT} -k {TMP} -c listen_addresses=127.0.0.1 -c max_connections=200"
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l"])
            + [str(TMP / "pg.log"), "-o", options, "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w"])
            + ["stop"],
            check=True,
            stdout=subprocess.DEVNULL,
        )


class Redis:
    def start(self) -> None:
        subprocess.run(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--daemonize", "yes", "--dir", str(TMP)]
            + ["--pidfile", str(TMP / "redis.pid"), "--logfile", str(TMP / "redis.log")],
            check=True,
        )
        _wait(self._up, 10, "Redis antwortet")

    def _up(self) -> bool:
        return (
            subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True
            ).stdout.strip()
            == "PONG"
        )

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], check=False)
        _wait(lambda: not self._up(), 10, "Redis ist aus")


# --- Processes ----------------------------------------------------------------------------------


class Process:
    """A Celery worker or a gunicorn server, as a process group of its own: a kill takes all."""

    def __init__(self, name: str, command: list[str], env: dict):
        self.name, self.command, self.env = name, command, env
        self.log = TMP / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", *self.command],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
        self.popen = None

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def worker(name: str, sink_url: str) -> Process:
    env = {
        **os.environ,
        "EMAIL_URL": sink_url,
        "DATABASE_URL": f"{DATABASE_URL}?application_name={name}",
    }
    command = ["celery", "-A", "netzwerk", "worker", "--pool=prefork", "--concurrency=2"]
    command += ["--loglevel=WARNING", "--without-gossip", "--without-mingle"]
    return Process(name, command + [f"--hostname={name}-{os.getpid()}@%h"], env)


def web(name: str, port: int) -> Process:
    env = {**os.environ, "DATABASE_URL": f"{DATABASE_URL}?application_name={name}"}
    command = ["gunicorn", "netzwerk.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--no-control-socket", "--log-level", "warning"]
    return Process(name, command, env)


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"Nach {timeout:.0f} s nicht erreicht: {what}")
        time.sleep(0.05)


# --- HTTP clients -------------------------------------------------------------------------------


def _http(netloc: str, method: str, path: str, body: str = "", headers=None, timeout=60):
    conn = http.client.HTTPConnection(netloc, timeout=timeout)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response, response.read().decode(errors="replace")
    finally:
        conn.close()


class Answer:
    """One answer, or the error of a request that got none (retryable)."""

    def __init__(self, web_name: str, kind: str, status, response=None, text: str = "", since=0):
        self.web, self.kind, self.status, self.at = web_name, kind, status, time.monotonic()
        self.seconds = self.at - since if since else None
        self.german = self.retry_after = None
        if status == 503 and response is not None:
            self.german = GERMAN_503 in text
            self.retry_after = response.headers.get("Retry-After")
        self.sample = text[:200] if status not in (200, 302, 503) else ""


def register(webs: list[tuple[str, str]], path: str, name: str, answers: list, stop=None):
    """Open the invitation link and accept; on a connection error or a 503, the same again on the
    next server (and the one after that), until a 200 page and a 302 after the POST."""
    attempt, form = 0, None
    while stop is None or not stop.is_set():
        web_name, netloc = webs[attempt % len(webs)]
        attempt += 1
        kind = "GET" if form is None else "POST"
        sent = time.monotonic()
        try:
            if form is None:
                response, html = _http(netloc, "GET", path)
            else:
                response, html = _http(netloc, "POST", path, form[0], form[1])
        except (OSError, http.client.HTTPException) as error:
            answers.append(Answer(web_name, kind, error.__class__.__name__))
            time.sleep(0.2)
            continue
        answers.append(Answer(web_name, kind, response.status, response, html, sent))
        if kind == "GET" and response.status == 200:
            token = CSRF_FIELD.search(html)[1]
            cookie = SimpleCookie(response.headers["Set-Cookie"])["csrftoken"].value
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "antwort": "zusagen",
                    "name": name,
                    "organisation_name": "Kita Wolke",
                    "weitere-TOTAL_FORMS": "0",
                    "weitere-INITIAL_FORMS": "0",
                    "weitere-MIN_NUM_FORMS": "0",
                    "weitere-MAX_NUM_FORMS": "20",
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
            }
            form = (body, headers)
            attempt -= 1  # the POST goes to the server that served the form
        elif kind == "POST" and response.status == 302:
            return
        else:
            time.sleep(0.2)


# --- Data ----------------------------------------------------------------------------------------


def event(title: str, capacity: int | None, invitations: int, prefix: str):
    from django.urls import reverse
    from django.utils import timezone

    from konferenzen.models import Einladung, Veranstaltung

    start = timezone.now() + timedelta(days=30)
    veranstaltung = Veranstaltung.objects.create(
        art="praeventionskonferenz", title=title, start=start, end=start + timedelta(hours=8),
        capacity=capacity, visibility="invited",
    )  # fmt: skip
    Einladung.objects.bulk_create(
        Einladung(veranstaltung=veranstaltung, email=f"{prefix}{i}@kreis.example", name=f"Gast {i}")
        for i in range(invitations)
    )
    people = [
        (reverse("konferenzen:einladung", args=[token]), name)
        for token, name in veranstaltung.einladungen.order_by("pk").values_list("token", "name")
    ]
    return veranstaltung, people


def last_mail_pk() -> int:
    from netzwerk.models import Mail

    return Mail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def mails_since(pk: int):
    from netzwerk.models import Mail

    return Mail.objects.filter(pk__gt=pk)


def settle(sink, seconds: float = 5.0) -> None:
    """Until the sink has seen nothing new for `seconds`: every live worker is done."""
    count, since = len(sink.received), time.monotonic()
    while time.monotonic() - since < seconds:
        time.sleep(0.2)
        if len(sink.received) != count:
            count, since = len(sink.received), time.monotonic()


def recover_and_finish(sink, first_pk: int, timeout: float = 120) -> dict:
    """Beat's recovery with its thresholds at 0 (nothing is in flight any more), until every
    mail of the scenario is sent. Returns what the recovery found."""
    from django.db import connection
    from django.utils import timezone

    from konferenzen.einladungen import versande_recover
    from konferenzen.models import Versand
    from netzwerk.mail import mails_recover
    from netzwerk.models import Mail

    settle(sink)
    connection.close()
    unfinished = Versand.objects.filter(finished_at__isnull=True)
    mails = mails_since(first_pk)
    at_sink = set(sink.message_ids())
    sending = [m for m in mails.filter(status=Mail.Status.SENDING)]
    found = {
        "sending": len(sending),
        "window": sum(m.message_id in at_sink for m in sending),
        "queued": mails.filter(status=Mail.Status.QUEUED).count(),
        "sent_before": mails.filter(status=Mail.Status.SENT).count(),
        "versande": unfinished.count(),
    }
    deadline = time.monotonic() + timeout
    while unfinished.exists() or mails.exclude(status=Mail.Status.SENT).exists():
        if time.monotonic() > deadline:
            sys.exit(f"Nicht alle gesendet: {Counter(mails.values_list('status', flat=True))}")
        # Beat's recover_versande and recover_mails, 10 and 5 minutes early.
        versande_recover(now=timezone.now(), after_minutes=0)
        settle(sink, 3)
        mails_recover(now=timezone.now(), stuck_after_minutes=0, lost_after_minutes=0)
        settle(sink, 3)
    return found


def delivery(sink, first_pk: int, received_before: int) -> dict:
    ids = [r.message_id for r in sink.received[received_before:]]
    expected = {m.message_id for m in mails_since(first_pk)}
    return {
        "queued": len(expected),
        "arrived": len(ids),
        "unique": len(set(ids)),
        "duplicates": len(ids) - len(set(ids)),
        "lost": len(expected - set(ids)),
        "foreign": len(set(ids) - expected),
    }


def print_delivery(d: dict, seconds: float) -> None:
    print(
        f"  E-Mails: eingereiht {d['queued']}, angekommen {d['arrived']}, verschiedene "
        f"Message-IDs {d['unique']}, doppelt {d['duplicates']}, verloren {d['lost']}; "
        f"{seconds:.1f} s bis alle zugestellt"
    )


# --- Scenario 1: a worker killed in an invitation run --------------------------------------------


class Sink(SmtpSink):
    """tests/smtp_sink.py's sink with one more fault: `hold(k, fn)` runs fn(message_id) after the
    k-th message (counted from now) is accepted and before its 250 is sent."""

    held = None

    def hold(self, k: int, fn) -> None:
        self.held = (len(self.received) + k, fn)

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if self.held and answer.startswith("250") and len(self.received) >= self.held[0]:
            fn, self.held = self.held[1], None
            raw = envelope.original_content or envelope.content
            message_id = str(BytesHeaderParser().parsebytes(raw)["Message-ID"]).strip()
            await asyncio.get_running_loop().run_in_executor(None, fn, message_id)
        return answer


def invitation_run(title: str, count: int, prefix: str):
    from django.db import transaction

    from konferenzen.einladungen import Empfaenger, einladungen_create

    veranstaltung, _people = event(title, None, 0, prefix)
    recipients = [
        Empfaenger(email=f"{prefix}{i}@kreis.example", name=f"Gast {i}") for i in range(count)
    ]
    with transaction.atomic():
        versand, _skipped = einladungen_create(
            veranstaltung=veranstaltung, recipients=recipients, label=title, user=None
        )
    return versand


def scenario_worker_killed(sink, workers: dict) -> bool:
    from django.db import connection

    from konferenzen.models import Versand

    print(
        f"\n1a. Einladungsversand an {BATCH}, Worker A (worker-a) bei der 1000. Ankunft mit "
        f"SIGKILL beendet:"
    )
    first_pk, received = last_mail_pk(), len(sink.received)
    started = time.monotonic()
    versand = invitation_run("Versand mit Absturz", BATCH, "v1-")
    _wait(lambda: len(sink.received) - received >= BATCH // 2, 300, "1000 beim Sink")
    workers["worker-a"].kill()
    killed_at = len(sink.received) - received
    connection.close()
    versand = Versand.objects.get(pk=versand.pk)
    state = "fertig" if versand.finished_at else "nicht fertig"
    print(
        f"  beim Kill: {killed_at} angekommen; der Versand hatte {versand.queued} von "
        f"{versand.total} in den Postausgang gelegt ({state})"
    )
    time.sleep(2)
    workers["worker-a"].start()  # its supervisor starts it again
    found = recover_and_finish(sink, first_pk)
    seconds = time.monotonic() - started
    d = delivery(sink, first_pk, received)
    print(
        f"  vor der Nachlese: {found['sent_before']} gesendet, {found['sending']} blieben "
        f"'sending' (vom toten Worker beansprucht; davon schon beim Sink, also im Fenster nach "
        f"der 250: {found['window']}), {found['queued']} 'queued' (Aufgaben im toten Worker), "
        f"unfertige Versände {found['versande']}"
    )
    print_delivery(d, seconds)
    without = versand.einladungen.filter(mail__isnull=True).count()
    print(f"  Einladungen ohne E-Mail: {without}")
    ok = d["lost"] == without == 0 and d["unique"] == d["queued"] == BATCH
    ok = ok and d["duplicates"] == found["window"]

    print(
        f"\n1b. Versand an {WINDOW_BATCH}: der Worker, der die 100. E-Mail sendet, stirbt nach "
        f"der 250 des SMTP-Servers und vor dem UPDATE auf 'sent':"
    )
    first_pk, received = last_mail_pk(), len(sink.received)
    held: dict = {}
    ready = threading.Event()

    def lock_row(message_id: str) -> None:
        import psycopg

        from netzwerk.models import Mail

        pk = int(message_id.removeprefix("<mail-").removesuffix("@netzwerkportal>"))
        conn = psycopg.connect(f"host=127.0.0.1 port={PG_PORT} user=postgres dbname={DATABASE}")
        conn.execute(f"SELECT 1 FROM {Mail._meta.db_table} WHERE id = %s FOR UPDATE", [pk])
        held.update(conn=conn, message_id=message_id)
        ready.set()

    sink.hold(WINDOW_BATCH // 2, lock_row)
    started = time.monotonic()
    invitation_run("Versand mit Absturz im Fenster", WINDOW_BATCH, "v2-")
    if not ready.wait(120):
        sys.exit("Die 100. E-Mail kam nicht an.")
    conn = held["conn"]
    blocked = None
    deadline = time.monotonic() + 10
    while blocked is None and time.monotonic() < deadline:
        blocked = conn.execute(
            "SELECT pid, application_name FROM pg_stat_activity "
            "WHERE %s = ANY(pg_blocking_pids(pid))",
            [conn.info.backend_pid],
        ).fetchone()
        time.sleep(0.01)
    if blocked is None:
        sys.exit("Kein Worker wartet auf die gesperrte Zeile.")
    pid, name = blocked
    workers[name].kill()
    conn.execute("SELECT pg_terminate_backend(%s)", [pid])  # the UPDATE never left the process
    conn.rollback()
    conn.close()
    print(
        f"  {held['message_id']} hat die 250 bekommen; {name} mit SIGKILL beendet, bevor die "
        f"Zeile 'sent' wurde"
    )
    time.sleep(2)
    workers[name].start()
    found = recover_and_finish(sink, first_pk)
    seconds = time.monotonic() - started
    d = delivery(sink, first_pk, received)
    copies = [r.message_id for r in sink.received[received:]].count(held["message_id"])
    print(
        f"  vor der Nachlese: {found['sending']} 'sending', davon im Fenster (schon beim Sink): "
        f"{found['window']}; {found['queued']} 'queued'"
    )
    print_delivery(d, seconds)
    print(
        f"  {held['message_id']} kam {copies}-mal an, jedes Mal mit derselben Message-ID: der "
        f"Empfänger erkennt die Kopie (Fenster: zwischen der 250 und dem UPDATE auf 'sent')"
    )
    ok = (
        ok
        and d["lost"] == 0
        and d["unique"] == WINDOW_BATCH
        and d["duplicates"] == found["window"] >= 1
    )
    return ok


# --- Scenario 2: a web server killed in a registration rush --------------------------------------


def scenario_web_killed(webs: dict, ports: dict) -> bool:
    from django.db import connection

    from konferenzen.models import Anmeldung

    print(
        f"\n2. {CLIENTS} Eingeladene sagen gleichzeitig zu (GET, dann POST), {SEATS} Plätze, je "
        f"die Hälfte auf web-a und web-b; web-a nach 100 Antworten auf Zusagen mit SIGKILL beendet:"
    )
    veranstaltung, people = event("Anmeldung mit Absturz", SEATS, CLIENTS, "a-")
    connection.close()
    results: list[list] = [[] for _ in people]
    servers = [("web-a", f"127.0.0.1:{ports['web-a']}"), ("web-b", f"127.0.0.1:{ports['web-b']}")]
    threads = [
        threading.Thread(
            target=register, args=(servers[i % 2 :] + servers[: i % 2], path, name, results[i])
        )
        for i, (path, name) in enumerate(people)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()

    def posts_answered() -> int:
        return sum(
            1 for r in results for a in list(r) if a.kind == "POST" and isinstance(a.status, int)
        )

    _wait(lambda: posts_answered() >= 100, 300, "100 Zusagen beantwortet")
    webs["web-a"].kill()
    for t in threads:
        t.join(timeout=300)
    seconds = time.monotonic() - started
    final = Counter(r[-1].status if r else "keine" for r in results)
    retried = [
        r for r in results if any(not isinstance(a.status, int) or a.status == 503 for a in r)
    ]
    statuses = Counter(f"{a.kind} {a.status}" for r in results for a in r)
    belegt = Anmeldung.objects.filter(
        veranstaltung=veranstaltung, status__in=Anmeldung.BELEGT
    ).count()
    waiting = Anmeldung.objects.filter(veranstaltung=veranstaltung, status="warteliste").count()
    total = Anmeldung.objects.filter(veranstaltung=veranstaltung).count()
    doubles = total - len(
        set(Anmeldung.objects.filter(veranstaltung=veranstaltung).values_list("email", flat=True))
    )
    oversold = max(0, belegt - SEATS)
    print(f"  alle Antworten: {dict(sorted(statuses.items()))}")
    print(
        f"  letzte Antwort je Person: {dict(final)}; {len(retried)} Personen bekamen zuerst einen "
        f"Verbindungsfehler oder 503 und wiederholten beim anderen Server; {seconds:.1f} s"
    )
    print(
        f"  Plätze {SEATS}, bestätigt {belegt}, Warteliste {waiting}, überbucht {oversold}; "
        f"Anmeldungen {total} für {CLIENTS} Personen, doppelt {doubles}"
    )
    webs["web-a"].start()
    return oversold == 0 and doubles == 0 and total == CLIENTS and final == Counter({302: CLIENTS})


# --- Scenario 3: PostgreSQL and Redis restarted under load ----------------------------------------


def scenario_restarts(sink, webs: dict, ports: dict, pg: Postgres, redis_server: Redis) -> bool:
    from django.db import connection

    print(
        f"\n3. {LOAD_CLIENTS} Personen melden sich laufend an (GET und POST, beide Server), "
        f"/readyz alle 0,5 s; PostgreSQL {OUTAGE:.0f} s aus, dann Redis {OUTAGE:.0f} s aus:"
    )
    servers = [("web-a", f"127.0.0.1:{ports['web-a']}"), ("web-b", f"127.0.0.1:{ports['web-b']}")]
    _wait(lambda: all(_healthy(netloc) for _n, netloc in servers), 60, "beide Server antworten")
    _veranstaltung, people = event("Anmeldung bei Neustarts", None, 3000, "n-")
    first_pk, received = last_mail_pk(), len(sink.received)
    connection.close()
    answers: list[Answer] = []
    stop = threading.Event()
    queue = iter(people)
    lock = threading.Lock()

    def load(i: int) -> None:
        order = servers[i % 2 :] + servers[: i % 2]
        while not stop.is_set():
            with lock:
                person = next(queue, None)
            if person is None:
                return
            register(order, *person, answers, stop)

    def readyz() -> None:
        while not stop.is_set():
            for web_name, netloc in servers:
                try:
                    response, text = _http(netloc, "GET", "/readyz", timeout=10)
                    answers.append(Answer(web_name, "readyz", response.status, response, text))
                except (OSError, http.client.HTTPException) as error:
                    answers.append(Answer(web_name, "readyz", error.__class__.__name__))
            time.sleep(0.5)

    threads = [threading.Thread(target=load, args=(i,)) for i in range(LOAD_CLIENTS)]
    threads.append(threading.Thread(target=readyz))
    marks = {"start": time.monotonic()}
    for t in threads:
        t.start()
    time.sleep(4)
    for name, service in (("pg", pg), ("redis", redis_server)):
        marks[f"{name}_stop"] = time.monotonic()
        service.stop()
        time.sleep(OUTAGE)
        marks[f"{name}_start"] = time.monotonic()
        service.start()
        marks[f"{name}_up"] = time.monotonic()
        time.sleep(8)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    marks["end"] = time.monotonic()
    arrivals = [r.at for r in sink.received[received:]]

    phases = [
        ("vorher", "start", "pg_stop"),
        ("PostgreSQL aus", "pg_stop", "pg_up"),
        ("nach PostgreSQL", "pg_up", "redis_stop"),
        ("Redis aus", "redis_stop", "redis_up"),
        ("nach Redis", "redis_up", "end"),
    ]
    ok = True
    for label, begin, end in phases:
        inside = [a for a in answers if marks[begin] <= a.at < marks[end]]
        counts = Counter(f"{a.kind} {a.status}" for a in inside)
        print(f"  {label} ({marks[end] - marks[begin]:.1f} s): {dict(sorted(counts.items()))}")
        posts = sorted(a.seconds for a in inside if a.kind == "POST" and a.seconds is not None)
        if posts:
            print(
                f"    Dauer der Zusagen (POST): Median {posts[len(posts) // 2] * 1000:.0f} ms, "
                f"max {posts[-1] * 1000:.0f} ms"
            )
        unavailable = [a for a in inside if a.status == 503 and a.kind != "readyz"]
        if unavailable:
            german = sum(bool(a.german) for a in unavailable)
            retry = Counter(a.retry_after for a in unavailable)
            print(
                f"    503-Seiten: {len(unavailable)}, davon deutsch {german}; "
                f"Retry-After {dict(retry)}"
            )
            ok = ok and german == len(unavailable) and None not in retry
        errors = [
            a for a in inside if isinstance(a.status, int) and a.status >= 500 and a.status != 503
        ]
        if errors:
            ok = False
            print(
                f"    andere 5xx, z. B.: {errors[0].kind} {errors[0].status} {errors[0].sample!r}"
            )
    for service, begin, up in (
        ("PostgreSQL", "pg_start", "pg_up"),
        ("Redis", "redis_start", "redis_up"),
    ):
        good = [a.at for a in answers if a.at >= marks[up] and a.kind == "POST" and a.status == 302]
        delivered = [at for at in arrivals if at >= marks[up]]
        first_good = good[0] - marks[up] if good else float("nan")
        first_mail = delivered[0] - marks[up] if delivered else float("nan")
        print(
            f"  {service}: gestartet in {marks[up] - marks[begin]:.1f} s; erste erfolgreiche "
            f"Anmeldung {first_good:.1f} s danach, erste Zustellung eines Workers "
            f"{first_mail:.1f} s danach"
        )
    connection.close()
    found = recover_and_finish(sink, first_pk)
    d = delivery(sink, first_pk, received)
    print(
        f"  vor der Nachlese: {found['sent_before']} gesendet, {found['queued']} 'queued' "
        f"(Nachricht im Broker verloren: mit Redis gestorben oder nie angekommen), "
        f"{found['sending']} 'sending' (davon im Fenster {found['window']}); die Nachlese hat "
        f"sie gesendet"
    )
    print_delivery(d, time.monotonic() - marks["start"])
    return ok and d["lost"] == 0 and d["duplicates"] == found["window"]


def _healthy(netloc: str) -> bool:
    try:
        return _http(netloc, "GET", "/healthz", timeout=5)[0].status == 200
    except OSError:
        return False


# --- Main ----------------------------------------------------------------------------------------


def main() -> None:
    pg, redis_server = Postgres(), Redis()
    processes: dict[str, Process] = {}
    try:
        pg.start()
        redis_server.start()
        _run(pg, redis_server, processes)
    finally:
        for process in processes.values():
            process.kill(signal.SIGTERM)
        with contextlib.suppress(subprocess.CalledProcessError):
            pg.stop()
        redis_server.stop()
        logs = Path(tempfile.gettempdir()) / f"stoerfaelle-logs-{os.getpid()}"
        logs.mkdir()
        for log in TMP.glob("*.log"):
            shutil.copy(log, logs)
        print(f"Protokolle der Prozesse: {logs}")
        shutil.rmtree(TMP, ignore_errors=True)


def _run(pg: Postgres, redis_server: Redis, processes: dict) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    fresh_database()
    call_command("collectstatic", interactive=False, verbosity=0)
    print(
        f"Störfälle: eigenes PostgreSQL 15 (Port {PG_PORT}) und Redis (Port {REDIS_PORT}, ohne "
        f"Persistenz); 2 Celery-Worker (prefork, je 2 Prozesse), 2 gunicorn-Server (je 2 sync "
        f"Worker, DEBUG aus), SMTP-Sink (aiosmtpd) in diesem Prozess. {os.cpu_count()} CPU-Kerne, "
        f"Last vorher {os.getloadavg()[0]:.1f}."
    )
    with Sink() as sink:
        ports = {"web-a": free_port(), "web-b": free_port()}
        for name in ("worker-a", "worker-b"):
            processes[name] = worker(name, sink.url)
        for name, port in ports.items():
            processes[name] = web(name, port)
        for process in processes.values():
            process.start()
        from netzwerk.celery import app

        _wait(lambda: len(app.control.ping(timeout=0.5)) >= 2, 60, "beide Worker antworten")
        _wait(lambda: all(_healthy(f"127.0.0.1:{p}") for p in ports.values()), 60, "gunicorn")
        try:
            results = {
                "1": scenario_worker_killed(sink, processes),
                "2": scenario_web_killed(processes, ports),
                "3": scenario_restarts(sink, processes, ports, pg, redis_server),
            }
        except BaseException:
            for process in processes.values():
                print(f"--- {process.name}:\n{process.tail()}")
            raise
    failed = [k for k, ok in results.items() if not ok]
    print("\nErgebnis: " + ("alle Störfälle überstanden" if not failed else f"FEHLER in {failed}"))
    if failed:
        for process in processes.values():
            print(f"--- {process.name}:\n{process.tail()}")
        sys.exit(1)


if __name__ == "__main__":
    main()
