"""Thin tasks: take ids, load rows, call a service."""

from celery import shared_task
from django.db import OperationalError

from . import einladungen, einlass, services
from .models import Versand


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_versand(*, versand_id: int) -> int:
    """Put a run of invitations or reminders into the outbox. Safe to run again (done rows are
    skipped), so a lost connection retries; a run whose event was deleted meanwhile is no more."""
    try:
        return einladungen.versand_run(versand_id=versand_id)
    except Versand.DoesNotExist:
        return 0


@shared_task
def recover_versande() -> int:
    """Celery beat: runs of invitations whose task was lost are started again."""
    return einladungen.versande_recover()


@shared_task
def send_reminders() -> int:
    """Celery beat: the reminder before an event's start, once per event."""
    return services.reminders_send()


@shared_task(acks_late=True)
def render_druck(*, druck_id: int) -> str:
    """A PDF to print, rendered out of the request (WeasyPrint takes seconds for 250 badges)."""
    return einlass.druck_render(druck_id=druck_id)
