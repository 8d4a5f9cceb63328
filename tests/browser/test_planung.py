"""Planning in the portal, as its users do it, in Chromium: the coordinator (signed in with
TOTP) creates a conference with agenda and two working groups, copies it, invites a group of
organisations and sees the progress; a moderator plans a meeting of their forum and invites its
members. No page of the run is under /verwaltung/, and every page passes axe-core (WCAG 2.2 AA)."""

import re

import pytest
from playwright.sync_api import expect

from akteure.models import Einwilligung, Organisationstyp
from konferenzen.models import Veranstaltung, Versand
from tests.factories import PASSWORD, OrganisationFactory, PersonFactory, UserFactory

from .test_login import _current_code

pytestmark = pytest.mark.browser
# A redirect keeps the address's #fragment (after moving an agenda item).
PROGRAMM = re.compile(r"/programm/(#.*)?$")


@pytest.fixture
def visited(page):
    """Every address the browser loaded in the test (the fail condition: the back office)."""
    urls = []
    page.on("framenavigated", lambda frame: urls.append(frame.url))
    return urls


def _no_back_office(urls) -> None:
    assert urls, "keine Seite besucht"
    assert [u for u in urls if "/verwaltung/" in u] == []


def test_the_coordinator_plans_copies_and_invites_without_the_back_office(
    page, live_server, welt, axe, visited
):
    kita = Organisationstyp.objects.create(name="Kindertagesstätte", slug="kindertagesstaette")
    for n in range(3):
        organisation = OrganisationFactory(name=f"Kita {n}", slug=f"kita-{n}", typ=kita)
        person = PersonFactory(organisation=organisation, email=f"kita{n}@test.example")
        Einwilligung.objects.create(person=person, purpose="newsletter", method="formular")
    violations = []

    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("koordination@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/konto/2fa/authenticate/")
    page.get_by_label(re.compile(r"^\s*Code")).fill(_current_code())
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/dashboard/")

    # Create
    page.goto(f"{live_server.url}/konferenzen/")
    vorher = page.url
    page.get_by_role("link", name="Veranstaltung planen").click()
    expect(page).not_to_have_url(vorher)  # the next page is there
    violations += axe()
    page.get_by_label("Art").select_option("praeventionskonferenz")
    page.locator("#id_title").fill("Präventionskonferenz 2030")
    page.locator("#id_start").fill("2030-03-14T09:00")
    page.locator("#id_end").fill("2030-03-14T15:00")
    page.locator("#id_place").fill("Rathaus, Ratssaal")
    page.locator("#id_capacity").fill("120")
    page.get_by_role("button", name="Anlegen").click()
    page.wait_for_url(PROGRAMM)
    event = Veranstaltung.objects.get(title="Präventionskonferenz 2030")
    violations += axe()

    # Agenda: two items, the second moved up with a button (no dragging)
    for zeit, thema in (("09:00", "Begrüßung"), ("09:30", "Bericht der Koordination")):
        page.get_by_text("Tagesordnungspunkt hinzufügen").click()
        page.locator("#id_top-time").fill(zeit)
        page.locator("#id_top-title").fill(thema)
        page.get_by_role("button", name="Punkt hinzufügen").click()
        page.wait_for_url(PROGRAMM)
    page.get_by_role("button", name=re.compile(r"^nach oben\s*: Bericht der Koordination")).click()
    page.wait_for_url(re.compile(r"/programm/#top-"))
    assert list(event.tagesordnung.order_by("position").values_list("title", flat=True)) == [
        "Bericht der Koordination",
        "Begrüßung",
    ]
    # Two working groups
    for name, plaetze in (("Kinderarmut", "30"), ("Übergang Kita – Schule", "25")):
        page.get_by_text("Arbeitsgruppe hinzufügen").click()
        page.locator("#id_gruppe-name").fill(name)
        page.locator("#id_gruppe-capacity").fill(plaetze)
        page.get_by_role("button", name="Gruppe hinzufügen").click()
        page.wait_for_url(PROGRAMM)
    expect(page.get_by_role("cell", name="Übergang Kita – Schule", exact=True)).to_be_visible()
    violations += axe()
    # On a phone the actions wrap instead of pushing the page sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    violations += axe()
    page.set_viewport_size({"width": 1280, "height": 800})

    # Copy for next year
    vorher = page.url
    page.get_by_role("link", name="Kopieren").click()
    expect(page).not_to_have_url(vorher)  # the next page is there
    violations += axe()
    assert page.get_by_label("Titel").input_value() == "Präventionskonferenz 2031"
    page.get_by_role("button", name="Kopie anlegen").click()
    page.wait_for_url("**/bearbeiten/")
    copy = Veranstaltung.objects.get(title="Präventionskonferenz 2031")
    assert copy.tagesordnung.count() == 2 and copy.arbeitsgruppen.count() == 2
    violations += axe()

    # Invite a group of organisations to the original, and see the progress
    page.goto(f"{live_server.url}/konferenzen/{event.pk}/einladungen/")
    page.get_by_label("Kontakte aus dem Akteursverzeichnis").check()
    page.get_by_label("Kindertagesstätte").check()
    page.get_by_role("button", name="Vorschau").click()
    expect(page.get_by_text("3 Personen werden eingeladen.")).to_be_visible()
    page.get_by_role("button", name="3 Einladungen senden").click()
    expect(page.get_by_text("3 Einladungen werden versandt.")).to_be_visible()
    assert page.get_by_role("progressbar").count() >= 1
    violations += axe()
    assert Versand.objects.get(veranstaltung=event).total == 3

    _no_back_office(visited)
    assert violations == [], "\n".join(violations)


