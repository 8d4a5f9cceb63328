"""Thin tasks: take ids, load rows, call a service."""

from celery import shared_task

from . import services


@shared_task
def send_digests() -> int:
    """Celery beat: the weekly digest to members who opted in."""
    return services.digests_send()


@shared_task
def cleanup_interessen() -> int:
    """Celery beat, daily: unconfirmed interest older than its confirmation link is deleted."""
    return services.interessen_cleanup()
