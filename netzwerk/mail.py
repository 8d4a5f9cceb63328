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

import redis
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from .celery import app, task_delay
from .models import Mail, User

logger = logging.getLogger(__name__)

# Eight attempts, the waits doubling from MAIL_RETRY_BACKOFF up to 30 minutes: a mail survives
# an SMTP outage of about an hour before it is marked failed for a coordinator to resend.
MAX_ATTEMPTS = 8
# Seconds; must stay below the Redis transport's visibility_timeout (1 hour by default), or a
# retry waiting for its countdown is delivered a second time (harmless: the claim skips it).
MAIL_RETRY_BACKOFF_MAX = 1800
# Mails of a batch marked "sent" with one UPDATE (see mail_deliver).
MAIL_SENT_EVERY = 10
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# The next mail goes over the same SMTP connection if it follows within this many seconds; a new
# connection per mail costs connect, greeting, EHLO, STARTTLS, login and QUIT. (A server keeps an
# idle connection for minutes, RFC 5321 4.5.3.2.7; a NOOP checks it before each reuse.)
SMTP_REUSE_SECONDS = 10
_smtp = threading.local()  # per worker process (prefork), per thread (threads pool, tests)
# Seconds the flag "a wake-up is on its way" lives at most: should the task be lost (its worker
# killed), the next commit after that wakes a worker again (beat's mails_recover anyway).
WAKE_SECONDS = 30
_wake = threading.local()


class MailDeliveryError(Exception):
    """A temporary failure; the task retries after `countdown` seconds (the failed mail's
    retry_at: batches of other tasks leave it alone until then)."""

    def __init__(self, message: str, *, countdown: float = 0):
        super().__init__(message)
        self.countdown = countdown


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


def _dispatch(mail_id: int, *, coalesce: bool = True, send=None) -> None:
    """The broker only wakes a worker: if it is unreachable (Redis restarting), the committed row
    stays queued and mails_recover dispatches it again; the request that wrote it succeeds.

    With a Redis broker, commits that follow each other share one wake-up: a task already on
    its way claims their mails too (the first thing it does is to take the flag back, then it
    claims), so a mailing of thousands of one-mail transactions is a few dozen tasks, not
    thousands of tasks that find nothing left to do."""
    flag = _wake_flag() if coalesce else None
    if flag is not None:
        client, key = flag
        try:
            if not client.set(key, mail_id, nx=True, ex=WAKE_SECONDS):
                return  # a wake-up is on its way and has not claimed yet
        except RedisError as exc:
            logger.warning("Weckruf-Merker nicht erreichbar, Mail %s einzeln: %s", mail_id, exc)
    try:
        if send is not None:
            send()
        else:
            task_delay("netzwerk.tasks.send_mail", mail_id=mail_id)
    except (BrokerOperationalError, RedisConnectionError) as exc:
        logger.warning("Broker nicht erreichbar, Mail %s wartet auf die Nachlese: %s", mail_id, exc)
        if flag is not None:  # no wake-up is on its way: the next commit must send one
            with contextlib.suppress(RedisError):
                flag[0].delete(flag[1])


def _wake_flag():
    """(Redis client, key) of the flag "a wake-up is on its way", or None when tasks run in this
    process (no broker: every commit sends its mails itself). Per database, so test databases
    sharing one Redis do not share the flag."""
    if app.conf.task_always_eager or not str(app.conf.broker_url).startswith("redis"):
        return None
    url = str(app.conf.broker_url)
    if getattr(_wake, "url", None) != url:
        _wake.client, _wake.url = redis.Redis.from_url(url, socket_timeout=2), url
    return _wake.client, f"netzwerk:postausgang:geweckt:{connection.settings_dict['NAME']}"


def wake_taken() -> None:
    """A send task has started: the next commit must wake a worker again."""
    flag = _wake_flag()
    if flag is not None:
        with contextlib.suppress(RedisError):
            flag[0].delete(flag[1])


def wake_another(mail_id: int, send) -> None:
    """A task claimed a full batch, so more may be due: wake another worker to claim the next
    one while this one sends (only needed where wake-ups are shared). `send` publishes the task
    (to the queue the running one came from)."""
    if _wake_flag() is not None:
        _dispatch(mail_id, send=send)


