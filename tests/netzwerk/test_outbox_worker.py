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
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection, transaction
from django.utils import timezone

from netzwerk.celery import app
from netzwerk.mail import MAIL_SENT_EVERY, mail_deliver, mail_queue, mails_recover
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
    # The outbox's "a wake-up is on its way" for this database: its task was in QUEUE.
    client.delete(f"netzwerk:postausgang:geweckt:{connection.settings_dict['NAME']}")
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


def _wait_for(condition, *, timeout: float, failure) -> None:
    """`failure`: the message, or a function that writes it when the time is up."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(failure() if callable(failure) else failure)
        time.sleep(0.1)


class WorkerProcess:
    """`celery worker` (prefork, 2 children) as a process group of its own: a kill takes all."""

    def __init__(self, *, broker_url: str, email_url: str, log: Path, name: str = "postausgang"):
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
        self.log, self.name = log, name
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "celery", "-A", "netzwerk", "worker", "--pool=prefork"]
        # INFO: a failure's log tail shows which tasks the worker received and what they returned.
        command += ["--concurrency=2", f"--queues={QUEUE}", "--loglevel=INFO"]
        command += [
            "--without-gossip",
            "--without-mingle",
            f"--hostname={self.name}-{os.getpid()}@%h",
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


def _state(broker_url: str, sink: SmtpSink) -> str:
    """What a failure message needs to tell a lost task from a slow or a silent worker."""
    client = redis.Redis.from_url(broker_url)
    try:
        waiting = sum(client.llen(key) for key in client.scan_iter(f"{QUEUE}*"))
        unacked = sum(json.loads(raw)[2] == QUEUE for raw in client.hgetall("unacked").values())
        flag = client.get(f"netzwerk:postausgang:geweckt:{connection.settings_dict['NAME']}")
    finally:
        client.close()
    statuses = Counter(Mail.objects.values_list("status", flat=True))
    return (
        f"rows by status {dict(statuses)}; sink received {len(sink.message_ids())}; "
        f"tasks waiting in {QUEUE}: {waiting}, unacknowledged: {unacked}; wake-up flag: {flag!r}"
    )


def _sent_ids() -> set[int]:
    return set(Mail.objects.filter(status=Mail.Status.SENT).values_list("pk", flat=True))


def _pk(message_id: str) -> int:
    return int(message_id.removeprefix("<mail-").removesuffix("@netzwerkportal>"))


def test_a_killed_worker_loses_nothing_and_repeats_at_most_its_unmarked_mails(broker, tmp_path):
    """SMTP has no two-phase commit: a mail the server accepted is marked "sent" afterwards, for
    MAIL_SENT_EVERY mails at a time (netzwerk.mail.mail_deliver). A worker killed in between
    leaves those rows "sending"; the recovery queues them again and they go out twice, with the
    same Message-ID, so the receiver can drop the copy. Everything else must arrive exactly once.

    The sink triggers the kill when the 100th message's DATA has arrived and before it answers:
    that mail is not delivered, its row stays "sending". Meanwhile the sink holds every further
    DATA unanswered (and refuses it once the kill is done), so both pool processes stand still;
    the kill waits until the "sent" rows stop changing. Also in flight at the kill: the tasks
    the worker had fetched but not acknowledged (acks_late); Redis would hand them out again only
    after its visibility_timeout (an hour). The recovery of the outbox sends them, not the broker.
    After it, two workers share the queue (as two containers would): their batches are disjoint.
    """
    kill_done, kill_errors = threading.Event(), []

    def kill_the_worker():
        try:
            seen, stable_since = None, time.monotonic()
            while time.monotonic() - stable_since < 1.0:
                now_sent = _sent_ids()
                if now_sent != seen:
                    seen, stable_since = now_sent, time.monotonic()
                time.sleep(0.1)
            worker.kill()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            kill_errors.append(exc)
        finally:
            connection.close()  # this thread's own connection
            kill_done.set()

    with SmtpSink(crash_at=CRASH_AT, on_crash=kill_the_worker) as sink:
        worker = WorkerProcess(broker_url=broker, email_url=sink.url, log=tmp_path / "worker.log")
        second = WorkerProcess(
            broker_url=broker, email_url=sink.url, log=tmp_path / "worker2.log", name="zweiter"
        )
        try:
            with transaction.atomic():  # dispatched on commit, as in the app
                for i in range(MAILS):
                    mail_queue(
                        name="freigabe",
                        context={"user": {"get_full_name": f"Person {i}"}},
                        to=[f"person{i}@test.example"],
                    )
            backends = _other_backends()
            # The commit's one wake-up waits in the queue (the other 299 commits share it).
            client = redis.Redis.from_url(broker)
            waiting = sum(client.llen(key) for key in client.scan_iter(f"{QUEUE}*"))
            bindings = client.smembers(f"_kombu.binding.{QUEUE}")
            undeliverable = client.llen("ae.undeliver")
            client.close()
            assert waiting == 1, (
                f"{waiting} wake-ups in {QUEUE} after the commit: {_state(broker, sink)}; "
                f"bindings {bindings}; undeliverable {undeliverable}"
            )
            worker.start()
            if not kill_done.wait(timeout=60):
                pytest.fail(
                    f"the sink never saw mail {CRASH_AT}: {_state(broker, sink)}\n"
                    f"{worker.log_tail()}"
                )
            assert not kill_errors, kill_errors
            # A killed worker's last query may still run in its backend: wait until they are gone.
            _wait_for(lambda: _other_backends() <= backends, timeout=10, failure="backends stay")

            delivered = {_pk(m) for m in sink.message_ids()}
            assert len(delivered) == CRASH_AT - 1, f"killed at mail {CRASH_AT}, before its 250"
            assert _sent_ids() <= delivered  # nothing marked sent that did not arrive
            unmarked = delivered - _sent_ids()
            # At most MAIL_SENT_EVERY - 1 waiting for their mark in each of the two processes.
            assert len(unmarked) <= 2 * (MAIL_SENT_EVERY - 1), unmarked
            sending = set(
                Mail.objects.filter(status=Mail.Status.SENDING).values_list("pk", flat=True)
            )
            assert unmarked < sending  # and the held 100th mail, claimed, not sent

            # Beat's recover_mails, with its thresholds at zero: safe only with no worker alive.
            assert mails_recover(now=timezone.now(), stuck_after_minutes=0, lost_after_minutes=0)
            worker.start()
            second.start()
            _wait_for(
                lambda: not Mail.objects.exclude(status=Mail.Status.SENT).exists(),
                timeout=60,
                failure=lambda: (
                    f"not every mail was sent after the restart: {_state(broker, sink)}\n"
                    f"{worker.log_tail()}"
                ),
            )
        finally:
            worker.kill()
            second.kill()

    arrivals = Counter(sink.message_ids())
    twice = {_pk(m) for m, n in arrivals.items() if n > 1}
    assert set(arrivals.values()) <= {1, 2}
    assert twice == unmarked  # exactly the window, nothing else
    expected = {m.message_id: tuple(m.to) for m in Mail.objects.all()}
    assert len(arrivals) == len(expected) == MAILS
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
