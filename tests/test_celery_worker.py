"""A real Celery worker against Redis runs a task whose effect the test sees in the database."""

import os
import time

import pytest
from django.core import mail

from netzwerk.celery import app
from netzwerk.models import Rueckmeldung
from netzwerk.tasks import notify_rueckmeldung

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker(settings):
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker:
        pytest.skip("REDIS_URL ist nicht gesetzt: kein Broker für einen echten Worker.")
    from celery.contrib.testing.worker import start_worker

    app.conf.update(task_always_eager=False, broker_url=broker)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        app.conf.update(task_always_eager=True)


def test_a_worker_tells_the_coordinators_about_feedback(real_worker, welt):
    rueckmeldung = Rueckmeldung.objects.create(message="Die Schrift ist zu klein.")
    result = notify_rueckmeldung.delay(rueckmeldung_id=rueckmeldung.pk)
    assert type(result).__name__ == "AsyncResult"  # through the broker, not run in-process
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rueckmeldung.refresh_from_db()
        if rueckmeldung.notified_at is not None:
            break
        time.sleep(0.2)
    assert rueckmeldung.notified_at is not None, "der Worker hat die Aufgabe nicht ausgeführt"
    assert any("Die Schrift ist zu klein." in m.body for m in mail.outbox)
