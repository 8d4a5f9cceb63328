"""What the benchmarks share: a database of their own, Django as in production, and a timer.

from _common import prepare, timed   (bench/ is on sys.path when a script there runs)
"""

import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Django as the production server runs it, for the benchmarks that start gunicorn or a worker.
PRODUKTION = {
    "DJANGO_SETTINGS_MODULE": "netzwerk.settings",
    "DEBUG": "false",
    "SECRET_KEY": "nur-fuer-den-benchmark",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    # Plain HTTP: in production the TLS proxy in front answers http:// with a redirect.
    "SECURE_SSL_REDIRECT": "false",
}


def start_gunicorn(optionen: list[str], env: dict, log) -> tuple[subprocess.Popen, int]:
    """gunicorn serving the portal on a free port of 127.0.0.1 with `optionen` (workers,
    threads), as a process group of its own, once /healthz answers 200; exits with the end of
    its log (`log`, a temporary file) if it has not started within 60 s. Returns it and the
    port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "netzwerk.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", *optionen]
        + ["--no-control-socket", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            sys.exit(f"gunicorn startet nicht:\n{log.read()[-3000:]}")
        time.sleep(0.2)
    return server, port


def stop_gunicorn(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def als_text(rows):
    """A baseline's answer: its rows as plain text, a line each (Django is set up by then)."""
    from django.http import HttpResponse

    return HttpResponse("\n".join(" | ".join(map(str, r)) for r in rows))


def gezeitet(teile: dict[str, float], name: str, original):
    """`original`, wrapped so that the seconds of each call (including one that raises) are
    added to teile[name]: to patch a module attribute and time the real calls."""

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            teile[name] = teile.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def p95(values: list[float]) -> float:
    """Nearest rank: with 5 runs the slowest, with 20 the 19th."""
    return sorted(values)[math.ceil(0.95 * len(values)) - 1]


def ziel(median: float, hoch: float, grenze: float, einheit: str = "s") -> str:
    """Whether median and p95 (`hoch`, both in seconds) are under `grenze` seconds, in words."""
    text = f"Ziel < {grenze * 1000:.0f} ms" if einheit == "ms" else f"Ziel < {grenze:.0f} s"
    if hoch < grenze:
        return f"{text}: erreicht (Median und p95)"
    if median < grenze:
        return f"{text}: Median erreicht, p95 verfehlt"
    return f"{text}: verfehlt"


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


def sizes() -> list[int]:
    """The data sizes a list benchmark runs at, as multiples of the county data (BENCH_SIZES,
    comma-separated; default 1,4,16): how a page's cost grows next to its baseline's."""
    return [int(s) for s in os.environ.get("BENCH_SIZES", "1,4,16").split(",") if s.strip()]


HEADER = (
    f"{'Seite':34} {'Größe':>5} {'p50':>8} {'p95':>8} {'Queries':>7} {'Basis p50':>9} "
    f"{'Basis p95':>9} {'Faktor':>6}"
)


def row(label: str, size: int, page: tuple, base: tuple, limit: float = 3.0) -> str:
    """One line of a page benchmark: `page` and `base` as returned by timed(); the factor is
    p95 over the baseline's p95, marked when it exceeds `limit`."""
    factor = page[1] / base[1]
    mark = "" if factor <= limit else "  <-- über " + f"{limit:g}x"
    return (
        f"{label:34} {size:>4}x {page[0]:6.1f}ms {page[1]:6.1f}ms {page[2]:7} {base[0]:7.1f}ms "
        f"{base[1]:7.1f}ms {factor:5.1f}x{mark}"
    )


class Messreihe:
    """The lines of a page benchmark over the sizes, printed as they come and once more at the
    end, and the check that no page needs more queries at a larger size."""

    def __init__(self, requests: int):
        self.requests, self.lines, self.queries = requests, [], {}

    def messen(self, label: str, size: int, client, url: str, base: str, base_client=None):
        page = timed(client, url, self.requests)
        self.zeile(label, size, page, timed(base_client or client, base, self.requests))
        return page

    def zeile(self, label: str, size: int, page: tuple, base: tuple) -> None:
        self.lines.append(row(label, size, page, base))
        print(self.lines[-1], flush=True)
        self.pruefen(label, size, page[2])

    def pruefen(self, key: str, size: int, queries: int) -> None:
        before = self.queries.setdefault(key, queries)
        assert queries <= before, f"{key}: {queries} Abfragen bei {size}x, vorher {before}"

    def zusammenfassung(self, je: str = "Seite") -> None:
        print()
        print(HEADER)
        print("\n".join(self.lines))
        print(f"Abfragen je {je} wachsen nicht mit der Größe (geprüft).")


def frisch_client():
    """A test client that asks for every page with the registry's cache stale (akteure.stand):
    what a page costs when it is drawn afresh, once a minute or after a write. The renewal (one
    cache write) is timed too. Made here, after prepare(): Django is set up by then."""
    from django.test import Client

    from akteure.stand import stand_erneuern

    class FrischClient(Client):
        def get(self, *args, **kwargs):
            stand_erneuern()
            return super().get(*args, **kwargs)

    return FrischClient()


def client_for(email: str, rolle: str, *, mfa: bool):
    """A signed-in test client for a new account of `rolle`; with `mfa` a staff account with
    TOTP set up, as the coordination's pages require."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.utils import timezone

    from netzwerk.models import User

    user = User.objects.create(email=email, approved_at=timezone.now(), is_staff=mfa)
    user.groups.add(Group.objects.get(name=rolle))
    if mfa:
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(user)
    return client


def verknuepfen(rng, offers, field: str, target: str, items: list, most: int) -> None:
    """Link each of `offers` to 1 to `most` of `items`, drawn by `rng`, through the many-to-many
    `field` of Angebot (`target`: the through table's column of the other side), in one bulk
    create."""
    from akteure.models import Angebot

    through = getattr(Angebot, field).through
    through.objects.bulk_create(
        through(angebot_id=o.pk, **{target: item.pk})
        for o in offers
        for item in rng.sample(items, rng.randint(1, most))
    )
