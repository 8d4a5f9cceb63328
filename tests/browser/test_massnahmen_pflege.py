"""The coordination builds a concept's measures in the browser: a focal point, a goal, a measure
with organisations picked through the list's filter, then deletes it after the question.
axe-core on every page of the way."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ..factories import OrganisationFactory

pytestmark = pytest.mark.browser


def test_the_coordination_builds_and_deletes_a_measure(page, live_server, welt, login_as, axe):
    from netzwerk.models import Konzept, Massnahme

    konzept = Konzept.objects.create(
        title="Präventionskonzept", slug="praeventionskonzept", status="beschlossen"
    )
    for i in range(20):
        OrganisationFactory(name=f"Grundschule {i:02d}")
    login_as(welt.users["koordination"])
    violations = []
    page.goto(f"{live_server.url}{reverse('netzwerk:massnahme-list', args=[konzept.slug])}")
    violations += axe()
    page.get_by_label("Titel", exact=True).fill("Übergänge gestalten")
    page.get_by_role("button", name="Handlungsschwerpunkt anlegen").click()
    expect(page.get_by_text("Der Handlungsschwerpunkt ist angelegt.")).to_be_visible()
    page.get_by_text("Ziel hinzufügen").click()
    page.get_by_label("Neues Ziel für „Übergänge gestalten“").fill("Kein Kind geht verloren")
    page.get_by_role("button", name="Ziel anlegen").click()
    expect(page.get_by_text("Das Ziel ist angelegt.")).to_be_visible()
    violations += axe()
    vorher = page.url
    page.get_by_role("link", name=re.compile(r"^Maßnahme hinzufügen")).click()
    expect(page).not_to_have_url(vorher)  # the next page is there
    page.get_by_role("textbox", name=re.compile(r"^Titel")).fill("Übergabebogen")
    page.get_by_label("Beginn", exact=True).fill("2026-08-01")
    page.get_by_label("Ende", exact=True).fill("2026-07-01")
    page.get_by_role("button", name="Speichern").click()
    expect(
        page.locator(".fehleruebersicht").get_by_text("Das Ende liegt vor dem Beginn.")
    ).to_be_visible()
    assert page.get_by_role("textbox", name=re.compile(r"^Titel")).input_value() == "Übergabebogen"
    violations += axe()
    page.get_by_label("Ende", exact=True).fill("2027-07-31")
    organisationen = page.get_by_role("group", name="Verantwortliche Organisationen")
    organisationen.get_by_label("Grundschule 03").check()
    organisationen.get_by_label("Liste filtern").fill("wolke")
    # The ticked one stays in sight while filtering, next to the one that matches.
    expect(organisationen.get_by_text("2 von 22 Einträgen angezeigt.")).to_be_visible()
    expect(organisationen.get_by_label("Grundschule 03")).to_be_visible()
    expect(organisationen.get_by_label("Grundschule 04")).to_be_hidden()
    organisationen.get_by_label("Kita Wolke").check()
    violations += axe()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("„Übergabebogen“ ist gespeichert.")).to_be_visible()
    massnahme = Massnahme.objects.get()
    assert {o.name for o in massnahme.organisationen.all()} == {"Grundschule 03", "Kita Wolke"}
    expect(page.get_by_text("Grundschule 03, Kita Wolke")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Bearbeiten\W+Übergabebogen$")).click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Maßnahme löschen").click()
    assert Massnahme.objects.exists()  # asked, and declined
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Maßnahme löschen").click()
    expect(page.get_by_text("„Übergabebogen“ ist gelöscht.")).to_be_visible()
    assert not Massnahme.objects.exists()
    vorher = page.url
    page.get_by_role("link", name=re.compile(r"^Bearbeiten\W+Kein Kind geht verloren$")).click()
    expect(page).not_to_have_url(vorher)  # the next page is there
    violations += axe()
    assert violations == [], "\n".join(violations)
