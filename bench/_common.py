"""What the benchmarks share: a database of their own, Django as in production, and a timer.

from _common import prepare, timed   (bench/ is on sys.path when a script there runs)
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(database: str) -> None:
    """Point DATABASE_URL at `database` on the same PostgreSQL server and set Django up: DEBUG on
    only for static files, templates rendered as in production, tasks in-process."""
    sys.path.insert(0, str(ROOT))
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("Bitte DATABASE_URL auf PostgreSQL setzen.")
    os.environ["DATABASE_URL"] = base_url.rsplit("/", 1)[0] + "/" + database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netzwerk.settings")
    os.environ["DEBUG"] = "true"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)

    import django

    django.setup()
    from django.template import engines

    engines["django"].engine.debug = False


def fresh_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("ensure_database")
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)


def timed(client, url: str, requests: int) -> tuple[float, float, int]:
    """Median and p95 in ms over `requests` GETs after a warm-up, and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    queries = len(captured)  # now: the next request empties the log
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


class _Zurueck(Exception):
    """Raised to roll a measured step back."""


def rolled_back_ms(step, runs: int) -> float:
    """Median in ms of `runs` runs of `step`, each in a transaction that is rolled back, so every
    run starts from the same rows."""
    from django.db import transaction

    times = []
    for _ in range(runs):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                step()
                times.append((time.perf_counter() - start) * 1000)
                raise _Zurueck
        except _Zurueck:
            pass
    return statistics.median(times)
