"""Debian's chromium, driven by Playwright (which cannot download its own browser here)."""

import os
import time
from pathlib import Path

import pytest
from django.test import Client

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

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
    the violations."""
    if not AXE.exists():
        pytest.skip("axe-core fehlt (npm ci im Projektordner).")

    def check() -> list[str]:
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
