from celery import shared_task

from . import heft, services


@shared_task
def remind_stale_angebote() -> int:
    """Celery beat, daily: owners of offers not confirmed for a year get a reminder."""
    return services.angebote_remind_stale()


@shared_task(acks_late=True)
def run_import(*, import_id: int) -> None:
    services.import_run(import_id=import_id)


@shared_task
def render_wegweiserheft(*, heft_id: int) -> str:
    """No automatic retry: a booklet that fails shows its error, and a person starts it again."""
    return heft.heft_rendern(heft_id)
