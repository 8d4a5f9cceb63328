"""Thin tasks: take ids, load rows, call a service."""

from celery import shared_task

from . import services


@shared_task
def send_digests() -> int:
    """Celery beat: the weekly digest to members who opted in."""
    return services.digests_send()
