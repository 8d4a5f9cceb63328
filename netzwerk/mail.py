"""The e-mail outbox, shared by every app.

A mail is rendered and written as a row inside the transaction that causes it; a Celery task sends
it after commit. Claiming a row is one conditional UPDATE (queued -> sending), so two workers never
send the same mail; an SMTP error puts it back in the queue with back-off, until it fails for good.
A worker keeps its SMTP connection open for the mails that follow (one SMTP transaction each).

The one window left (SMTP has no two-phase commit): a worker that dies after the server's 250
and before its UPDATE to "sent" leaves the row "sending". mails_recover puts it back in the queue
after stuck_after_minutes and it goes out a second time, with the same Message-ID
(<mail-PK@netzwerkportal>), so the recipient's server or client can recognise the copy. A worker
killed at any other moment loses nothing and sends nothing twice (bench/stoerfaelle.py measures
both). The broker only wakes workers: a dispatch lost in Redis (down, restarted without
persistence) leaves the row queued, and mails_recover dispatches it again.
"""

import contextlib
import logging
import smtplib
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from .celery import task_delay
from .models import Mail, User

logger = logging.getLogger(__name__)

# Eight attempts, the waits doubling from MAIL_RETRY_BACKOFF up to 30 minutes: a mail survives
# an SMTP outage of about an hour before it is marked failed for a coordinator to resend.
MAX_ATTEMPTS = 8
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# The next mail goes over the same SMTP connection if it follows within this many seconds; a new
# connection per mail costs connect, greeting, EHLO, STARTTLS, login and QUIT. (A server keeps an
# idle connection for minutes, RFC 5321 4.5.3.2.7; a NOOP checks it before each reuse.)
SMTP_REUSE_SECONDS = 10
_smtp = threading.local()  # per worker process (prefork), per thread (threads pool, tests)


class MailDeliveryError(Exception):
    """A temporary failure; the task retries with back-off."""


def sprachen_der_empfaenger(addresses: list[str]) -> dict[str, list[str]]:
    """The recipients by the language their mails go out in: an account's own (User.sprache,
    chosen with the portal's switch), else the portal's (German). Never the language of
    whoever set the mail off: an English page must not send a German coordinator English.
    Matched on the address as given and in lower case, so the unique index on email serves
    (a lookup on lower(email) would read every account for every mail of a mailing)."""
    kandidaten = set(addresses) | {a.lower() for a in addresses}
    eigene = {
        email.lower(): sprache
        for email, sprache in User.objects.filter(email__in=kandidaten)
        .exclude(sprache="")
        .values_list("email", "sprache")
    }
    gruppen: dict[str, list[str]] = {}
    for address in addresses:
        gruppen.setdefault(eigene.get(address.lower(), settings.LANGUAGE_CODE), []).append(address)
    return gruppen


