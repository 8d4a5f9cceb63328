"""Outages of PostgreSQL and Redis: a German 503 page instead of a 500, and nothing queued lost
(the outbox and the invitation runs are rows; the broker only wakes the workers).
bench/stoerfaelle.py measures the same with real restarts."""

import contextlib
import os
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from konferenzen.einladungen import versande_recover
from konferenzen.models import Veranstaltung, Versand
from netzwerk.celery import app
from netzwerk.mail import mail_queue, mails_recover
from netzwerk.models import Mail

# The real broker's queues are shared, and a worker process must not start beside the crawl of
# every page: with pytest-xdist these tests and the crawl run on one worker, in turn.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("seriell"),
]

GERMAN = "Das Portal ist gleich wieder da"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@contextlib.contextmanager
def _postgres_unreachable():
    """The default connection points at a closed port until the block ends."""
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL zeigt nicht auf PostgreSQL.")
    settings_dict = connection.settings_dict
    host, port = settings_dict["HOST"], settings_dict["PORT"]
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", _closed_port()
    try:
        yield
    finally:
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = host, port


@contextlib.contextmanager
def _broker(url: str):
    """Tasks go to this broker instead of running in-process; Celery's connection pools are
    dropped on both ends, so no later test publishes to it."""

    def use(**conf):
        app.conf.update(**conf)
        app._pool = None
        app.amqp._producer_pool = None

    use(task_always_eager=False, broker_url=url)
    try:
        yield
    finally:
        use(task_always_eager=True, broker_url="memory://")


def _assert_german_503(response) -> None:
    text = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert GERMAN in text and '<html lang="de">' in text
    assert "Server Error" not in text


def test_a_page_answers_a_german_503_while_postgresql_is_unreachable(client):
    url = reverse("konferenzen:einladung", args=["ein-link"])
    with _postgres_unreachable():
        response = client.get(url)
    _assert_german_503(response)
    assert client.get(url).status_code == 404  # back: the link is unknown, as it was


def test_a_logged_in_page_answers_503_when_a_middleware_meets_the_outage(welt):
    # The session is read by the TOTP middleware, before the view: handler500's part.
    client = Client(raise_request_exception=False)
    client.force_login(welt.users["partner"])
    with _postgres_unreachable():
        response = client.get(reverse("netzwerk:dashboard"))
    _assert_german_503(response)


def _event() -> Veranstaltung:
    start = timezone.now() + timedelta(days=30)
    return Veranstaltung.objects.create(
        art="workshop", title="Workshop", start=start, end=start + timedelta(hours=3),
        capacity=30, visibility="invited",
    )  # fmt: skip


def test_a_run_started_while_the_broker_is_down_answers_503_and_is_recovered(client_as):
    event = _event()
    client = client_as("koordination")
    url = reverse("konferenzen:einladung-list", args=[event.pk])
    form = {"quelle": "liste", "liste": "anna@test.example\nbert@test.example"}
    with _broker(f"redis://127.0.0.1:{_closed_port()}/0"):
        response = client.post(url, {**form, "aktion": "senden"})
    _assert_german_503(response)
    versand = Versand.objects.get()  # committed before the dispatch failed
    assert versand.finished_at is None and not event.einladungen.exists()
    assert versande_recover(after_minutes=10) == 0  # it may still be on its way
    assert versande_recover(now=timezone.now() + timedelta(minutes=11)) == 1  # eager here
    versand.refresh_from_db()
    assert versand.finished_at is not None and versand.queued == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@test.example", "bert@test.example"]


def _wait_for(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _queue(address: str) -> Mail:
    with transaction.atomic():  # committed: the dispatch runs
        return mail_queue(name="freigabe", context={"user": {"get_full_name": "Ada"}}, to=[address])


def test_mails_whose_dispatch_failed_or_was_lost_in_redis_are_sent_by_the_recovery():
    base = os.environ.get("REDIS_URL")
    if not base or connection.vendor != "postgresql":
        pytest.skip("REDIS_URL und PostgreSQL nötig: ein echter Worker.")
    url = urlunsplit(urlsplit(base)._replace(path="/7"))  # database 7 belongs to this test
    broker = redis.Redis.from_url(url)
    broker.flushdb()
    with _broker(f"redis://127.0.0.1:{_closed_port()}/0"):
        refused = _queue("refused@test.example")  # the request would succeed: logged only
    with _broker(url):
        lost = _queue("lost@test.example")
        assert broker.llen("celery") == 1  # the message waits in Redis ...
        broker.flushdb()  # ... and is lost, as in a restart without persistence
        from celery.contrib.testing.worker import start_worker

        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert Mail.objects.filter(status=Mail.Status.QUEUED).count() == 2
            assert mails_recover(now=timezone.now(), lost_after_minutes=0) == 2
            assert _wait_for(lambda: not Mail.objects.exclude(status=Mail.Status.SENT).exists())
        broker.flushdb()
    sent = {m.to[0]: m.extra_headers["Message-ID"] for m in mail.outbox}
    assert sent == {
        "refused@test.example": refused.message_id,
        "lost@test.example": lost.message_id,
    }
