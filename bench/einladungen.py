"""Benchmark of inviting 5,000 contacts: the coordinator's request, then Celery and SMTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/einladungen.py

Uses a fresh database netzwerk_bench_einl and Redis database 6 (emptied before and after), an
SMTP sink in this process (tests/smtp_sink.py) and, as subprocesses, gunicorn (DEBUG off, plain
HTTP) and a real Celery worker (`--pool=prefork --concurrency=BENCH_WORKER_CONCURRENCY`, default
2, as bench/outbox.py) that is up before the request. A coordinator (with TOTP set up, so that
KoordinationMfaMiddleware lets them through; the session is made with Client.force_login, as the
browser tests do, instead of a login with a second factor) pastes a list of 5,000 lines into the
event's invitation page and presses "senden" (aktion=senden, quelle=liste): a real HTTP POST
through gunicorn. Prints how long that request takes (must be under 1 s), the preview before it
and the page the browser is sent to after it, the time until the Celery task has put all 5,000
into the outbox (Versand.queued == total), until the sink has all 5,000, the rate in mails/s,
and duplicates and missing mails (must be 0).
"""

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit, urlunsplit

from _common import PRODUKTION, ROOT, free_port, fresh_database

base_url = os.environ.get("DATABASE_URL", "")
if not base_url.startswith("postgres"):
    sys.exit("Bitte DATABASE_URL auf PostgreSQL setzen (der Worker braucht eine echte Datenbank).")
if not os.environ.get("REDIS_URL", "").startswith("redis"):
    sys.exit("Bitte REDIS_URL setzen (der Broker des Workers).")
REDIS_URL = urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path="/6"))
os.environ.update(
    PRODUKTION,
    DATABASE_URL=base_url.rsplit("/", 1)[0] + "/netzwerk_bench_einl",
    REDIS_URL=REDIS_URL,
    CELERY_BROKER_URL=REDIS_URL,
    LOG_LEVEL="ERROR",
)
os.environ.pop("EMAIL_URL", None)  # this process sends nothing itself
sys.path.insert(0, str(ROOT))

CONTACTS = 5_000
CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "2"))
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """The coordinator's browser: keeps the cookies, one connection per request."""

    def __init__(self, netloc: str, cookies: dict):
        self.netloc, self.cookies = netloc, dict(cookies)

    def request(self, method: str, path: str, data: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.netloc, timeout=120)
        try:
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode()
            elapsed = time.perf_counter() - start
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, content, elapsed


def _start(command: list[str], env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)  # a worker's warm shutdown acknowledges what it did
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _cpu_of(pids) -> float:
    """CPU seconds (user and system) these processes have used so far."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _processes(web: subprocess.Popen) -> tuple[list[int], list[int]]:
    """gunicorn's workers, and PostgreSQL's backends for this database (on this machine)."""
    from django.db import connection

    pids = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == web.pid:
                    pids.append(int(entry))
        except (OSError, ValueError):
            pass
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        backends = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids, backends


def _wait(condition, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            log.seek(0)
            sys.exit(f"Nach {timeout:.0f} s nicht erreicht: {what}\n{log.read()[-3000:]}")
        time.sleep(0.05)


def setup():
    """An event, and a coordinator with TOTP set up, logged in as the browser tests do."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.utils import timezone

    from konferenzen.models import Veranstaltung
    from netzwerk.models import Rolle, User

    user = User.objects.create(
        email="koordination@kreis.example", first_name="Kim", last_name="Koordination",
        approved_at=timezone.now(), is_staff=True,
    )  # fmt: skip
    user.groups.add(Group.objects.get_or_create(name=Rolle.KOORDINATION)[0])
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    start = timezone.now() + timedelta(days=30)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Präventionskonferenz", start=start,
        end=start + timedelta(hours=8), capacity=1000, visibility="invited",
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    return event, {name: morsel.value for name, morsel in client.cookies.items()}


def main() -> None:
    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="einladungen-bench-static-")
    try:
        _main()
    finally:
        shutil.rmtree(os.environ["STATIC_ROOT"])


