#!/usr/bin/env python3
"""The two README commands, with nothing but Python 3.11+ installed.

    python3 scripts/portal.py start   # set up on first use, demo data, serve, print URL and logins
    python3 scripts/portal.py test    # set up on first use, lint, whole test suite
    python3 scripts/portal.py totp    # current two-factor code of the demo coordinator

Standard library only: this file runs before the virtualenv exists.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".requirements.sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def say(text: str) -> None:
    print(f"[portal] {text}", flush=True)


def run(*cmd: str | Path, env: dict | None = None) -> None:
    subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env, check=True)


def ensure_venv() -> None:
    """Create .venv and install the locked requirements; again only when the lock changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - a clear message for an older python3
        sys.exit(f"Python 3.11 oder neuer wird benötigt (gefunden: {sys.version.split()[0]}).")
    if not PYTHON.exists():
        say(f"Lege die virtuelle Umgebung an: {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    say("Installiere die festgelegten Pakete (requirements.lock) ...")
    started = time.monotonic()
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", LOCK)
    STAMP.write_text(digest)
    say(f"Pakete installiert in {time.monotonic() - started:.0f} s.")


def manage(*args: str, env: dict | None = None) -> None:
    run(PYTHON, "manage.py", *args, env=env)


def broker_configured() -> bool:
    return bool(os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL"))


def cmd_start(args: argparse.Namespace) -> int:
    # The settings run in production mode unless told otherwise: this command is for development
    # and the demo, so it says so (an explicit DEBUG=false in the environment wins).
    os.environ.setdefault("DEBUG", "true")
    ensure_venv()
    manage("ensure_database")
    manage("migrate", "--noinput", "-v", "0")
    manage("demo_data", "--quiet")  # idempotent: the same demo network on every start
    children: list[subprocess.Popen] = []
    if broker_configured():
        say("Broker konfiguriert: starte Celery-Worker und Celery-Beat.")
        celery = str(BIN / "celery")
        children.append(
            subprocess.Popen(
                [celery, "-A", "netzwerk", "worker", "-l", "info", "--concurrency", "2"], cwd=ROOT
            )
        )
        children.append(
            subprocess.Popen([celery, "-A", "netzwerk", "beat", "-l", "info"], cwd=ROOT)
        )
    else:
        say("Kein Broker konfiguriert: Hintergrundaufgaben laufen im Webprozess.")
    # With the autoreloader: a code change (a git pull) restarts the server, never half-old code.
    server = subprocess.Popen(
        [str(PYTHON), "manage.py", "runserver", f"{args.host}:{args.port}"], cwd=ROOT
    )
    url = f"http://{args.host}:{args.port}/"
    try:
        if wait_until_up(url, server):
            print_banner(url)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in [server, *children]:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in [server, *children]:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2):
                return True
        except urllib.error.HTTPError as exc:  # it answers, though unhealthy (broker down?)
            say(f"Das Portal läuft, meldet aber einen Fehler ({exc.code}): siehe {url}healthz")
            return True
        except OSError:
            time.sleep(0.3)
    return False


def print_banner(url: str) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    database = database_url.split("://")[0] if database_url else "SQLite unter var/"
    logins = subprocess.run(
        [str(PYTHON), "manage.py", "demo_logins"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(flush=True)
    print("  " + "=" * 76)
    print(f"  Netzwerkportal läuft: {url}")
    print(f"  Datenbank: {database}. Beenden mit Strg+C.")
    print("  " + logins.replace("\n", "\n  "))
    print("  " + "=" * 76, flush=True)


def ensure_axe() -> None:
    """axe-core and the W3C Nu HTML Checker for the accessibility tests, from npm (test tooling
    only; the checker runs on Java)."""
    if AXE.exists() and VNU.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        say("npm fehlt: die Tests mit axe-core und dem Nu HTML Checker werden übersprungen.")
        return
    say("Installiere axe-core und den Nu HTML Checker (npm ci) für die Barrierefreiheitstests ...")
    run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")


def cmd_test(args: argparse.Namespace) -> int:
    ensure_venv()
    ensure_axe()
    ruff = str(BIN / "ruff")
    say("ruff check und ruff format --check ...")
    lint = subprocess.run([ruff, "check", "."], cwd=ROOT).returncode
    lint |= subprocess.run([ruff, "format", "--check", "."], cwd=ROOT).returncode
    if lint:
        say("Lint meldet Fehler (siehe oben).")
        return lint
    extra = list(args.pytest_args)
    if not any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in extra):
        # pytest-xdist: a worker more than cores (the browser tests and the live servers wait
        # on each other, a core stays half idle with one worker each), at most four, each with
        # its own test database; the crawl and the tests that start real Celery workers share
        # one worker, in turn (xdist_group "seriell").
        workers = min((os.cpu_count() or 1) + 1, 4)
        extra = ["-n", str(workers), "--dist", "loadgroup", *extra]
    say(f"pytest {' '.join(extra)} ...")
    # pytest's own exit code goes through unchanged: 5 ("no tests collected") is a failure too.
    return subprocess.run([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT).returncode


def cmd_totp(args: argparse.Namespace) -> int:
    os.environ.setdefault("DEBUG", "true")
    ensure_venv()
    manage("demo_totp")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="Portal mit Demo-Daten starten")
    start.add_argument("--host", default=os.environ.get("PORTAL_HOST", "127.0.0.1"))
    start.add_argument("--port", default=os.environ.get("PORTAL_PORT", "8000"))
    start.set_defaults(func=cmd_start)
    test = sub.add_parser("test", help="Lint und alle Tests; weitere Argumente gehen an pytest")
    test.set_defaults(func=cmd_test)
    totp = sub.add_parser("totp", help="TOTP-Code des Demo-Koordinationszugangs")
    totp.set_defaults(func=cmd_totp)
    args, extra = parser.parse_known_args()
    if extra and args.command != "test":
        parser.error(f"unbekannte Argumente: {' '.join(extra)}")
    args.pytest_args = extra
    try:
        return args.func(args)
    except subprocess.CalledProcessError as exc:
        say(f"Abgebrochen: {' '.join(map(str, exc.cmd))} endete mit {exc.returncode}.")
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
