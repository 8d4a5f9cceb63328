"""Thin tasks: take ids, load rows, call a service."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from . import mail

HEARTBEAT_KEY = "netzwerk:heartbeat"


@shared_task(
    autoretry_for=(mail.MailDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=mail.MAX_ATTEMPTS,
    acks_late=True,
)
def send_mail(*, mail_id: int) -> str:
    return mail.mail_deliver(mail_id=mail_id)


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
