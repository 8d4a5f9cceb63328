import re

import pytest
from playwright.sync_api import expect

from tests.conftest import TOTP_SECRET
from tests.factories import PASSWORD

from .conftest import totp_code

pytestmark = pytest.mark.browser


def _current_code() -> str:
    return totp_code(TOTP_SECRET)


def test_a_coordinator_logs_in_with_password_and_totp_and_reaches_the_dashboard(
    page, live_server, welt, axe
):
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("koordination@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/konto/2fa/authenticate/")
    assert axe() == []
    page.get_by_label(re.compile(r"^\s*Code")).fill(_current_code())
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_role("heading", name="Koordination")).to_be_visible()
    page.get_by_role("button", name="Koordination").click()
    expect(page.get_by_role("link", name="Freigaben")).to_be_visible()


def test_a_wrong_totp_code_keeps_the_coordinator_out(page, live_server, welt):
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("koordination@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/konto/2fa/authenticate/")
    wrong = str((int(_current_code()) + 1) % 1_000_000).zfill(6)
    page.get_by_label(re.compile(r"^\s*Code")).fill(wrong)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page.locator(".fehleruebersicht").get_by_text("Falscher Code")).to_be_visible()
    assert "/konto/2fa/authenticate/" in page.url


def test_a_new_coordinator_is_led_to_set_up_totp_and_that_page_is_accessible(
    page, live_server, welt, axe
):
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("neu-koordination@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    # allauth asks for the password once more before a second factor may be added.
    page.wait_for_url("**/konto/reauthenticate/**")
    assert axe() == []
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url("**/konto/2fa/totp/activate/")
    expect(page.get_by_text("Authenticator").first).to_be_visible()
    assert axe() == []
    page.goto(f"{live_server.url}/verwaltung/")
    assert page.url.endswith("/konto/2fa/totp/activate/")
