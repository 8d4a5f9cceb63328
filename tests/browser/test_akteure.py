import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_partner_edits_an_offer_and_confirms_it(page, live_server, welt, axe):
    from datetime import timedelta

    from django.utils import timezone

    from akteure.models import Angebot
    from netzwerk.models import Handlungsfeld, Lebensphase

    Lebensphase.objects.create(name="3-6 Jahre (Kita)", slug="kita")
    Handlungsfeld.objects.create(name="Sprache und Bildung", slug="sprache")
    Angebot.objects.filter(pk=welt.angebot_public.pk).update(
        confirmed_at=timezone.now() - timedelta(days=500)
    )
    page.goto(f"{live_server.url}/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("partner@test.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Sprachspiele").click()
    expect(page.get_by_text("nicht mehr bestätigt").first).to_be_visible()
    assert axe() == []
    page.get_by_role("button", name="Angebot ist aktuell").click()
    expect(page.get_by_text("als aktuell bestätigt")).to_be_visible()
    expect(page.get_by_text("seit dem")).to_be_hidden()
    page.get_by_role("link", name="Bearbeiten").click()
    page.get_by_label("Titel").fill("Sprachspiele für Vierjährige")
    page.get_by_label("3-6 Jahre (Kita)").check()
    page.get_by_label("Sprache und Bildung").check()
    page.get_by_role("button", name="Speichern").click()
    expect(
        page.get_by_role("heading", name="Sprachspiele für Vierjährige", exact=True)
    ).to_be_visible()
    assert Angebot.objects.get(pk=welt.angebot_public.pk).title == "Sprachspiele für Vierjährige"


def test_directory_map_and_import_preview_are_accessible(page, live_server, welt, axe, login_as):
    from netzwerk.models import Lebensphase

    Lebensphase.objects.create(name="Kita", slug="kita")
    violations = []
    for path in [
        reverse("akteure:angebot-list"),
        reverse("akteure:angebot-list") + "?q=Sprach",
        reverse("akteure:organisation-list"),
        reverse("akteure:angebot-detail", kwargs={"slug": "sprachspiele"}),
        reverse("akteure:praeventionskette"),
    ]:
        page.goto(f"{live_server.url}{path}")
        violations += axe()
    login_as(welt.users["koordination"])
    page.goto(f"{live_server.url}{reverse('akteure:import-list')}")
    violations += axe()
    page.get_by_label("Was importieren Sie?").select_option("organisationen")
    page.get_by_label("Datei").set_input_files(
        files=[
            {
                "name": "o.csv",
                "mimeType": "text/csv",
                "buffer": b"Name;Typ\nNeu e.V.;Unbekannt\n",
            }
        ]
    )
    page.get_by_role("button", name="Hochladen und prüfen").click()
    page.get_by_role("button", name="Prüfen").click()
    # The check runs as a task and the page polls for its result: wait for it (is_visible()
    # looked once, and under a loaded CI machine before the first poll had answered).
    expect(page.get_by_text("Typ „Unbekannt“ ist unbekannt")).to_be_visible(timeout=15_000)
    violations += axe()
    page.goto(
        f"{live_server.url}{reverse('akteure:organisation-edit', kwargs={'slug': 'kita-wolke'})}"
    )
    violations += axe()
    person = welt.users["partner"].person.pk
    page.goto(f"{live_server.url}{reverse('akteure:person-detail', kwargs={'pk': person})}")
    violations += axe()
    assert violations == [], "\n".join(violations)
