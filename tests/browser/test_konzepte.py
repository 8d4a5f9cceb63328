"""A partner comments on a chapter during Beteiligung; the coordination edits the chapter and
looks at the difference between its versions. axe-core on the concept pages."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_comment_edit_and_compare_versions(page, live_server, welt, login_as, axe):
    from netzwerk.konzepte import services
    from netzwerk.models import Kommentar, Konzept

    konzept = Konzept.objects.create(title="Präventionskonzept", slug="praeventionskonzept")
    kapitel = services.kapitel_create(konzept=konzept, title="Leitbild", user=None)
    services.kapitel_save(
        kapitel=kapitel, title="Leitbild", text="Kein Kind zurücklassen.", base_version=0,
        user=None,
    )  # fmt: skip
    services.konzept_status_set(konzept=konzept, status="beteiligung")
    violations = []
    login_as(welt.users["partner"])
    page.goto(f"{live_server.url}{reverse('netzwerk:konzept-list')}")
    violations += axe()
    page.get_by_role("link", name="Präventionskonzept").click()
    page.get_by_label("Ihr Kommentar zu „Leitbild“").fill("Bitte „gesund aufwachsen“ ergänzen.")
    page.get_by_role("button", name="Kommentar senden").click()
    expect(page.get_by_text("Danke, Ihr Kommentar ist gespeichert.")).to_be_visible()
    violations += axe()
    assert Kommentar.objects.get().author == welt.users["partner"]

    login_as(welt.users["koordination"])
    page.goto(f"{live_server.url}{konzept.get_absolute_url()}")
    violations += axe()
    page.get_by_role("link", name=re.compile(r"^Bearbeiten\W+Leitbild$")).click()
    page.get_by_label("Text").fill("Kein Kind zurücklassen: jedes Kind soll gesund aufwachsen.")
    violations += axe()
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("link", name=re.compile(r"^Versionen und Änderungen\W+Leitbild$")).click()
    expect(page.locator(".diff ins").first).to_have_text(re.compile(r"^zurücklassen:"))
    violations += axe()
    assert violations == [], "\n".join(violations)


def test_a_partner_notes_progress_on_their_measure(page, live_server, welt, login_as, axe):
    from netzwerk.models import Handlungsschwerpunkt, Konzept, Massnahme, Ziel

    # In Beteiligung: a partner reads its measures (a draft's only the coordination).
    konzept = Konzept.objects.create(
        title="Präventionskonzept", slug="praeventionskonzept", status="beteiligung"
    )
    ziel = Ziel.objects.create(
        schwerpunkt=Handlungsschwerpunkt.objects.create(konzept=konzept, title="Übergänge"),
        title="Kein Kind geht verloren",
    )
    massnahme = Massnahme.objects.create(ziel=ziel, title="Übergabebogen", progress=20)
    massnahme.organisationen.add(welt.organisation)
    login_as(welt.users["partner"])
    violations = []
    page.goto(f"{live_server.url}{reverse('netzwerk:massnahme-list', args=[konzept.slug])}")
    violations += axe()
    page.get_by_role("link", name="Übergabebogen").click()
    page.get_by_label("Was ist passiert?").fill("Mit allen Kitas abgestimmt.")
    page.get_by_label("Fortschritt in Prozent").fill("70")
    page.get_by_role("button", name="Notiz speichern").click()
    expect(page.get_by_text("Die Notiz ist gespeichert.")).to_be_visible()
    violations += axe()
    massnahme.refresh_from_db()
    assert massnahme.progress == 70
    assert violations == [], "\n".join(violations)


def test_the_coordinator_enters_and_removes_a_milestone_on_the_timeline(
    page, live_server, welt, login_as, axe
):
    from datetime import date, timedelta

    from django.utils import timezone

    from konferenzen.models import Veranstaltung
    from netzwerk.models import Gremium, Konzept

    Konzept.objects.create(
        title="Integrationskonzept", slug="integrationskonzept", status="beschlossen",
        decided_on=date(2023, 11, 20), resolution="VO/23/0594",
        gremium=Gremium.objects.create(name="Integrationsrat", slug="integrationsrat"),
    )  # fmt: skip
    start = timezone.now() - timedelta(days=30)
    Veranstaltung.objects.create(
        art="workshop", title="Auftaktwerkstatt", start=start, end=start + timedelta(hours=3),
        visibility="public",
    )  # fmt: skip
    login_as(welt.users["koordination"])
    violations = []
    page.goto(f"{live_server.url}{reverse('netzwerk:zeitleiste')}")
    expect(
        page.get_by_role("link", name=re.compile(r"^Integrationskonzept beschlossen"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="Auftaktwerkstatt")).to_be_visible()
    violations += axe()
    page.get_by_role("button", name="Eintragen").click()
    expect(
        page.locator(".fehleruebersicht").get_by_text("Bitte geben Sie an, was geschehen ist.")
    ).to_be_visible()
    violations += axe()
    page.get_by_label("Datum").fill("2023-08-15")
    page.get_by_role("textbox", name=re.compile(r"^Meilenstein")).fill("Lenkungskreis gegründet")
    page.get_by_label("Beschreibung").fill("Zwölf Träger, zwei Ämter.")
    page.get_by_label("Konzept").select_option(label="Integrationskonzept")
    page.get_by_role("button", name="Eintragen").click()
    expect(page.get_by_text("Der Meilenstein ist eingetragen.")).to_be_visible()
    jahr = page.get_by_role("region", name="2023")
    expect(jahr.get_by_role("link", name="Lenkungskreis gegründet")).to_be_visible()
    violations += axe()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Löschen (Lenkungskreis gegründet)").click()
    expect(page.get_by_text("„Lenkungskreis gegründet“ ist gelöscht.")).to_be_visible()
    assert violations == [], "\n".join(violations)


def test_the_coordinator_removes_a_chapter_and_restores_it_on_the_outline(
    page, live_server, welt, login_as, axe
):
    from netzwerk.konzepte import services
    from netzwerk.models import Kapitel

    koordination = welt.users["koordination"]
    konzept = services.konzept_create(title="Präventionskonzept", user=koordination)
    for title in ("Ausgangslage", "Leitbild"):
        kapitel = services.kapitel_create(konzept=konzept, title=title, user=koordination)
        services.kapitel_save(
            kapitel=kapitel, title=title, text=f"Text zu {title}.", base_version=0,
            user=koordination,
        )  # fmt: skip
    login_as(koordination)
    violations = []
    page.goto(f"{live_server.url}{reverse('netzwerk:konzept-gliederung', args=[konzept.slug])}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile(r"^Kapitel löschen\W+Ausgangslage$")).click()
    expect(page.get_by_text("„Ausgangslage“ ist aus dem Konzept entfernt.")).to_be_visible()
    entfernt = page.get_by_role("region", name="Entfernte Kapitel")
    expect(entfernt.get_by_text("Ausgangslage", exact=True)).to_be_visible()
    assert page.get_by_label("Überschrift von Kapitel 1").input_value() == "Leitbild"
    violations += axe()
    entfernt.get_by_role("link", name=re.compile(r"^Versionen lesen\W+Ausgangslage$")).click()
    expect(page.get_by_role("heading", name="Versionen von „Ausgangslage“")).to_be_visible()
    expect(page.get_by_text("aus dem Konzept entfernt")).to_be_visible()
    violations += axe()
    page.go_back()
    entfernt.get_by_role("button", name=re.compile(r"^Wiederherstellen\W+Ausgangslage$")).click()
    expect(page.get_by_text("„Ausgangslage“ ist wieder im Konzept, als Kapitel 2")).to_be_visible()
    assert page.get_by_label("Überschrift von Kapitel 2").input_value() == "Ausgangslage"
    assert Kapitel.objects.filter(konzept=konzept).count() == 2
    violations += axe()
    assert violations == [], "\n".join(violations)
