"""A coordinator asks for a status report, watches the worker's steps on the page and downloads
the PDF; a committee member finds it on the dashboard, a member of another committee does not.
axe-core on the report list, a running and a finished report, and the dashboard."""

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    assert content.startswith(b"%PDF"), content[:20]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _download(page, link_name: str) -> bytes:
    """Click the link and return the file. Chromium opens a PDF in its viewer, whose response
    body is the viewer's page, so the bytes are fetched again with the same session."""
    with page.expect_response(re.compile(r"/pdf/$")) as response:
        page.get_by_role("link", name=link_name).click()
    assert response.value.status == 200
    assert response.value.headers["content-type"] == "application/pdf"
    content = page.request.get(response.value.url).body()
    page.go_back()
    return content


def test_a_coordinator_watches_the_report_being_rendered_and_downloads_it(
    page, live_server, welt, login_as, axe, monkeypatch
):
    """The worker is left out of the request (in tests Celery runs in-process); the test plays
    the worker once the page waits, pausing at each step until the browser, polling by itself,
    shows it."""
    from django.utils import timezone

    from netzwerk import pdf
    from netzwerk.berichte import inhalt, services
    from netzwerk.models import (
        Gremium,
        Handlungsschwerpunkt,
        Konzept,
        Massnahme,
        Sachstandsbericht,
        Ziel,
    )

    Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    Gremium.objects.create(name="Integrationsrat", slug="integrationsrat")
    konzept = Konzept.objects.create(title="Präventionskonzept", slug="praeventionskonzept")
    ziel = Ziel.objects.create(
        schwerpunkt=Handlungsschwerpunkt.objects.create(konzept=konzept, title="Übergänge"),
        title="Kein Kind geht verloren",
    )
    Massnahme.objects.create(ziel=ziel, title="Übergabebogen", progress=40)
    dispatched: list[int] = []
    monkeypatch.setattr(services, "_dispatch", lambda bericht: dispatched.append(bericht.pk))
    violations = []
    login_as(welt.users["koordination"])
    page.goto(f"{live_server.url}{reverse('netzwerk:bericht-list')}")
    violations += axe()
    von, bis = services.standard_zeitraum(timezone.localdate())
    # A date input shows only an ISO value; the coordinator keeps the proposed period.
    expect(page.get_by_label("Berichtszeitraum von")).to_have_value(von.isoformat())
    expect(page.get_by_label("bis*", exact=True)).to_have_value(bis.isoformat())
    page.get_by_label("Für das Gremium").select_option(label="Jugendhilfeausschuss")
    page.get_by_label("Einleitung (optional)").fill("Das Netz wächst.")
    # Written for the public: only such a report may get a public link (below).
    page.get_by_label("für die Öffentlichkeit").check()
    page.get_by_role("button", name="Bericht erstellen").click()

    expect(page.get_by_role("heading", name="Sachstandsbericht Nr. 1")).to_be_visible()
    expect(page.get_by_text("Bericht Nr. 1 wird erstellt.")).to_be_visible()
    expect(page.get_by_text("Wartet auf den Hintergrunddienst …")).to_be_visible()
    violations += axe()
    # Gone if the page were loaded again: the updates below must come from polling alone.
    page.evaluate("window.nichtNeuGeladen = true")
    progress = page.get_by_role("progressbar", name="Fortschritt beim Erstellen")

    lesen, setzen = inhalt.bericht_inhalt, pdf.render_pdf

    def bericht_inhalt(*args, **kwargs):
        expect(page.get_by_text("Schritt 1 von 3: Daten werden gelesen …")).to_be_visible()
        expect(progress).to_have_attribute("aria-valuenow", "25")
        return lesen(*args, **kwargs)

    def render_pdf(*args, **kwargs):
        expect(page.get_by_text("Schritt 2 von 3: PDF wird gesetzt …")).to_be_visible()
        expect(progress).to_have_attribute("aria-valuenow", "50")
        # The page's persistent live region tells screen readers each new step once.
        expect(page.locator("#bericht-ansage")).to_have_text("PDF wird gesetzt")
        violations.extend(axe())
        return setzen(*args, **kwargs)

    monkeypatch.setattr(inhalt, "bericht_inhalt", bericht_inhalt)
    monkeypatch.setattr(pdf, "render_pdf", render_pdf)
    assert dispatched == [Sachstandsbericht.objects.get(nummer=1).pk]
    assert services.bericht_render(bericht_id=dispatched[0]) == "fertig"

    download = page.get_by_role("link", name="Bericht Nr. 1 herunterladen (PDF)")
    expect(download).to_be_visible()
    expect(page.get_by_role("heading", name="Status: fertig")).to_be_visible()
    expect(progress).to_have_count(0)
    expect(page.locator("#bericht-ansage")).to_have_text(
        "Bericht Nr. 1 ist fertig und kann heruntergeladen werden."
    )
    assert page.evaluate("window.nichtNeuGeladen") is True
    text = _pdf_text(_download(page, "Bericht Nr. 1 herunterladen (PDF)"))
    assert "Nr. 1: Sachstand der Präventionskette" in text
    assert "Jugendhilfeausschuss" in text and "Das Netz wächst." in text

    page.reload()  # the public link's section is not part of the polled status
    violations += axe()
    page.get_by_role("button", name="Öffentlichen Link erzeugen").click()
    expect(page.get_by_text("Der Bericht hat jetzt einen öffentlichen Link.")).to_be_visible()
    expect(page.locator("a[href*='/berichte/oeffentlich/']")).to_be_visible()
    violations += axe()
    page.get_by_role("link", name="Sachstandsberichte").click()
    expect(page.get_by_role("link", name="Bericht Nr. 1 herunterladen")).to_be_visible()
    violations += axe()
    assert violations == [], "\n".join(violations)


