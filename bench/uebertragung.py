"""What a page costs on the wire: bytes the browser receives on the first and on a repeat load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netzwerk .venv/bin/python bench/uebertragung.py

Uses a fresh database netzwerk_bench_uebertragung with the demo network (manage.py demo_data).
gunicorn serves the portal as in production (DEBUG off, static files collected into a temporary
directory by whitenoise's compressed manifest storage), over plain HTTP without the TLS proxy.
Debian's chromium (Playwright) opens each page twice in a browser context of its own: first with
an empty cache, then again in the same context, as a visitor who comes back. Counted are the
bytes of every response as they came over the network (Chrome's encodedDataLength: headers and
the body as sent, compressed or not; a file from the browser's cache counts 0). Once as an
anonymous visitor, once as the demo coordinator (logged in with password and TOTP code).

Goal (issue 18): first load under 150 KB, repeat load under 20 KB. Prints a line per page and
role, then the static files of the start page with size, encoding and Cache-Control.
CHROMIUM=/path/to/chromium for another browser binary.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

from _common import PRODUKTION, ROOT, fresh_database, prepare, start_gunicorn, stop_gunicorn

sys.path.insert(0, str(ROOT))
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DATABASE = "netzwerk_bench_uebertragung"
ERSTES_ZIEL, WIEDER_ZIEL = 150 * 1024, 20 * 1024


def _production_env(tmp: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        PRODUKTION,
        LOG_LEVEL="WARNING",
        VAR_DIR=os.path.join(tmp, "var"),
        STATIC_ROOT=os.path.join(tmp, "static"),
    )
    return env


class Netzmitschnitt:
    """Chrome's own count of each response's bytes on the wire (CDP Network domain)."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.requests: dict[str, dict] = {}
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.loadingFinished", self._finished)

    def _sent(self, event):
        entry = self.requests.setdefault(event["requestId"], {"bytes": 0})
        entry["url"] = event["request"]["url"]
        if "redirectResponse" in event:  # the redirect's own response, then the same id again
            entry["bytes"] += event["redirectResponse"].get("encodedDataLength", 0)

    def _response(self, event):
        entry = self.requests.setdefault(event["requestId"], {"bytes": 0})
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        entry.update(
            status=response["status"],
            encoding=headers.get("content-encoding", ""),
            cache_control=headers.get("cache-control", ""),
        )

    def _finished(self, event):
        entry = self.requests.setdefault(event["requestId"], {"bytes": 0})
        entry["bytes"] += event["encodedDataLength"]
        entry["finished"] = True

    def take(self) -> list[dict]:
        taken, self.requests = list(self.requests.values()), {}
        return taken


def load(page, mitschnitt: Netzmitschnitt, url: str) -> list[dict]:
    mitschnitt.take()
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, (url, response and response.status)
    return mitschnitt.take()


def measure(browser, base: str, label: str, path: str, storage_state=None) -> dict:
    """First load with an empty cache (a new context), then again in the same context."""
    context = browser.new_context(locale="de-DE", storage_state=storage_state)
    try:
        page = context.new_page()
        mitschnitt = Netzmitschnitt(page)
        first = load(page, mitschnitt, base + path)
        repeat = load(page, mitschnitt, base + path)
        head_scripts = page.evaluate(
            "() => Array.from(document.head.querySelectorAll('script[src]'))"
            ".filter(s => !s.defer && !s.async && s.type !== 'module').length"
        )
    finally:
        context.close()
    return {
        "label": label,
        "url": base + path,
        "first": first,
        "repeat": repeat,
        "blocking": head_scripts,
    }


