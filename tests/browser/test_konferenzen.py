"""A partner registers for a working group and cancels through the personal link; the person on
the waiting list moves up. axe-core on event list, event page with its form, and the link's page."""

from datetime import timedelta

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def test_a_partner_registers_and_cancels_and_the_waiting_list_moves_up(
    page, live_server, welt, login_as, axe
):
    from django.utils import timezone

    from konferenzen.models import Anmeldung, Arbeitsgruppe, Veranstaltung
    from konferenzen.services import anmeldung_create

    start = timezone.now() + timedelta(days=30)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Präventionskonferenz", start=start,
        end=start + timedelta(hours=4), place="Rathaus", capacity=1, visibility="public",
    )  # fmt: skip
    Arbeitsgruppe.objects.create(veranstaltung=event, name="Demokratie fördern", capacity=1)
    violations = []
    login_as(welt.users["partner"])
    page.goto(f"{live_server.url}{reverse('konferenzen:veranstaltung-list')}")
    violations += axe()
    page.get_by_role("link", name="Präventionskonferenz").click()
    violations += axe()
    page.get_by_label("Demokratie fördern (1 von 1 Plätzen frei)").check()
    page.get_by_label("Name auf der Teilnehmendenliste").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    assert page.get_by_text("Sie sind angemeldet. Die Bestätigung kommt per E-Mail.").is_visible()
    mine = Anmeldung.objects.get(user=welt.users["partner"])
    assert mine.status == "bestaetigt"
    waiting, _ = anmeldung_create(veranstaltung=event, name="Wanda", email="wanda@test.example")
    assert waiting.status == "warteliste"

    page.get_by_role("link", name="Anmeldung ansehen oder absagen").click()
    violations += axe()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Absagen").click()
    assert page.get_by_text("Ihre Anmeldung ist abgesagt.").is_visible()
    waiting.refresh_from_db()
    assert waiting.status == "bestaetigt"
    assert violations == [], "\n".join(violations)