def test_a_committee_member_finds_the_report_on_the_dashboard_and_no_other_committee_does(
    page, live_server, welt, login_as, axe
):
    from django.utils import timezone

    from netzwerk.berichte import services
    from netzwerk.models import Gremium, Rolle, Sachstandsbericht
    from tests.factories import UserFactory

    jha = Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    jha.members.add(welt.users["gremium"])
    rat = Gremium.objects.create(name="Integrationsrat", slug="integrationsrat")
    fremd = UserFactory(email="integrationsrat@test.example", rollen=[Rolle.GREMIUM])
    rat.members.add(fremd)
    von, bis = services.standard_zeitraum(timezone.localdate())
    # Outside an atomic block the dispatch runs at once, and Celery in-process renders it.
    bericht = services.bericht_create(
        gremium=jha, konzept=None, period_start=von, period_end=bis,
        sections=Sachstandsbericht.Abschnitt.values, user=welt.users["koordination"],
    )  # fmt: skip
    bericht.refresh_from_db()
    assert bericht.status == Sachstandsbericht.Status.FERTIG, bericht.error
    violations = []

    login_as(welt.users["gremium"])
    page.goto(f"{live_server.url}{reverse('netzwerk:dashboard')}")
    section = page.get_by_role("region", name="Für Ihr Gremium")
    expect(section.get_by_text("Sie sind Mitglied in: Jugendhilfeausschuss.")).to_be_visible()
    violations += axe()
    section.get_by_role("link", name=re.compile(r"^Sachstandsbericht Nr\. 1: Jugendhilfe")).click()
    expect(page.get_by_role("heading", name="Sachstandsbericht Nr. 1")).to_be_visible()
    assert page.get_by_role("button", name="Öffentlichen Link erzeugen").count() == 0
    violations += axe()
    text = _pdf_text(_download(page, "Bericht Nr. 1 herunterladen (PDF)"))
    assert "Jugendhilfeausschuss" in text

    login_as(fremd)
    page.goto(f"{live_server.url}{reverse('netzwerk:dashboard')}")
    section = page.get_by_role("region", name="Für Ihr Gremium")
    expect(
        section.get_by_text("Noch liegt kein Sachstandsbericht für Ihre Gremien vor.")
    ).to_be_visible()
    assert section.get_by_role("link", name=re.compile("Nr. 1")).count() == 0
    response = page.goto(f"{live_server.url}{bericht.get_absolute_url()}")
    assert response.status == 404
    response = page.request.get(
        f"{live_server.url}{reverse('netzwerk:bericht-download', args=[1])}"
    )
    assert response.status == 404
    assert violations == [], "\n".join(violations)
