"""A real Celery worker against Redis runs a task whose effect the test sees in the database."""

import os
import time

import pytest
from django.core import mail

from netzwerk.celery import app
from netzwerk.models import Mail
from netzwerk.services import rueckmeldung_create

# The real broker's queues are shared, and a worker process must not start beside the crawl of
# every page: with pytest-xdist these tests and the crawl run on one worker, in turn.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("seriell"),
]


@pytest.fixture
def real_worker(settings):
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker:
        pytest.skip("REDIS_URL ist nicht gesetzt: kein Broker für einen echten Worker.")
    from celery.contrib.testing.worker import start_worker

    # Celery's connection pools are dropped on both ends: a pool made earlier in this process
    # (for another broker, or for memory:// after tests/netzwerk/test_ausfall.py) would
    # publish where this worker does not listen.
    app.conf.update(task_always_eager=False, broker_url=broker)
    app._pool = None
    app.amqp._producer_pool = None
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        app.conf.update(task_always_eager=True)
        app._pool = None
        app.amqp._producer_pool = None


def test_a_worker_sends_the_outbox_mail_about_feedback(real_worker, welt):
    # Committed at once (transactional test): on_commit hands the mail to the broker.
    rueckmeldung_create(message="Die Schrift ist zu klein.")
    row = Mail.objects.get(template="rueckmeldung")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.status == Mail.Status.SENT:
            break
        time.sleep(0.2)
    assert row.status == Mail.Status.SENT, "der Worker hat die E-Mail nicht gesendet"
    assert [m.body for m in mail.outbox if "Die Schrift ist zu klein." in m.body]
