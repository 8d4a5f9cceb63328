"""The outbox through a real Celery worker to an SMTP server (tests/smtp_sink.py): every mail
arrives exactly once, even when the worker is killed mid-batch or the server refuses an attempt.

The worker tests use a queue of their own (QUEUE), so neither a developer's running worker takes
their tasks nor do leftovers of an earlier run (a killed worker leaves unacknowledged ones) reach
them.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection, transaction
from django.utils import timezone

from netzwerk.celery import app
from netzwerk.mail import mail_deliver, mail_queue, mails_recover
from netzwerk.models import Mail
from tests.smtp_sink import SmtpSink

# The real broker's queues are shared, and a worker process must not start beside the crawl of
# every page: with pytest-xdist these tests and the crawl run on one worker, in turn.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("seriell"),
]

ROOT = Path(__file__).resolve().parent.parent.parent
QUEUE = "netzwerk-test-postausgang"
MAILS, CRASH_AT = 300, 100


def _purge(broker_url: str) -> None:
    """Empty QUEUE and drop the unacknowledged messages a killed worker left for it (the Redis
    transport would hand them out again an hour later, its visibility_timeout)."""
    client = redis.Redis.from_url(broker_url)
    for key in client.scan_iter(f"{QUEUE}*"):  # the queue and its priority lists
        client.delete(key)
    for tag, raw in client.hgetall("unacked").items():
        if json.loads(raw)[2] == QUEUE:  # [message, exchange, routing key]
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.close()


@pytest.fixture
def broker():
    """This process dispatches to QUEUE of the real broker instead of running tasks in-process."""
    url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL ist nicht gesetzt: kein Broker für einen echten Worker.")
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL zeigt nicht auf PostgreSQL: ein Worker-Prozess braucht sie.")
    before = app.conf.task_always_eager, app.conf.broker_url, app.conf.task_default_queue
    app.conf.update(task_always_eager=False, broker_url=url, task_default_queue=QUEUE)
    app._pool = app.amqp._producer_pool = None  # no pool of an earlier broker publishes here
    _purge(url)
    try:
        yield url
    finally:
        _purge(url)
        app.conf.update(
            task_always_eager=before[0], broker_url=before[1], task_default_queue=before[2]
        )
        app._pool = app.amqp._producer_pool = None


def _wait_for(condition, *, timeout: float, failure: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(failure)
        time.sleep(0.1)


class WorkerProcess:
    """`celery worker` (prefork, 2 children) as a process group of its own: a kill takes all."""

    def __init__(self, *, broker_url: str, email_url: str, log: Path):
        db = connection.settings_dict  # the test database, not the configured one
        auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        host, port = db["HOST"] or "localhost", db["PORT"] or 5432
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "netzwerk.settings",
            "DATABASE_URL": f"postgres://{auth}@{host}:{port}/{db['NAME']}",
            "REDIS_URL": broker_url,
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": email_url,
            "LOG_LEVEL": "WARNING",
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "celery", "-A", "netzwerk", "worker", "--pool=prefork"]
        command += ["--concurrency=2", f"--queues={QUEUE}", "--loglevel=WARNING"]
        command += [
            "--without-gossip",
            "--without-mingle",
            f"--hostname=postausgang-{os.getpid()}@%h",
        ]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the pool children are in it
            )

    def kill(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self.process = None

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _other_backends() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def _sent_ids() -> set[int]:
    return set(Mail.objects.filter(status=Mail.Status.SENT).values_list("pk", flat=True))


def _pk(message_id: str) -> int:
    return int(message_id.removeprefix("<mail-").removesuffix("@netzwerkportal>"))


def test_a_worker_killed_mid_batch_leaves_every_mail_sent_exactly_once(broker, tmp_path):
    """SMTP has no two-phase commit: a worker that dies after the server's 250 and before its
    UPDATE to "sent" leaves a row in "sending" for a mail that went out; the recovery queues it
    again and it goes out twice (same Message-ID, so the receiver can drop the copy). No outbox can
    close that window; this test checks everything else, so it must not kill a worker inside it.

    The sink therefore triggers the kill when the 100th message's DATA has arrived and before it
    answers: that mail is not delivered, its row stays "sending" (the window the recovery is for).
    The second pool process may be inside the window at that moment, so the kill waits until
    every mail the sink has accepted is "sent" in the database; meanwhile the sink holds every
    further DATA unanswered (and refuses it once the kill is done), so no mail enters the window.
    Also in flight at the kill: the tasks the worker had fetched but not acknowledged (acks_late);
    Redis would hand them out again only after its visibility_timeout (an hour). The recovery of
    the outbox sends them, not the broker.
    """
    kill_done, kill_errors = threading.Event(), []

    def kill_the_worker():
        try:
            _wait_for(
                lambda: {_pk(m) for m in sink.message_ids()} <= _sent_ids(),
                timeout=10,
                failure="accepted mails did not become 'sent'",
            )
            worker.kill()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            kill_errors.append(exc)
        finally:
            connection.close()  # this thread's own connection
            kill_done.set()

    with SmtpSink(crash_at=CRASH_AT, on_crash=kill_the_worker) as sink:
        worker = WorkerProcess(broker_url=broker, email_url=sink.url, log=tmp_path / "worker.log")
        try:
            with transaction.atomic():  # dispatched on commit, as in the app
                for i in range(MAILS):
                    mail_queue(
                        name="freigabe",
                        context={"user": {"get_full_name": f"Person {i}"}},
                        to=[f"person{i}@test.example"],
                    )
            backends = _other_backends()
            worker.start()
            if not kill_done.wait(timeout=60):
                pytest.fail(f"the sink never saw mail {CRASH_AT}:\n{worker.log_tail()}")
            assert not kill_errors, kill_errors
            # A killed worker's last query may still run in its backend: wait until they are gone.
            _wait_for(lambda: _other_backends() <= backends, timeout=10, failure="backends stay")

            delivered = sink.message_ids()
            assert len(delivered) == CRASH_AT - 1, f"killed at mail {CRASH_AT}, before its 250"
            assert {_pk(m) for m in delivered} == _sent_ids()
            assert Mail.objects.filter(status=Mail.Status.SENDING).exists()  # claimed, not sent

            # Beat's recover_mails, with its thresholds at zero: safe only with no worker alive.
            assert mails_recover(now=timezone.now(), stuck_after_minutes=0, lost_after_minutes=0)
            worker.start()
            _wait_for(
                lambda: not Mail.objects.exclude(status=Mail.Status.SENT).exists(),
                timeout=60,
                failure=f"not every mail was sent after the restart:\n{worker.log_tail()}",
            )
        finally:
            worker.kill()

    delivered = sink.message_ids()
    expected = {m.message_id: tuple(m.to) for m in Mail.objects.all()}
    assert len(delivered) == len(set(delivered)) == len(expected) == MAILS
    assert {r.message_id: r.recipients for r in sink.received} == expected


@pytest.fixture
def worker_in_thread(broker, settings):
    """A real worker in this process (solo pool), consuming QUEUE; it sees the test's settings."""
    from celery.contrib.testing.worker import start_worker

    settings.MAIL_RETRY_BACKOFF = 0  # production: 30 s, 60 s, ...
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE]
        ) as worker:
            yield worker
    finally:
        del app.amqp.queues  # forget the selection of QUEUE: later workers consume the default


