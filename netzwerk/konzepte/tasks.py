"""Thin tasks: take ids, load rows, call a service."""

from celery import shared_task

from . import erinnerung


# The name from before the concepts had their own tasks: CELERY_BEAT_SCHEDULE and stored results
# refer to it.
@shared_task(name="netzwerk.tasks.remind_massnahmen")
def remind_massnahmen() -> int:
    """Celery beat, daily: owners of measures without a recent progress note are asked for one."""
    return erinnerung.massnahmen_erinnern()
