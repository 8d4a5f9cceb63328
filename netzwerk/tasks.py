"""Thin tasks: take ids, load rows, call a service. The concept documents' and the reports' own
tasks are in netzwerk/konzepte/tasks.py and netzwerk/berichte/tasks.py."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import datenschutz, mail

HEARTBEAT_KEY = "netzwerk:heartbeat"


@shared_task(bind=True, max_retries=mail.MAX_ATTEMPTS, acks_late=True)
def send_mail(self, *, mail_id: int) -> str:
    """Sends this mail and what else is due, up to MAIL_BATCH over one connection."""
    mail.wake_taken()  # before claiming: a mail committed from now on wakes a worker again
    queue = (self.request.delivery_info or {}).get("routing_key")
    try:
        return mail.mail_deliver(
            mail_id=mail_id,
            batch=settings.MAIL_BATCH,
            on_full=lambda: mail.wake_another(
                mail_id, send=lambda: self.apply_async(kwargs={"mail_id": mail_id}, queue=queue)
            ),
        )
    except mail.MailDeliveryError as exc:
        raise self.retry(exc=exc, countdown=exc.countdown) from exc


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