def test_a_moderator_plans_a_meeting_of_their_forum_and_invites_its_members(
    page, live_server, welt, login_as, axe, visited
):
    forum = welt.forum_members
    forum.members.add(UserFactory(email="mitglied@test.example"))
    forum.members.add(UserFactory(email="mitglied2@test.example"))
    login_as(welt.users["moderation"])
    page.goto(f"{live_server.url}/foren/{forum.slug}/")
    vorher = page.url
    page.get_by_role("link", name="Sitzung planen").click()
    expect(page).not_to_have_url(vorher)  # the next page is there
    violations = axe()
    # A moderator's events are meetings of their forum: no choice of kind.
    assert page.get_by_label("Art").count() == 0
    page.locator("#id_title").fill("Sitzung im März")
    page.locator("#id_start").fill("2030-03-05T17:00")
    page.locator("#id_end").fill("2030-03-05T19:00")
    page.get_by_label("Online-Link").fill("https://konferenz.example/forum")
    page.get_by_label("Die Mitglieder des Forums gleich einladen").check()
    page.get_by_role("button", name="Anlegen").click()
    page.wait_for_url(PROGRAMM)
    expect(page.get_by_text("2 Mitglieder werden eingeladen")).to_be_visible()
    violations += axe()
    event = Veranstaltung.objects.get(title="Sitzung im März")
    assert event.forum == forum and event.art == "forumssitzung"
    vorher = page.url
    page.get_by_role("link", name="Einladungen").click()
    expect(page).not_to_have_url(vorher)  # the next page is there
    violations += axe()
    assert Versand.objects.get(veranstaltung=event).total == 2
    _no_back_office(visited)
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("width", [1280, 1366])
def test_the_coordinators_menu_fits_the_window(page, live_server, welt, login_as, width):
    """Found when tried: "Abmelden" was cut off and the page scrolled sideways at 1280 px."""
    page.set_viewport_size({"width": width, "height": 800})
    login_as(welt.users["koordination"])
    page.goto(f"{live_server.url}/konferenzen/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    abmelden = page.get_by_role("link", name="Abmelden")
    expect(abmelden).to_be_visible()
    box = abmelden.bounding_box()
    assert box["x"] + box["width"] <= width


def test_a_partner_registers_two_delegates_changes_a_group_and_cancels_in_meine_anmeldungen(
    page, live_server, welt, login_as, axe, visited
):
    from datetime import timedelta

    from django.utils import timezone

    from konferenzen.models import Anmeldung, Arbeitsgruppe

    start = timezone.now() + timedelta(days=20)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Präventionskonferenz", start=start,
        end=start + timedelta(hours=6), place="Rathaus", visibility="members", capacity=50,
    )  # fmt: skip
    sprache = Arbeitsgruppe.objects.create(veranstaltung=event, name="Sprache", capacity=10)
    bewegung = Arbeitsgruppe.objects.create(veranstaltung=event, name="Bewegung", capacity=10)
    login_as(welt.users["partner"])
    page.on("dialog", lambda dialog: dialog.accept())  # "absagen?" asks before it sends
    page.goto(f"{live_server.url}/konferenzen/{event.pk}/kollegium/")
    violations = axe()
    for i, (name, email) in enumerate((("Kai Kollege", "kai@test.example"),
                                       ("Lea Kollegin", "lea@test.example"))):  # fmt: skip
        page.locator(f"#id_weitere-{i}-name").fill(name)
        page.locator(f"#id_weitere-{i}-email").fill(email)
        page.locator(f"#id_weitere-{i}-runde_1").select_option(str(sprache.pk))
    page.get_by_role("button", name="Verbindlich anmelden").click()
    page.wait_for_load_state()
    kai = Anmeldung.objects.get(email="kai@test.example")
    lea = Anmeldung.objects.get(email="lea@test.example")
    assert kai.status == lea.status == "bestaetigt"

    page.get_by_role("link", name="Meine Anmeldungen").first.click()
    page.wait_for_url("**/meine-anmeldungen/")
    violations += axe()
    page.locator(f"#gruppe-{kai.pk}-1").select_option(str(bewegung.pk))
    page.locator(f"#anmeldung-{kai.pk}").get_by_role("button", name=re.compile("^Wechseln")).click()
    page.wait_for_url("**/meine-anmeldungen/**")
    assert list(kai.arbeitsgruppen.values_list("name", flat=True)) == ["Bewegung"]
    page.locator(f"#anmeldung-{lea.pk}").get_by_role("button", name=re.compile("^Absagen")).click()
    page.wait_for_url("**/meine-anmeldungen/**")
    lea.refresh_from_db()
    assert lea.status == "storniert"
    violations += axe()
    _no_back_office(visited)
    assert violations == [], "\n".join(violations)
