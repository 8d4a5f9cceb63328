"""axe-core (WCAG 2.2 A/AA) on what the crawl of every page (test_crawl.py, the demo network as
anonymous visitor, partner, moderator, committee member and coordinator) does not reach: an
account still waiting for approval, the coordination's data-protection pages with a pending
request, a form sent back with errors, the keyboard's way past the menu, the error page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    reverse("netzwerk:home"),
    reverse("foren:forum-list"),
    "/foren/forum-offen/",
    reverse("konferenzen:veranstaltung-list"),
    reverse("netzwerk:impressum"),
    reverse("netzwerk:datenschutz"),
    reverse("netzwerk:barrierefreiheit"),
    reverse("netzwerk:leichte-sprache"),
]
ACCOUNT_PAGES = [
    reverse("netzwerk:dashboard"),
    reverse("account_email"),
    reverse("account_change_password"),
    reverse("mfa_index"),
    reverse("account_reauthenticate"),
    reverse("akteure:meine-daten"),
]
# The other roles' pages are the crawl's (every page it reaches, with the demo's data).
PAGES = {"wartend": PUBLIC_PAGES + ACCOUNT_PAGES}


@pytest.mark.parametrize("role", list(PAGES))
def test_no_page_has_an_accessibility_violation(
    role, page, live_server, welt, login_as, axe, signed_up_user
):
    from netzwerk.models import Rueckmeldung

    Rueckmeldung.objects.create(name="Ute", message="Der Kontrast ist zu schwach.")
    login_as(None if role == "anonym" else welt.users[role])
    violations = []
    for path in PAGES[role]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 400, f"{path}: {response.status}"
        violations += axe()
    assert violations == [], "\n".join(violations)


def test_the_data_protection_pages_of_the_coordination_are_accessible(
    page, live_server, welt, login_as, axe
):
    from akteure.services import antrag_create

    antrag = antrag_create(user=welt.users["partner"], message="Bitte alles löschen.")
    person = welt.users["partner"].person.pk
    login_as(welt.users["koordination"])
    violations = []
    for path in [
        reverse("akteure:person-detail", args=[person]),
        reverse("akteure:person-auskunft", args=[person]),
        reverse("akteure:person-erase", args=[person]),
        reverse("akteure:antrag-list"),
        reverse("akteure:antrag-detail", args=[antrag.pk]),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 400, f"{path}: {response.status}"
        violations += axe()
    assert violations == [], "\n".join(violations)


def test_a_form_with_errors_stays_accessible(page, live_server, welt, axe):
    page.goto(f"{live_server.url}{reverse('netzwerk:barrierefreiheit')}")
    page.get_by_label("E-Mail-Adresse").fill("kein-at-zeichen")
    page.get_by_role("button", name="Rückmeldung senden").click()
    # The error beside its field and in the summary at the top, which has the focus and whose
    # link leads to the field (templates/_form_fehler.html).
    expect(page.get_by_text("Bitte gültige E-Mail-Adresse eingeben.", exact=True)).to_be_visible()
    summary = page.locator(".fehleruebersicht")
    assert summary.evaluate("el => el === document.activeElement")
    summary.get_by_role("link", name="E-Mail-Adresse").click()
    assert page.evaluate("document.activeElement.name") == "email"
    assert page.get_by_label("E-Mail-Adresse").input_value() == "kein-at-zeichen"
    assert axe() == []


def test_the_skip_link_moves_the_focus_to_the_content(page, live_server, welt):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_the_error_page_is_accessible(page, live_server, welt, axe):
    response = page.goto(f"{live_server.url}/gibt-es-nicht/")
    assert response.status == 404
    assert axe() == []


def test_pages_break_no_content_security_rule(browser, live_server, welt):
    """The other browser tests bypass CSP to inject axe; this one keeps it and listens."""
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda msg: refused.append(msg.text) if "Content Security" in msg.text else None
    )
    for path in ["/", "/konto/login/", "/akteure/praeventionskette/", "/barrierefreiheit/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    context.close()
    assert refused == []
