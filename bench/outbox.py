"""Benchmark of the e-mail outbox: 5,000 mails through a real Celery worker to an SMTP server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/outbox.py

Uses a fresh database netzwerk_outboxbench and Redis database 4 (emptied first), an SMTP sink in
this process (tests/smtp_sink.py, aiosmtpd) and `celery worker --pool=prefork --concurrency=2`
as a subprocess. Queues 5,000 mails as the app does (one transaction each, dispatched after
commit) before the worker starts, so that queueing and sending are measured apart; prints the time
to queue them, the time until the sink has all of them, mails per second and the duplicates (must
be 0). The baseline, measured in the same run: the same 5,000 messages sent by Django's SMTP
backend to the same sink from one thread, without Celery and database, once over one connection
(as each worker process keeps its own open) and once with a connection per mail.
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

MAILS, CONCURRENCY = 5_000, 2


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


def start_worker(sink: SmtpSink, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "netzwerk", "worker", "--pool=prefork"]
        + [f"--concurrency={CONCURRENCY}", "--loglevel=WARNING", "--without-gossip"]
        + ["--without-mingle", f"--hostname=outboxbench-{os.getpid()}@%h"],
        cwd=ROOT,
        env={**os.environ, "EMAIL_URL": sink.url, "LOG_LEVEL": "WARNING"},
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
        f"einen echten Celery-Worker (prefork, {CONCURRENCY} Prozesse), per SMTP an einen "
        f"aiosmtpd-Sink in diesem Prozess. Basis: dieselben Nachrichten mit Djangos SMTP-Backend "
        f"direkt an denselben Sink, ohne Celery und Datenbank. {os.cpu_count()} CPU-Kerne, "
        f"Last vorher {os.getloadavg()[0]:.1f}."
    )
    log = tempfile.NamedTemporaryFile("w+", prefix="outboxbench-worker-", suffix=".log")
    with SmtpSink() as sink:
        start = time.monotonic()
        queue(MAILS)  # no worker yet: queueing and sending are measured apart
        queued = time.monotonic() - start
        print(f"Einreihen: {queued:.1f} s ({MAILS / queued:.0f} E-Mails/s: Rendern, Zeile, Commit)")

        worker = start_worker(sink, log)
        try:
            started = time.monotonic()
            wait_for(sink, MAILS, timeout=900)
            done = time.monotonic() - started
            time.sleep(1)  # a late duplicate would arrive now
        finally:
            stop_worker(worker)
        received = list(sink.received)
        ids = [r.message_id for r in received]
        expected = {Mail(pk=pk).message_id for pk in Mail.objects.values_list("pk", flat=True)}
        duplicates, missing = len(ids) - len(set(ids)), len(expected - set(ids))
        not_sent = Mail.objects.exclude(status=Mail.Status.SENT).count()
        rate = (len(received) - 1) / (received[-1].at - received[0].at)
        print(
            f"Bis der Sink alle {MAILS} hat: {done:.1f} s ab dem Start des Workers "
            f"(davon bis zur ersten E-Mail {received[0].at - started:.1f} s)"
        )
        print(f"Durchsatz Postausgang: {rate:.0f} E-Mails/s (erste bis letzte Ankunft)")
        print(
            f"Doppelte: {duplicates}, fehlende: {missing}, Zeilen nicht 'sent': {not_sent}"
            + ("" if duplicates == missing == not_sent == 0 else "  <-- FEHLER")
        )

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
        for label, one_connection in [
            ("eine SMTP-Verbindung für alle", True),
            ("eine je E-Mail", False),
        ]:
            base = baseline(sink, messages, one_connection=one_connection)
            print(f"Basis, {label}: {base:.0f} E-Mails/s; Postausgang/Basis {rate / base:.2f}")
    if duplicates or missing or not_sent:
        log.seek(0)
        sys.exit(f"Worker-Log:\n{log.read()[-3000:]}")


if __name__ == "__main__":
    main()
