"""A partner registers for a working group and cancels through the personal link; the person on
the waiting list moves up. axe-core on event list, event page with its form, and the link's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

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
    vorher = page.url
    page.get_by_role("link", name="Präventionskonferenz").click()
    expect(page).not_to_have_url(vorher)  # the next page is there
    violations += axe()
    page.get_by_label("Demokratie fördern (1 von 1 Plätzen frei)").check()
    page.get_by_label("Name auf der Teilnehmendenliste").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(
        page.get_by_text("Sie sind angemeldet. Die Bestätigung kommt per E-Mail.")
    ).to_be_visible()
    mine = Anmeldung.objects.get(user=welt.users["partner"])
    assert mine.status == "bestaetigt"
    waiting, _ = anmeldung_create(veranstaltung=event, name="Wanda", email="wanda@test.example")
    assert waiting.status == "warteliste"

    vorher = page.url
    page.get_by_role("link", name="Anmeldung ansehen oder absagen").click()
    expect(page).not_to_have_url(vorher)  # the next page is there
    violations += axe()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Absagen").click()
    expect(page.get_by_text("Ihre Anmeldung ist abgesagt.")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == "bestaetigt"
    assert violations == [], "\n".join(violations)


def test_an_invited_partner_registers_through_the_link_and_cancels_and_the_next_moves_up(
    page, live_server, welt, axe
):
    """The whole way of an invitation: the coordinator's run puts the mail into the outbox; the
    link in it opens the form without an account; the confirmation mail carries the personal
    link; cancelling there confirms the person waiting."""
    import re

    from django.utils import timezone

    from konferenzen import einladungen
    from konferenzen.models import Anmeldung, Arbeitsgruppe, Veranstaltung
    from konferenzen.services import anmeldung_create
    from netzwerk.models import Mail

    start = timezone.now() + timedelta(days=30)
    event = Veranstaltung.objects.create(
        art="workshop", title="Auftaktwerkstatt", start=start, end=start + timedelta(hours=4),
        place="Jugendzentrum", capacity=10, visibility="invited",
    )  # fmt: skip
    Arbeitsgruppe.objects.create(veranstaltung=event, name="Elternarbeit", capacity=1)
    versand, _ = einladungen.einladungen_create(
        veranstaltung=event,
        recipients=[einladungen.Empfaenger(email="frieda@test.example", name="Frieda Gast")],
        label="Liste",
        user=None,
    )
    einladungen.versand_run(versand_id=versand.pk)
    invitation = Mail.objects.get(template="einladung", to=["frieda@test.example"])
    link = re.search(r"http\S+/einladung/\S+/", invitation.body_text).group(0)
    violations = []
    page.goto(live_server.url + link[link.index("/konferenzen/") :])
    expect(page.get_by_role("heading", name="Auftaktwerkstatt")).to_be_visible()
    violations += axe()
    page.get_by_label("Elternarbeit (1 von 1 Plätzen frei)").check()
    page.get_by_label("Organisation").fill("Familienzentrum Arche")
    page.get_by_role("button", name="Zusagen und anmelden").click()
    expect(
        page.get_by_text("Sie sind angemeldet. Die Bestätigung kommt per E-Mail.")
    ).to_be_visible()
    violations += axe()
    frieda = Anmeldung.objects.get(email="frieda@test.example")
    assert frieda.status == "bestaetigt" and frieda.organisation_name == "Familienzentrum Arche"
    confirmation = Mail.objects.get(template="anmeldung_bestaetigt", to=["frieda@test.example"])
    manage = re.search(r"http\S+/anmeldung/\S+/", confirmation.body_text).group(0)

    wanda, _ = anmeldung_create(
        veranstaltung=event, name="Wanda", email="wanda@test.example",
        arbeitsgruppen=list(event.arbeitsgruppen.all()),
    )  # fmt: skip
    assert wanda.status == "warteliste"
    page.goto(live_server.url + manage[manage.index("/konferenzen/") :])
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Absagen").click()
    expect(page.get_by_text("Ihre Anmeldung ist abgesagt.")).to_be_visible()
    wanda.refresh_from_db()
    assert wanda.status == "bestaetigt"
    assert Mail.objects.filter(
        template="anmeldung_nachgerueckt", to=["wanda@test.example"]
    ).exists()
    assert violations == [], "\n".join(violations)


def test_the_coordinators_pages_of_an_event_pass_axe(page, live_server, welt, login_as, axe):
    from django.utils import timezone

    from konferenzen.models import Veranstaltung
    from konferenzen.services import anmeldung_create

    start = timezone.now() + timedelta(days=30)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Netzwerktreffen", start=start,
        end=start + timedelta(hours=2), capacity=1, visibility="members",
    )  # fmt: skip
    for name in ("Ida", "Wanda"):
        anmeldung_create(veranstaltung=event, name=name, email=f"{name}@test.example")
    login_as(welt.users["koordination"])
    violations = []
    for name in ("anmeldung-list", "einladung-list", "tag", "nachbereitung"):
        page.goto(f"{live_server.url}{reverse(f'konferenzen:{name}', args=[event.pk])}")
        expect(page.get_by_role("heading", name="Netzwerktreffen")).to_be_visible()
        violations += axe()
    page.goto(f"{live_server.url}{reverse('konferenzen:einladung-list', args=[event.pk])}")
    page.get_by_label("eine Liste (einfügen oder hochladen)").check()
    page.get_by_label("Liste zum Einfügen").fill("Anna <anna@test.example>\nfalsch")
    page.get_by_role("button", name="Vorschau").click()
    expect(page.get_by_text("1 Person wird eingeladen.")).to_be_visible()
    violations += axe()
    page.get_by_role("button", name="1 Einladung senden").click()
    expect(page.get_by_text("1 Einladung wird versandt.")).to_be_visible()
    violations += axe()
    assert violations == [], "\n".join(violations)
