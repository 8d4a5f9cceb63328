import os

from celery import Celery
from celery.result import AsyncResult
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netzwerk.settings")

app = Celery("netzwerk")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Django names only the apps; the concept documents and reports are packages inside netzwerk,
# each with its own tasks module.
TASK_SUBPACKAGES = ["netzwerk.konzepte", "netzwerk.berichte"]
app.autodiscover_tasks()
app.autodiscover_tasks(TASK_SUBPACKAGES)


def task_delay(name: str, **kwargs) -> AsyncResult:
    """Start a task by its registered name: a service dispatches its own task this way, so it
    need not import the tasks module that imports it. An in-process (eager) run needs the task
    in this process's registry, so the first unknown name imports every app's tasks, as a
    worker does at its start; a name unknown even then is a typo and raises KeyError (never a
    message to the broker that no worker understands)."""
    if name not in app.tasks:
        app.autodiscover_tasks(force=True)
        app.autodiscover_tasks(TASK_SUBPACKAGES, force=True)
    return app.tasks[name].delay(**kwargs)


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
