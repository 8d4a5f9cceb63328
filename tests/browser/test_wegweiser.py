"""The family guide in the browser: a parent on a phone, Arabic right to left, and axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def wegweiser(transactional_db):
    from akteure import demo as akteure_demo
    from akteure import geo_demo
    from akteure.models import Angebot
    from akteure.wegweiser import demo
    from netzwerk import demo as netzwerk_demo

    # The demo town's floors the guide stands on (demo_data builds these first), not the
    # forums, events and reports above them.
    users = netzwerk_demo.build()
    akteure_demo.build(users)
    geo_demo.build(users)
    demo.build(users)
    return Angebot.objects.get(slug=demo.KURS_SLUG)


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="de-DE", bypass_csp=True, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_parent_on_a_phone_finds_a_free_german_course_for_a_four_year_old(
    phone, live_server, wegweiser
):
    page = phone
    page.goto(f"{live_server.url}{reverse('wegweiser:angebot-list')}")
    page.get_by_label("Alter des Kindes").fill("4")
    page.locator("summary", has_text="Sozialraum (Stadtteil)").click()
    page.get_by_label("Nord (").check()
    page.get_by_label("nur kostenlose Angebote").check()
    page.get_by_role("button", name="Angebote anzeigen").click()
    page.wait_for_url("**/wegweiser/?*")
    assert "alter=4" in page.url and "sozialraum=nord" in page.url and "kostenlos=1" in page.url
    link = page.get_by_role("link", name="Deutschkurs für Kita-Kinder")
    link.scroll_into_view_if_needed()
    expect(link).to_be_visible()
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    link.click()
    expect(page.get_by_role("heading", name="Deutschkurs für Kita-Kinder")).to_be_visible()
    expect(page.get_by_text("kostenlos").first).to_be_visible()
    expect(page.get_by_text("Dienstag: 15:00 bis 16:00 Uhr")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_guide_in_arabic_is_right_to_left(phone, live_server, wegweiser):
    page = phone
    page.goto(f"{live_server.url}{reverse('wegweiser:angebot-list')}?alter=4&kostenlos=1")
    page.get_by_role("link", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "alter=4" in page.url  # the filters stay
    page.get_by_role("link", name="دورة ألمانية لأطفال الروضة").click()
    expect(page.get_by_role("heading", name="متى؟")).to_be_visible()
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_role("link", name="العودة إلى البحث").click()
    expect(page.get_by_role("heading", name="دليل العائلات", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "alter=4" in page.url and "kostenlos=1" in page.url  # back to the same results
    expect(page.get_by_role("link", name="دورة ألمانية لأطفال الروضة")).to_be_visible()


def test_the_guide_has_no_accessibility_violation(page, live_server, wegweiser, axe):
    from akteure.models import Angebot

    alt = Angebot.objects.public().order_by("confirmed_at")[1]
    liste = reverse("wegweiser:angebot-list")
    violations = []
    for path in [
        liste,
        f"{liste}?alter=4&sozialraum=nord&kostenlos=1&tag=1&zeit=nachmittags",
        f"{liste}?sprache=ar&thema=sprache-und-bildung",
        f"{liste}?sprache=leicht",
        f"{liste}?sprache=uk&q=Deutsch",
        f"{liste}?sozialraum=gibt-es-nicht&alter=-3",
        reverse("wegweiser:angebot-detail", kwargs={"uuid": wegweiser.uuid}),
        reverse("wegweiser:angebot-detail", kwargs={"uuid": wegweiser.uuid}) + "?sprache=ar",
        reverse("wegweiser:angebot-detail", kwargs={"uuid": wegweiser.uuid}) + "?sprache=leicht",
        reverse("wegweiser:angebot-detail", kwargs={"uuid": alt.uuid}) + "?sprache=tr",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        violations += axe()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{liste}?alter=4")
    violations += axe()
    assert violations == [], "\n".join(violations)
