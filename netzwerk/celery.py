import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netzwerk.settings")

app = Celery("netzwerk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _drop_broken_connections(task=None, **kwargs) -> None:
    """What Django does before each request, before each task: a connection that broke (a
    restart of PostgreSQL) or outlived CONN_MAX_AGE is closed, so the task opens a new one.
    Without this a worker keeps the dead connection for CELERY_DB_REUSE_MAX tasks, each failing.
    Not for a task run in-process (eager): it runs inside the caller's transaction."""
    from django.db import connections

    if task is None or getattr(task.request, "is_eager", False):
        return
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