def _send_to(sink: SmtpSink, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def test_a_mail_refused_once_is_retried_and_arrives_once(worker_in_thread, settings):
    with SmtpSink() as sink:
        _send_to(sink, settings)
        with transaction.atomic():
            mail = mail_queue(
                name="freigabe", context={"user": {"get_full_name": "Ada"}}, to=["ada@test.example"]
            )
            sink.refuse(mail.message_id, times=1)  # a 451 for the first attempt
        _wait_for(
            lambda: Mail.objects.filter(pk=mail.pk, status=Mail.Status.SENT).exists(),
            timeout=30,
            failure="the retry did not send the mail",
        )
        assert sink.refused == [mail.message_id]
        assert sink.message_ids() == [mail.message_id]
    mail.refresh_from_db()
    assert mail.attempts == 2 and mail.last_error == ""


def test_mails_in_a_row_share_a_connection_and_a_dropped_one_is_replaced(settings):
    """The task's service without a worker: a new SMTP connection only when the old one is gone,
    and no failed attempt for that."""
    mails = [
        Mail.objects.create(template="t", to=[f"p{i}@test.example"], subject="s", body_text="b")
        for i in range(4)
    ]
    with SmtpSink() as sink:
        _send_to(sink, settings)
        assert [mail_deliver(mail_id=m.pk) for m in mails[:2]] == ["sent", "sent"]
        sink.drop_connections()  # as a server does after its idle timeout
        assert [mail_deliver(mail_id=m.pk) for m in mails[2:]] == ["sent", "sent"]
    first, second, third, fourth = (r.peer for r in sink.received)
    assert first == second != third == fourth
    assert sink.message_ids() == [m.message_id for m in mails]
    assert set(Mail.objects.values_list("attempts", flat=True)) == {1}