def _render(name: str, context: dict, sprache: str | None = None) -> tuple[str, str, str]:
    context = {"portal_name": settings.PORTAL_NAME, "site_url": settings.SITE_URL, **context}
    with translation.override(sprache or settings.LANGUAGE_CODE):
        subject = " ".join(
            render_to_string(f"emails/{name}_subject.txt", context, using="text").split()
        )
        body = render_to_string(f"emails/{name}_body.txt", context, using="text")
        try:
            html = render_to_string(f"emails/{name}_body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, body, html


def mail_queue(
    *, name: str, context: dict, to: list[str], attachments: list[dict] | None = None
) -> Mail | None:
    """Write the mail as a row now; it is sent once the surrounding transaction commits.
    Attachments are small texts, such as a calendar entry: {"filename", "content", "mimetype"}.
    Each recipient reads it in her own language: one row per language among the recipients
    (returned: the German one, else the first)."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    mails = []
    for sprache, addresses in sorted(sprachen_der_empfaenger(recipients).items()):
        subject, body, html = _render(name, context, sprache)
        mail = mail_store(
            template=name,
            to=addresses,
            subject=subject,
            body_text=body,
            body_html=html,
            attachments=attachments,
        )
        mails.insert(0 if sprache == settings.LANGUAGE_CODE else len(mails), mail)
    return mails[0]


def mail_store(
    *,
    template: str,
    to: list[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: list[dict] | None = None,
):
    """Write an already rendered mail (allauth renders its own) into the outbox."""
    mail = Mail.objects.create(
        template=template,
        to=list(to),
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        attachments=attachments or [],
    )
    _dispatch_after_commit(mail.pk)
    return mail


def _dispatch_after_commit(mail_id: int) -> None:
    transaction.on_commit(lambda: _dispatch(mail_id))


def _dispatch(mail_id: int) -> None:
    """The broker only wakes a worker: if it is unreachable (Redis restarting), the committed row
    stays queued and mails_recover dispatches it again; the request that wrote it succeeds."""
    try:
        task_delay("netzwerk.tasks.send_mail", mail_id=mail_id)
    except (BrokerOperationalError, RedisConnectionError) as exc:
        logger.warning("Broker nicht erreichbar, Mail %s wartet auf die Nachlese: %s", mail_id, exc)


def mail_deliver(*, mail_id: int) -> str:
    """Send one queued mail; "sent", "skipped" (not queued: sent, sending, or failed), "failed"
    (for good), or MailDeliveryError for a retry."""
    now = timezone.now()
    claimed = Mail.objects.filter(pk=mail_id, status=Mail.Status.QUEUED).update(
        status=Mail.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now
    )
    if not claimed:
        return "skipped"
    mail = Mail.objects.get(pk=mail_id)
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        to=mail.to,
        headers={"Message-ID": mail.message_id},
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    for attachment in mail.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        message.connection = _smtp_connection()
        message.send()
    except (OSError, smtplib.SMTPException) as exc:
        _smtp_close()  # the next mail starts on a new connection
        final = mail.attempts >= MAX_ATTEMPTS
        Mail.objects.filter(pk=mail_id).update(
            status=Mail.Status.FAILED if final else Mail.Status.QUEUED,
            last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
        )
        if final:
            return "failed"
        raise MailDeliveryError(str(exc)) from exc
    Mail.objects.filter(pk=mail_id).update(
        status=Mail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _smtp_connection():
    """This thread's SMTP connection if it was used within SMTP_REUSE_SECONDS, with the same
    settings, and answers a NOOP; else a new one. None for other backends (Django then opens one
    per message). Exactly-once is untouched: each mail is its own SMTP transaction, claimed before
    and marked sent after, as with a connection of its own."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return None
    key = (settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)
    key += (settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL)
    backend = getattr(_smtp, "backend", None)
    if backend is not None:
        recent = _smtp.key == key and time.monotonic() - _smtp.used < SMTP_REUSE_SECONDS
        if not (recent and _smtp_noop(backend)):
            _smtp_close()
            backend = None
    if backend is None:
        backend = get_connection(SMTP_BACKEND)
        backend.open()
        _smtp.backend, _smtp.key = backend, key
    _smtp.used = time.monotonic()
    return backend


def _smtp_noop(backend) -> bool:
    try:
        return backend.connection is not None and backend.connection.noop()[0] == 250
    except (OSError, smtplib.SMTPException):
        return False


def _smtp_close() -> None:
    backend, _smtp.backend = getattr(_smtp, "backend", None), None
    if backend is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            backend.close()


def mails_recover(*, now=None, stuck_after_minutes: int = 10, lost_after_minutes: int = 5) -> int:
    """Beat: a mail whose dispatch was lost (broker down at commit) is dispatched again; one
    claimed by a worker that died is put back in the queue. Returns how many were dispatched."""
    now = now or timezone.now()
    Mail.objects.filter(
        status=Mail.Status.SENDING,
        claimed_at__lt=now - timedelta(minutes=stuck_after_minutes),
    ).update(status=Mail.Status.QUEUED)
    ids = list(
        Mail.objects.filter(
            status=Mail.Status.QUEUED,
            created_at__lt=now - timedelta(minutes=lost_after_minutes),
        ).values_list("pk", flat=True)[:1000]
    )
    for mail_id in ids:
        _dispatch_after_commit(mail_id)
    return len(ids)


@transaction.atomic
def mail_resend(*, mail: Mail) -> Mail:
    """A coordinator's resend: a failed mail is queued again; a sent one is sent again as a copy."""
    if mail.status == Mail.Status.FAILED:
        Mail.objects.filter(pk=mail.pk).update(status=Mail.Status.QUEUED, attempts=0)
        _dispatch_after_commit(mail.pk)
        return mail
    copy = Mail.objects.create(
        template=mail.template,
        to=mail.to,
        subject=mail.subject,
        body_text=mail.body_text,
        body_html=mail.body_html,
        attachments=mail.attachments,
    )
    _dispatch_after_commit(copy.pk)
    return copy
