import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from netzwerk.mail import MAX_ATTEMPTS, MailDeliveryError, mail_deliver, mail_queue, mails_recover
from netzwerk.models import Mail

pytestmark = pytest.mark.django_db


def _queue(to="ada@test.example") -> Mail:
    return mail_queue(name="freigabe", context={"user": {"get_full_name": "Ada"}}, to=[to])


def test_a_mail_is_a_row_first_and_goes_out_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail = _queue()
        assert django_mail.outbox == []  # nothing leaves before the commit
    mail.refresh_from_db()
    assert mail.status == Mail.Status.SENT and mail.attempts == 1 and mail.sent_at
    [sent] = django_mail.outbox
    assert sent.to == ["ada@test.example"] and sent.extra_headers["Message-ID"] == mail.message_id


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _queue()
                raise RuntimeError("Fehler nach dem Schreiben")
        except RuntimeError:
            pass
    assert not Mail.objects.exists() and django_mail.outbox == []


def test_delivering_the_same_mail_again_sends_nothing():
    mail = _queue()
    assert mail_deliver(mail_id=mail.pk) == "sent"
    assert mail_deliver(mail_id=mail.pk) == "skipped"
    assert len(django_mail.outbox) == 1


def test_smtp_errors_retry_until_the_mail_fails_for_good(monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Verbindung verloren")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    mail = _queue()
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(MailDeliveryError):
            mail_deliver(mail_id=mail.pk)
        mail.refresh_from_db()
        assert mail.status == Mail.Status.QUEUED and "Verbindung verloren" in mail.last_error
    assert mail_deliver(mail_id=mail.pk) == "failed"
    mail.refresh_from_db()
    assert mail.status == Mail.Status.FAILED and mail.attempts == MAX_ATTEMPTS


def test_mails_of_a_dead_worker_and_lost_dispatches_go_out_after_all(
    django_capture_on_commit_callbacks,
):
    stuck, lost = _queue("a@test.example"), _queue("b@test.example")
    long_ago = timezone.now() - timedelta(minutes=30)
    Mail.objects.filter(pk=stuck.pk).update(status=Mail.Status.SENDING, claimed_at=long_ago)
    Mail.objects.filter(pk__in=[stuck.pk, lost.pk]).update(created_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert mails_recover() == 2
    assert set(Mail.objects.values_list("status", flat=True)) == {Mail.Status.SENT}
    assert len(django_mail.outbox) == 2


def test_a_fresh_sending_mail_is_left_alone():
    mail = _queue()
    Mail.objects.filter(pk=mail.pk).update(
        status=Mail.Status.SENDING,
        claimed_at=timezone.now(),
        created_at=timezone.now() - timedelta(minutes=30),
    )
    assert mails_recover() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Nebenläufigkeit auf PostgreSQL.")
def test_two_workers_racing_for_one_mail_send_it_once(monkeypatch):
    """Fails without the conditional claim (status=queued in the UPDATE's WHERE)."""
    from django.core.mail import EmailMultiAlternatives

    sent = []
    barrier = threading.Barrier(8)
    original = EmailMultiAlternatives.send

    def slow_send(self, *args, **kwargs):
        sent.append(self.subject)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", slow_send)
    # A queued row without its own dispatch (autocommit would send it at once): only the threads
    # below compete for it.
    mail = Mail.objects.create(template="t", to=["ada@test.example"], subject="s", body_text="b")

    def worker():
        barrier.wait()
        try:
            mail_deliver(mail_id=mail.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 1
    assert Mail.objects.get(pk=mail.pk).status == Mail.Status.SENT


def test_coordinators_see_the_outbox_and_resend_a_failed_mail(
    client_as, django_capture_on_commit_callbacks
):
    mail = _queue()
    Mail.objects.filter(pk=mail.pk).update(
        status=Mail.Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTP: 550"
    )
    client = client_as("koordination")
    page = client.get(reverse("netzwerk:mail-list"), {"status": "failed"}).content.decode()
    assert "SMTP: 550" in page and "Erneut senden" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("netzwerk:mail-resend", kwargs={"pk": mail.pk}))
    mail.refresh_from_db()
    assert mail.status == Mail.Status.SENT and len(django_mail.outbox) == 1