def log_in(browser, base: str, email: str, password: str, secret: str | None) -> dict:
    """Log in through the forms, as a person does; the context's cookies for the next ones."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    context = browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{base}/konto/login/")
        page.get_by_label("E-Mail-Adresse").fill(email)
        page.get_by_label("Passwort").fill(password)
        page.get_by_role("button", name="Anmelden", exact=True).click()
        page.wait_for_load_state("networkidle")
        if secret and "/2fa/" in page.url:
            if 30 - time.time() % 30 < 4:
                time.sleep(30 - time.time() % 30 + 0.2)
            code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
            page.get_by_label("Code").fill(code)
            page.get_by_role("button", name="Anmelden", exact=True).click()
        page.wait_for_url("**/dashboard/")
        return context.storage_state()
    finally:
        context.close()


def _kb(n: int) -> str:
    return f"{n / 1024:6.1f} KB"


def report(r: dict) -> tuple[str, bool]:
    first, repeat = r["first"], r["repeat"]
    first_bytes = sum(e["bytes"] for e in first)
    repeat_bytes = sum(e["bytes"] for e in repeat)
    over_net = sum(1 for e in repeat if e["bytes"] > 0)
    html = next((e for e in first if e.get("url") == r["url"]), {})
    ok = first_bytes < ERSTES_ZIEL and repeat_bytes < WIEDER_ZIEL and r["blocking"] == 0
    line = (
        f"{r['label']:34} {len(first):>4} {_kb(first_bytes)} {len(repeat):>4} {over_net:>4} "
        f"{_kb(repeat_bytes)} {_kb(html.get('bytes', 0))} {html.get('encoding') or '-':>5} "
        f"{r['blocking']:>3}  {'ok' if ok else 'ZIEL VERFEHLT'}"
    )
    return line, ok


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="uebertragung-bench-")
    try:
        _main(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _main(tmp: str) -> None:
    env = _production_env(tmp)
    os.environ["VAR_DIR"] = env["VAR_DIR"]
    os.environ["EMAIL_URL"] = "dummymail://"  # demo_data's invitations, not on the console
    prepare(DATABASE)  # DEBUG on in this process: demo_data refuses to run in production
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from konferenzen.models import Veranstaltung
    from netzwerk.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_email

    fresh_database()
    call_command("demo_data", quiet=True)
    event = (
        Veranstaltung.objects.filter(visibility="public", start__gte=timezone.now())
        .order_by("start")
        .first()
    ) or Veranstaltung.objects.filter(visibility="public").order_by("-start").first()
    pages = [
        ("Startseite", reverse("netzwerk:home")),
        ("Familienwegweiser", reverse("wegweiser:angebot-list")),
        ("Angebote", reverse("akteure:angebot-list")),
        ("Foren", reverse("foren:forum-list")),
        ("Veranstaltung", event.get_absolute_url()),
        ("Anmelden", reverse("account_login")),
    ]
    coordinator_pages = [p for p in pages if p[0] != "Anmelden"]
    coordinator_pages.append(("Übersicht", reverse("netzwerk:dashboard")))

    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if collected.returncode:
        sys.exit(f"collectstatic:\n{collected.stderr[-3000:]}")

    from playwright.sync_api import sync_playwright

    log = tempfile.NamedTemporaryFile("w+", prefix="uebertragung-bench-gunicorn-", suffix=".log")
    server, port = start_gunicorn(["--workers", "2"], env, log)
    # localhost, not 127.0.0.1: production's cookies are Secure, which Chrome keeps over plain
    # HTTP for localhost only.
    base = f"http://localhost:{port}"
    results, failed = [], False
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            for label, path in pages:
                results.append(measure(browser, base, f"{label} (anonym)", path))
            state = log_in(
                browser, base, demo_email("koordination"), DEMO_PASSWORD, DEMO_TOTP_SECRET
            )
            for label, path in coordinator_pages:
                results.append(measure(browser, base, f"{label} (Koordination)", path, state))
            version = browser.version
            browser.close()
    finally:
        stop_gunicorn(server)

    print(
        f"Übertragung je Seite: gunicorn (2 Worker, DEBUG aus, whitenoise), HTTP ohne TLS-Proxy, "
        f"Demo-Daten; Chromium {version}. Erstes Laden mit leerem Cache, dann dieselbe Seite "
        f"noch einmal im selben Browser. Ziel: erstes Laden < 150 KB, wiederholt < 20 KB, kein "
        f"blockierendes Skript im <head>."
    )
    print(
        f"{'Seite':34} {'Anfr':>4} {'erstes':>9} {'Anfr':>4} {'Netz':>4} {'wiederholt':>9} "
        f"{'HTML':>9} {'Kodg':>5} {'Blk':>3}"
    )
    for r in results:
        line, ok = report(r)
        failed = failed or not ok
        print(line)
    print("\nDateien der Startseite (anonym, erstes Laden):")
    for e in sorted(results[0]["first"], key=lambda e: -e["bytes"]):
        name = e.get("url", "?").replace(base, "")
        print(
            f"  {name[:70]:70} {_kb(e['bytes'])} {e.get('encoding') or '-':>5}  "
            f"{e.get('cache_control') or '-'}"
        )
    if failed:
        log.seek(0)
        print(f"gunicorn-Log (Ende):\n{log.read()[-2000:]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
