"""Debian's chromium, driven by Playwright (which cannot download its own browser here)."""

import os
import time
from pathlib import Path

import pytest
from django.test import Client

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Kein Chromium unter {CHROMIUM} (Debian: apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets the test inject axe-core; the portal's own pages never need it.
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login_as(page, live_server):
    """Put a session of this user into the browser, as if they had logged in."""

    def login(user) -> None:
        page.context.clear_cookies()
        if user is None:
            return
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )

    return login


@pytest.fixture
def axe(page):
    """Run axe-core (WCAG 2.2 A and AA, with the target-size rule) on the current page; return
    the violations.

    A click returns once the navigation it starts has been requested, not once the next page is
    there: axe waits for a navigation of the main frame that has started and not yet loaded, so
    it checks the page the click leads to and is not injected into a document being replaced."""
    if not AXE.exists():
        pytest.skip("axe-core fehlt (npm ci im Projektordner).")
    from playwright.sync_api import Error as PlaywrightError

    unterwegs = []  # the main frame's navigation requests since its last load

    def gestartet(request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            unterwegs.append(request)

    def beantwortet(response) -> None:
        if response.request in unterwegs and response.status in (204, 205):
            unterwegs.remove(response.request)  # no new document comes

    def gescheitert(request) -> None:
        if request in unterwegs:
            unterwegs.remove(request)

    page.on("request", gestartet)
    page.on("response", beantwortet)
    page.on("requestfailed", gescheitert)
    page.on("load", lambda _page: unterwegs.clear())
    page.on("download", lambda _download: unterwegs.clear())

    def check() -> list[str]:
        versuche = 3
        while True:
            if unterwegs:  # a page that does not load in time is a failure, not a skip
                with page.expect_event("load", timeout=15_000):
                    pass
            page.wait_for_load_state("load")
            adresse = page.url
            try:
                violations = _axe_run()
            except PlaywrightError as error:
                # The document went away under the script: a navigation was still on its way.
                versuche -= 1
                if not versuche or not any(
                    text in str(error)
                    for text in ("Execution context was destroyed", "reading 'appendChild'")
                ):
                    raise
                continue
            if not (unterwegs or page.url != adresse):
                return violations
            # A navigation began while axe ran: check the page it leads to.
            versuche -= 1
            assert versuche, f"axe: die Seite wechselt ständig ({adresse} -> {page.url})"

    def _axe_run() -> list[str]:
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => {
                const result = await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
                    rules: {'target-size': {enabled: true}}, resultTypes: ['violations']});
                return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} -> ` +
                    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
            }"""
        )
        return [f"{page.url}: {v}" for v in violations]

    return check


def pytest_configure(config):
    # The crawl of every page (test_crawl.py) takes minutes: `-m crawl` runs it alone,
    # `-m "not crawl"` leaves it out.
    config.addinivalue_line("markers", "crawl: the slow crawl of every page with axe and vnu")


def totp_code(secret: str) -> str:
    """The current TOTP code of `secret`, as an authenticator app shows it; waits for the next
    30-second window when this one is about to end, so the code is still valid when sent."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if 30 - time.time() % 30 < 4:
        time.sleep(30 - time.time() % 30 + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