def _main() -> None:
    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from konferenzen.einladungen import versand_progress
    from konferenzen.models import Einladung, Versand
    from netzwerk.celery import app
    from netzwerk.models import Mail
    from tests.smtp_sink import SmtpSink

    fresh_database()
    call_command("collectstatic", interactive=False, verbosity=0)
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()  # database 6 belongs to this benchmark
    app.conf.broker_url = REDIS_URL
    event, cookies = setup()
    connection.close()
    liste = "\n".join(
        f"Vorname{i} Nachname{i}; kontakt{i}@kreis.example; Einrichtung {i % 700}"
        for i in range(CONTACTS)
    )
    print(
        f"Einladung von {CONTACTS} Kontakten (eingefügte Liste, {len(liste) // 1024} KB): die "
        f"Anfrage der Koordination über gunicorn (DEBUG aus, HTTP ohne TLS-Proxy), dann ein "
        f"echter Celery-Worker (prefork, {CONCURRENCY} Prozesse, Redis-DB 6): Versand in "
        f"Blöcken in den Postausgang, Zustellung per SMTP an einen aiosmtpd-Sink in diesem "
        f"Prozess. {os.cpu_count()} CPU-Kerne, geteilt mit anderen Prozessen; Last vorher "
        f"{os.getloadavg()[0]:.1f}."
    )
    log = tempfile.NamedTemporaryFile("w+", prefix="einladungen-bench-", suffix=".log")
    with SmtpSink() as sink:
        port = free_port()
        web = _start(
            ["gunicorn", "netzwerk.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--no-control-socket", "--log-level", "warning"],
            os.environ.copy(),
            log,
        )
        worker = _start(
            ["celery", "-A", "netzwerk", "worker", "--pool=prefork"]
            + [f"--concurrency={CONCURRENCY}", "--loglevel=WARNING", "--without-gossip"]
            + ["--without-mingle", f"--hostname=einladungenbench-{os.getpid()}@%h"],
            {**os.environ, "EMAIL_URL": sink.url, "LOG_LEVEL": "WARNING"},
            log,
        )
        try:
            browser = Browser(f"127.0.0.1:{port}", cookies)
            url = reverse("konferenzen:einladung-list", args=[event.pk])

            def web_up() -> bool:
                try:
                    return browser.request("GET", "/healthz")[0].status == 200
                except OSError:
                    return False

            _wait(web_up, 60, "gunicorn antwortet", log)
            _wait(lambda: app.control.ping(timeout=0.5), 60, "der Worker antwortet", log)
            response, html, _t = browser.request("GET", url)
            browser.request("GET", url)  # warm: the page once more in the other worker
            assert response.status == 200, (response.status, html[:300])
            form = {"csrfmiddlewaretoken": CSRF_FIELD.search(html)[1], "quelle": "liste"}
            form["liste"] = liste
            response, html, preview = browser.request("POST", url, {**form, "aktion": "vorschau"})
            assert response.status == 200 and f"{CONTACTS} Personen werden" in html, html[:300]

            workers, backends = _processes(web)
            cpu = _cpu_of(workers), _cpu_of(backends)
            started = time.monotonic()
            response, _html, request = browser.request("POST", url, {**form, "aktion": "senden"})
            assert response.status == 302, response.status
            # The worker picks up the run at once: this is mostly, not only, the request's.
            cpu = _cpu_of(workers) - cpu[0], _cpu_of(backends) - cpu[1]
            response, _html, page = browser.request("GET", response.headers["Location"])
            assert response.status == 200, response.status
            versand = Versand.objects.get(veranstaltung=event)

            def all_queued() -> bool:
                versand.refresh_from_db(fields=["queued"])
                connection.close()  # a fresh snapshot each time, no connection left idle
                return versand.queued == versand.total

            _wait(all_queued, 900, "alle im Postausgang", log)
            queued = time.monotonic() - started
            _wait(lambda: len(sink.received) >= CONTACTS, 900, "alle beim Sink", log)
            delivered = time.monotonic() - started
            time.sleep(1)  # a late duplicate would arrive now
        except BaseException:
            log.seek(0)
            print(f"Log:\n{log.read()[-5000:]}")
            raise
        finally:
            _stop(worker)
            _stop(web)
        received = list(sink.received)
    progress = versand_progress(versand)
    ids = [r.message_id for r in received]
    mail_ids = Einladung.objects.filter(versand=versand).values_list("mail_id", flat=True)
    missing = len({Mail(pk=pk).message_id for pk in mail_ids} - set(ids))
    duplicates = len(ids) - len(set(ids))
    rate = (len(received) - 1) / (received[-1].at - received[0].at)
    print(
        f"Vorschau (POST aktion=vorschau): {preview * 1000:.0f} ms\n"
        f"Anfrage der Koordination (POST aktion=senden, bis zur Weiterleitung): "
        f"{request * 1000:.0f} ms{'' if request < 1 else '  <-- über 1 s'}; CPU dabei: "
        f"gunicorn {cpu[0] * 1000:.0f} ms, PostgreSQL {cpu[1] * 1000:.0f} ms; die Seite danach "
        f"(GET): {page * 1000:.0f} ms\n"
        f"Alle {versand.total} im Postausgang (Versand.queued == total): {queued:.1f} s nach "
        f"dem Absenden ({versand.total / queued:.0f} E-Mails/s)\n"
        f"Alle {CONTACTS} beim SMTP-Sink: {delivered:.1f} s nach dem Absenden (erste nach "
        f"{received[0].at - started:.1f} s); Durchsatz erste bis letzte Ankunft: {rate:.0f} "
        f"E-Mails/s, insgesamt {CONTACTS / delivered:.0f} E-Mails/s\n"
        f"Fortschrittsanzeige: {progress['queued']} im Postausgang, {progress['delivered']} "
        f"zugestellt, {progress['failed']} gescheitert von {progress['total']}\n"
        f"Doppelte: {duplicates}, fehlende: {missing}"
        + ("" if duplicates == missing == 0 else "  <-- FEHLER")
        + f"\nLast nachher {os.getloadavg()[0]:.1f}."
    )
    broker.flushdb()
    if duplicates or missing or progress["delivered"] != CONTACTS:
        log.seek(0)
        sys.exit(f"Log:\n{log.read()[-3000:]}")
    if request >= 1:
        sys.exit("Die Anfrage der Koordination dauert länger als 1 s.")


if __name__ == "__main__":
    main()