def mail_deliver(*, mail_id: int, batch: int = 1, on_full=None) -> str:
    """Send a queued mail, and with `batch` > 1 up to batch - 1 more that are due, over one SMTP
    connection: the task a commit dispatches takes what has queued up meanwhile, so a mailing of
    thousands costs a few dozen task runs, not thousands. Returns what became of `mail_id`: "sent",
    "skipped" (not queued: sent, sending, failed, or taken by another worker's batch), "failed"
    (for good); MailDeliveryError (with .countdown) when a mail of the batch is to be retried.

    Claiming is one UPDATE ... RETURNING over the rows a SELECT ... FOR UPDATE SKIP LOCKED picked,
    so workers sharing the queue take disjoint batches without waiting for each other. "Sent" is
    written for MAIL_SENT_EVERY mails at a time (and for the rest of the batch at its end or at an
    error): an UPDATE per mail halved the rate (bench/outbox.py). The price, should a worker be
    killed (SIGKILL, out of memory; a warm shutdown finishes its task): up to MAIL_SENT_EVERY
    mails accepted by the server but still "sending" go out a second time after mails_recover,
    with the same Message-ID. `on_full` is called when the claim took a full batch, before
    sending (netzwerk.tasks.send_mail wakes another worker with it)."""
    ids = _claim(mail_id, batch)
    if not ids:
        return "skipped"
    if on_full is not None and len(ids) >= batch:
        on_full()
    mails = sorted(Mail.objects.filter(pk__in=ids), key=lambda m: (m.created_at, m.pk))
    result = "sent" if mail_id in ids else "skipped"
    sent: list[int] = []

    def mark_sent() -> None:
        if sent:
            Mail.objects.filter(pk__in=sent).update(
                status=Mail.Status.SENT, sent_at=timezone.now(), last_error="", retry_at=None
            )
            sent.clear()

    for index, mail in enumerate(mails):
        try:
            message = _message(mail)
            message.connection = _smtp_connection(check=index == 0)
            message.send()
        except (OSError, smtplib.SMTPException) as exc:
            _smtp_close()  # the next attempt starts on a new connection
            mark_sent()
            untried = [m.pk for m in mails[index + 1 :]]
            Mail.objects.filter(pk__in=untried).update(  # as if never claimed
                status=Mail.Status.QUEUED, attempts=F("attempts") - 1, claimed_at=None
            )
            final = mail.attempts >= MAX_ATTEMPTS
            countdown = retry_countdown(mail.attempts)
            Mail.objects.filter(pk=mail.pk).update(
                status=Mail.Status.FAILED if final else Mail.Status.QUEUED,
                last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
                retry_at=None if final else timezone.now() + timedelta(seconds=countdown),
            )
            if final and not untried:
                return "failed" if mail.pk == mail_id else result
            raise MailDeliveryError(str(exc), countdown=0 if final else countdown) from exc
        sent.append(mail.pk)
        if len(sent) >= MAIL_SENT_EVERY:
            mark_sent()
    mark_sent()
    return result


def retry_countdown(attempts: int) -> float:
    """Seconds until a mail's next attempt: Celery's retry_backoff with full jitter, a random
    wait of up to 30 s, 60 s, 120 s ... (MAIL_RETRY_BACKOFF, read now: tests of a real worker set
    it to 0), capped at MAIL_RETRY_BACKOFF_MAX."""
    return get_exponential_backoff_interval(
        factor=settings.MAIL_RETRY_BACKOFF,
        retries=max(attempts - 1, 0),
        maximum=MAIL_RETRY_BACKOFF_MAX,
        full_jitter=True,
    )


def _claim(mail_id: int, batch: int) -> list[int]:
    """Mark `mail_id` (if still queued) and up to batch - 1 other queued mails that are due as
    "sending", in one statement; the rows another worker has locked are skipped, not waited for.
    Oldest first, so a mailing goes out in the order it was written. The outer status condition
    is checked again on a row another transaction changed meanwhile (without SKIP LOCKED, as on
    SQLite, a row is then not claimed twice)."""
    table = connection.ops.quote_name(Mail._meta.db_table)
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            # The pick as a materialised CTE: inside "id IN (subquery)" PostgreSQL may run the
            # subquery again per row and claim more than `batch` (tests/netzwerk/
            # test_outbox_stapel.py caught twelve for ten).
            f"WITH picked AS MATERIALIZED (SELECT id FROM {table} WHERE status = %s "
            f"AND (id = %s OR retry_at IS NULL OR retry_at <= %s) "
            f"ORDER BY CASE WHEN id = %s THEN 0 ELSE 1 END, created_at, id LIMIT %s{lock}) "
            f"UPDATE {table} SET status = %s, attempts = attempts + 1, claimed_at = %s "
            f"WHERE status = %s AND id IN (SELECT id FROM picked) RETURNING id",
            [Mail.Status.QUEUED, mail_id, now, mail_id, max(batch, 1)]
            + [Mail.Status.SENDING, now, Mail.Status.QUEUED],
        )
        return [row[0] for row in cursor.fetchall()]


def _message(mail: Mail) -> EmailMultiAlternatives:
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
    return message


def _smtp_connection(*, check: bool = True):
    """This thread's SMTP connection if it was used within SMTP_REUSE_SECONDS, with the same
    settings, and answers a NOOP (asked once per batch: `check`); else a new one. None for other
    backends (Django then opens one per message). Exactly-once is untouched: each mail is its own
    SMTP transaction, claimed before and marked sent after, as with a connection of its own."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return None
    key = (settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)
    key += (settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL)
    backend = getattr(_smtp, "backend", None)
    if backend is not None:
        recent = _smtp.key == key and time.monotonic() - _smtp.used < SMTP_REUSE_SECONDS
        if not (recent and (not check or _smtp_noop(backend))):
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
            Q(retry_at__isnull=True) | Q(retry_at__lte=now),
            status=Mail.Status.QUEUED,
            created_at__lt=now - timedelta(minutes=lost_after_minutes),
        ).values_list("pk", flat=True)[:1000]
    )
    for mail_id in ids[:: settings.MAIL_BATCH]:  # a task claims a batch of them
        transaction.on_commit(lambda mail_id=mail_id: _dispatch(mail_id, coalesce=False))
    return len(ids)


@transaction.atomic
def mail_resend(*, mail: Mail) -> Mail:
    """A coordinator's resend: a failed mail is queued again; a sent one is sent again as a copy."""
    if mail.status == Mail.Status.FAILED:
        Mail.objects.filter(pk=mail.pk).update(status=Mail.Status.QUEUED, attempts=0, retry_at=None)
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
