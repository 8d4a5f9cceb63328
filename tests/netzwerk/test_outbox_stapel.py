"""The outbox sends in batches (issue 18): one task claims what is due in one statement, sends it
over one SMTP connection, and leaves alone what another worker holds or what waits for its retry."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from netzwerk.mail import MAIL_SENT_EVERY, MailDeliveryError, mail_deliver
from netzwerk.models import Mail
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db


def _rows(count: int) -> list[Mail]:
    """Queued rows without their own dispatch: only the calls below send them."""
    return [
        Mail.objects.create(template="t", to=[f"p{i}@test.example"], subject=f"s{i}", body_text="b")
        for i in range(count)
    ]


def _send_to(sink: SmtpSink, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def test_one_task_sends_what_is_due_over_one_connection_with_one_claim(settings):
    mails = _rows(12)
    with SmtpSink() as sink:
        _send_to(sink, settings)
        with CaptureQueriesContext(connection) as captured:
            assert mail_deliver(mail_id=mails[5].pk, batch=10) == "sent"
        claims = [q["sql"] for q in captured if "UPDATE" in q["sql"].upper()]
        # One claim for the batch, one "sent" for each MAIL_SENT_EVERY mails; the rows read once.
        assert len(claims) == 1 + 10 // MAIL_SENT_EVERY and "RETURNING" in claims[0]
        assert len(captured) == 1 + 1 + 10 // MAIL_SENT_EVERY
        assert len({r.peer for r in sink.received}) == 1  # one connection
        # The task's own mail and the nine oldest others, in the order they were written.
        expected = [mails[5]] + [m for m in mails if m != mails[5]][:9]
        assert sorted(sink.message_ids()) == sorted(m.message_id for m in expected)
        order = [m.message_id for m in sorted(expected, key=lambda m: m.pk)]
        assert sink.message_ids() == order
    assert Mail.objects.filter(status=Mail.Status.QUEUED).count() == 2
    assert set(Mail.objects.filter(status=Mail.Status.SENT).values_list("attempts", flat=True)) == {
        1
    }


def test_a_refused_mail_waits_for_its_retry_and_the_untried_rest_goes_back_untouched(settings):
    first, refused, rest = _rows(3)
    with SmtpSink() as sink:
        _send_to(sink, settings)
        sink.refuse(Mail(pk=refused.pk).message_id, times=1)
        with pytest.raises(MailDeliveryError) as raised:
            mail_deliver(mail_id=first.pk, batch=10)
        assert raised.value.countdown >= 0
        assert sink.message_ids() == [first.message_id]
        refused.refresh_from_db(), rest.refresh_from_db()
        assert refused.status == Mail.Status.QUEUED and refused.attempts == 1
        assert "451" in refused.last_error
        # Untried: as if never claimed, no attempt counted.
        assert rest.status == Mail.Status.QUEUED and rest.attempts == 0 and rest.retry_at is None

        # Another task's batch takes the untried mail, not the one waiting for its retry.
        Mail.objects.filter(pk=refused.pk).update(retry_at=timezone.now() + timedelta(minutes=5))
        assert mail_deliver(mail_id=rest.pk, batch=10) == "sent"
        assert sink.message_ids() == [first.message_id, rest.message_id]
        # Once due, it goes out with the next batch.
        Mail.objects.filter(pk=refused.pk).update(retry_at=timezone.now() - timedelta(seconds=1))
        assert mail_deliver(mail_id=first.pk, batch=10) == "skipped"  # own mail sent already
        assert sink.message_ids()[-1] == refused.message_id
    refused.refresh_from_db()
    assert refused.status == Mail.Status.SENT and refused.attempts == 2 and refused.retry_at is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Zeilensperren auf PostgreSQL.")
def test_a_batch_skips_rows_another_worker_holds_instead_of_waiting(settings):
    """Fails without SKIP LOCKED: the claim would wait for the other transaction's row lock
    (here until lock_timeout ends it)."""
    held, *others = _rows(4)
    other = connections.create_connection("default")  # a second worker's connection
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {Mail._meta.db_table} WHERE id = %s FOR UPDATE", [held.pk]
            )
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            assert mail_deliver(mail_id=others[0].pk, batch=10) == "sent"
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        other.rollback()
        other.close()
    statuses = dict(Mail.objects.values_list("pk", "status"))
    assert statuses[held.pk] == Mail.Status.QUEUED
    assert {statuses[m.pk] for m in others} == {Mail.Status.SENT}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Nebenläufigkeit auf PostgreSQL.")
def test_workers_claiming_batches_at_once_send_every_mail_once(settings):
    """Eight threads with batches of seven over 60 rows: disjoint claims, nothing twice, nothing
    left. Either guard alone holds (the rows locked with SKIP LOCKED, the status checked again
    in the UPDATE); with neither, about 50 of 60 went out twice."""
    mails = _rows(60)
    barrier = threading.Barrier(8)
    errors = []
    with SmtpSink() as sink:
        _send_to(sink, settings)

        def worker(start: int):
            try:
                barrier.wait()
                for mail in mails[start::8]:
                    mail_deliver(mail_id=mail.pk, batch=7)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        delivered = sink.message_ids()
    assert len(delivered) == len(set(delivered)) == 60
    assert not Mail.objects.exclude(status=Mail.Status.SENT).exists()
    assert set(Mail.objects.values_list("attempts", flat=True)) == {1}


def test_coordinators_see_when_a_refused_mail_is_tried_again(client_as):
    from django.urls import reverse

    [mail] = _rows(1)
    when = timezone.localtime(timezone.now() + timedelta(minutes=4))
    Mail.objects.filter(pk=mail.pk).update(attempts=1, last_error="451 später", retry_at=when)
    page = client_as("koordination").get(reverse("netzwerk:mail-list")).content.decode()
    assert f"nächster Versuch {when:%d.%m.%Y %H:%M} Uhr" in page
    Mail.objects.filter(pk=mail.pk).update(status=Mail.Status.SENT)
    page = client_as("koordination").get(reverse("netzwerk:mail-list")).content.decode()
    assert "nächster Versuch" not in page


@pytest.mark.services
def test_a_dispatch_the_broker_refused_leaves_no_wake_up_flag_behind(monkeypatch):
    """Else every commit of the next WAKE_SECONDS would count on a wake-up that never comes."""
    import os

    import redis
    from kombu.exceptions import OperationalError

    from netzwerk import mail as outbox
    from netzwerk.celery import app

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL ist nicht gesetzt.")
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=url)
    try:
        client, key = outbox._wake_flag()
        client.delete(key)

        def refused(name, **kwargs):
            raise OperationalError("Redis startet neu")

        monkeypatch.setattr(outbox, "task_delay", refused)
        outbox._dispatch(1)
        assert not redis.Redis.from_url(url).exists(key)
        dispatched = []
        monkeypatch.setattr(outbox, "task_delay", lambda name, **kw: dispatched.append(kw))
        outbox._dispatch(2)
        outbox._dispatch(3)  # shares the wake-up of 2
        assert dispatched == [{"mail_id": 2}]
        client.delete(key)
    finally:
        app.conf.update(task_always_eager=eager, broker_url=broker)
