"""Benchmark of the e-mail outbox: 5,000 mails through a real Celery worker to an SMTP server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/outbox.py

Uses a fresh database netzwerk_outboxbench and Redis database 4 (emptied first), an SMTP sink in
this process (tests/smtp_sink.py, aiosmtpd) and `celery worker --pool=prefork --concurrency=2`
as subprocesses: two workers (BENCH_WORKERS) of one process each (BENCH_CONCURRENCY) share the
queue, as two containers would. Queues 5,000 mails as the app does (one transaction each,
dispatched after commit) before the workers start, so that queueing and sending are measured
apart; prints the time to queue them, the time until the sink has all of them, mails per second
and the duplicates (must be 0). Twice: with the outbox's batches (MAIL_BATCH, 50: a task claims
what is due in one statement and sends it over one connection) and with batches of one (a task
per mail, as before issue 18). The baseline, measured in the same run: the same 5,000 messages
sent by Django's SMTP backend to the same sink from one thread, without Celery and database, once
over one connection and once with a connection per mail. Aim: the outbox at 0.8 of the first.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
base_url = os.environ.get("DATABASE_URL", "")
if not base_url.startswith("postgres"):
    sys.exit("Bitte DATABASE_URL auf PostgreSQL setzen (der Worker braucht eine echte Datenbank).")
if not os.environ.get("REDIS_URL", "").startswith("redis"):
    sys.exit("Bitte REDIS_URL setzen (der Broker des Workers).")
REDIS_URL = urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path="/4"))
os.environ.update(
    DATABASE_URL=base_url.rsplit("/", 1)[0] + "/netzwerk_outboxbench",
    REDIS_URL=REDIS_URL,
    CELERY_BROKER_URL=REDIS_URL,
    DJANGO_SETTINGS_MODULE="netzwerk.settings",
    # As in production: DEBUG off (no query log in the worker).
    DEBUG="false",
    SECRET_KEY="nur-fuer-den-benchmark",
    ALLOWED_HOSTS="localhost",
    LOG_LEVEL="ERROR",
)
os.environ.pop("EMAIL_URL", None)  # this process sends nothing through the outbox itself

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.core.mail import EmailMultiAlternatives, get_connection  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from netzwerk.celery import app  # noqa: E402
from netzwerk.mail import mail_queue  # noqa: E402
from netzwerk.models import Mail  # noqa: E402
from tests.smtp_sink import SmtpSink  # noqa: E402

MAILS = 5_000
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "1"))
BATCHES = [int(b) for b in os.environ.get("BENCH_BATCHES", "50,1").split(",")]


def queue(count: int) -> None:
    for i in range(count):
        with transaction.atomic():  # one change, one mail, as in the app
            mail_queue(
                name="freigabe",
                context={"user": {"get_full_name": f"Person {i}"}},
                to=[f"person{i}@kreis.example"],
            )


def wait_for(sink: SmtpSink, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(sink.received) < count:
        if time.monotonic() > deadline:
            sys.exit(f"Nach {timeout:.0f} s hat der Sink erst {len(sink.received)} von {count}.")
        time.sleep(0.01)


def start_worker(sink: SmtpSink, log, *, number: int, batch: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "netzwerk", "worker", "--pool=prefork"]
        + [f"--concurrency={CONCURRENCY}", "--loglevel=WARNING", "--without-gossip"]
        + ["--without-mingle", f"--hostname=outboxbench-{os.getpid()}-{number}@%h"],
        cwd=ROOT,
        env={**os.environ, "EMAIL_URL": sink.url, "LOG_LEVEL": "WARNING", "MAIL_BATCH": str(batch)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)  # warm shutdown: acknowledges what it has done
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def baseline(sink: SmtpSink, messages: list, *, one_connection: bool) -> float:
    sink.clear()
    backend = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host="127.0.0.1",
        port=sink.port,
        username="",
        password="",
        use_tls=False,
        use_ssl=False,
    )
    start = time.perf_counter()
    if one_connection:
        backend.send_messages(messages)
    else:
        for message in messages:
            backend.send_messages([message])  # opens and closes a connection, as message.send()
    elapsed = time.perf_counter() - start
    assert len(sink.received) == len(messages), len(sink.received)
    return len(messages) / elapsed


def main() -> None:
    call_command("ensure_database")
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    redis.Redis.from_url(REDIS_URL).flushdb()  # database 4 belongs to this benchmark
    app.conf.broker_url = REDIS_URL

    print(
        f"Postausgang: {MAILS} E-Mails (Vorlage 'freigabe', je eine Transaktion) über Redis an "
        f"{WORKERS} echte Celery-Worker (prefork, je {CONCURRENCY} Prozess(e)), per SMTP an einen "
        f"aiosmtpd-Sink in diesem Prozess. Basis: dieselben Nachrichten mit Djangos SMTP-Backend "
        f"direkt an denselben Sink, ohne Celery und Datenbank. {os.cpu_count()} CPU-Kerne, "
        f"Last vorher {os.getloadavg()[0]:.1f}."
    )
    log = tempfile.NamedTemporaryFile("w+", prefix="outboxbench-worker-", suffix=".log")
    failed = False
    rates = {}
    with SmtpSink() as sink:
        for batch in BATCHES:
            sink.clear()
            Mail.objects.all().delete()
            start = time.monotonic()
            queue(MAILS)  # no worker yet: queueing and sending are measured apart
            queued = time.monotonic() - start
            print(
                f"\nStapel {batch}: Einreihen {queued:.1f} s ({MAILS / queued:.0f} E-Mails/s: "
                f"Rendern, Zeile, Commit)"
            )
            workers = [start_worker(sink, log, number=n, batch=batch) for n in range(WORKERS)]
            try:
                started = time.monotonic()
                wait_for(sink, MAILS, timeout=900)
                done = time.monotonic() - started
                time.sleep(1)  # a late duplicate would arrive now
            finally:
                for worker in workers:
                    stop_worker(worker)
            received = list(sink.received)
            ids = [r.message_id for r in received]
            expected = {Mail(pk=pk).message_id for pk in Mail.objects.values_list("pk", flat=True)}
            duplicates, missing = len(ids) - len(set(ids)), len(expected - set(ids))
            not_sent = Mail.objects.exclude(status=Mail.Status.SENT).count()
            rates[batch] = (len(received) - 1) / (received[-1].at - received[0].at)
            peers = len({r.peer for r in received})
            print(
                f"  Bis der Sink alle {MAILS} hat: {done:.1f} s ab dem Start der Worker "
                f"(davon bis zur ersten E-Mail {received[0].at - started:.1f} s); "
                f"{peers} SMTP-Verbindungen"
            )
            print(f"  Durchsatz: {rates[batch]:.0f} E-Mails/s (erste bis letzte Ankunft)")
            print(
                f"  Doppelte: {duplicates}, fehlende: {missing}, Zeilen nicht 'sent': {not_sent}"
                + ("" if duplicates == missing == not_sent == 0 else "  <-- FEHLER")
            )
            failed = failed or bool(duplicates or missing or not_sent)

        messages = []
        for row in Mail.objects.order_by("pk"):
            message = EmailMultiAlternatives(
                subject=row.subject,
                body=row.body_text,
                to=row.to,
                headers={"Message-ID": f"<basis-{row.pk}@netzwerkportal>"},
            )
            if row.body_html:
                message.attach_alternative(row.body_html, "text/html")
            messages.append(message)
        print()
        for label, one_connection in [
            ("eine SMTP-Verbindung für alle", True),
            ("eine je E-Mail", False),
        ]:
            base = baseline(sink, messages, one_connection=one_connection)
            ratios = ", ".join(f"Stapel {b}: {r / base:.2f}" for b, r in rates.items())
            print(f"Basis, {label}: {base:.0f} E-Mails/s; Postausgang/Basis {ratios}")
    if failed:
        log.seek(0)
        sys.exit(f"Worker-Log:\n{log.read()[-3000:]}")


if __name__ == "__main__":
    main()
