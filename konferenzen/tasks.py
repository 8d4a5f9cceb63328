"""Thin tasks: take ids, load rows, call a service."""

from celery import shared_task

from . import einladungen, services


@shared_task(acks_late=True)
def send_versand(*, versand_id: int) -> int:
    """Put a run of invitations or reminders into the outbox (again safe: done rows are skipped)."""
    return einladungen.versand_run(versand_id=versand_id)


@shared_task
def send_reminders() -> int:
    """Celery beat: the reminder before an event's start, once per event."""
    return services.reminders_send()
