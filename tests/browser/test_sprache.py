"""The language switch in the header: English and back, the page staying where it was."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_visitor_switches_the_portal_to_english_and_back_to_german(page, live_server, db, axe):
    page.goto(f"{live_server.url}/akteure/angebote/")
    assert page.locator("html").get_attribute("lang") == "de"
    # Located by its class: its name "Sprache des Portals" is translated once locale/en has it.
    switch = page.locator(".portal-sprache")
    assert switch.get_attribute("role") == "group"
    assert switch.get_by_role("button", name="Deutsch").get_attribute("aria-current") == "true"

    switch.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url == f"{live_server.url}/akteure/angebote/"
    # "Foren" is in locale/en already ("Forums").
    expect(page.get_by_role("link", name="Forums", exact=True)).to_be_visible()
    assert switch.get_by_role("button", name="English").get_attribute("aria-current") == "true"
    assert axe() == []

    # The choice holds on the next page, without asking again.
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "en"

    switch.get_by_role("button", name="Deutsch").click()
    page.wait_for_function("document.documentElement.lang === 'de'")
    expect(page.get_by_role("link", name="Foren", exact=True)).to_be_visible()
    assert switch.get_by_role("button", name="Deutsch").get_attribute("aria-current") == "true"
