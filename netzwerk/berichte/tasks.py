"""Thin tasks: take ids, load rows, call a service."""

from celery import shared_task

from . import services


# The name from before the reports had their own tasks: services.py dispatches by it, and stored
# results refer to it.
@shared_task(name="netzwerk.tasks.render_bericht")
def render_bericht(*, bericht_id: int) -> str:
    """No automatic retry: a report that fails shows its error, and a person starts it again."""
    return services.bericht_render(bericht_id=bericht_id)
