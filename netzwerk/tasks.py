"""Thin tasks: take ids, load rows, call a service. The concept documents' and the reports' own
tasks are in netzwerk/konzepte/tasks.py and netzwerk/berichte/tasks.py."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import datenschutz, mail

HEARTBEAT_KEY = "netzwerk:heartbeat"
# Seconds; must stay below the Redis transport's visibility_timeout (1 hour by default), or a
# retry waiting for its countdown is delivered a second time (harmless: the claim skips it).
MAIL_RETRY_BACKOFF_MAX = 1800


@shared_task(bind=True, max_retries=mail.MAX_ATTEMPTS, acks_late=True)
def send_mail(self, *, mail_id: int) -> str:
    try:
        return mail.mail_deliver(mail_id=mail_id)
    except mail.MailDeliveryError as exc:
        # Celery's retry_backoff, but with the factor read when the retry happens (a decorator
        # argument is fixed at import): a random wait of up to 30 s, 60 s, 120 s, 240 s (capped
        # at MAIL_RETRY_BACKOFF_MAX). Tests of a real worker set MAIL_RETRY_BACKOFF to 0.
        countdown = get_exponential_backoff_interval(
            factor=settings.MAIL_RETRY_BACKOFF,
            retries=self.request.retries,
            maximum=MAIL_RETRY_BACKOFF_MAX,
            full_jitter=True,
        )
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task
def recover_mails() -> int:
    """Celery beat: lost dispatches and mails of dead workers go out after all."""
    return mail.mails_recover()


@shared_task
def heartbeat() -> str:
    """Celery beat runs this every minute; /healthz shows when a worker last did."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=600)
    return now


@shared_task
def apply_fristen() -> dict:
    """Celery beat, daily: every retention period of the registry (netzwerk.datenschutz)."""
    return datenschutz.fristen_apply(timezone.now())
