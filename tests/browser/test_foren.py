"""A partner asks to join, the moderator accepts, the partner adds a Bedarf and gives points;
axe-core checks forum list, forum page, collection, voting view and the moderator's pages."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_partner_joins_a_forum_and_adds_a_bedarf(page, live_server, welt, login_as, axe):
    from foren.models import Beitrag, Beitrittsanfrage
    from foren.services import abstimmung_open
    from netzwerk.models import Lebensphase
    from tests.factories import BeitragFactory

    Lebensphase.objects.create(name="6-10 Jahre (Grundschule)", slug="grundschule")
    forum = welt.forum_public
    forum.moderators.add(welt.users["moderation"])
    partner = welt.users["gremium"]  # not yet a member of this forum
    violations = []

    login_as(partner)
    page.goto(f"{live_server.url}{reverse('foren:forum-list')}")
    violations += axe()
    vorher = page.url
    page.get_by_role("link", name="Forum Offen").click()
    expect(page).not_to_have_url(vorher)  # the next page is there
    violations += axe()
    page.get_by_label("Nachricht an die Moderation (freiwillig)").fill("Wir bringen die OGS ein.")
    page.get_by_role("button", name="Mitgliedschaft anfragen").click()
    expect(page.get_by_text("Ihre Anfrage ist bei der Moderation")).to_be_visible()
    assert Beitrittsanfrage.objects.filter(user=partner, status="offen").exists()

    login_as(welt.users["moderation"])
    page.goto(f"{live_server.url}{reverse('foren:mitglied-list', args=[forum.slug])}")
    expect(page.get_by_text("Wir bringen die OGS ein.")).to_be_visible()
    violations += axe()
    page.get_by_label("Nachricht an die Person (freiwillig)").fill("Willkommen!")
    page.get_by_role("button", name="Aufnehmen").click()
    expect(page.get_by_text("ist jetzt Mitglied")).to_be_visible()

    login_as(partner)
    page.goto(f"{live_server.url}{forum.get_absolute_url()}")
    expect(page.get_by_text("Sie sind Mitglied seit")).to_be_visible()
    page.get_by_role("link", name="Beitrag eintragen").first.click()
    page.get_by_label("Bedarf").check()
    page.get_by_label("Titel").fill("Hausaufgabenhilfe für Seiteneinsteiger")
    page.get_by_label("Beschreibung").fill("Es fehlen **Plätze** am Nachmittag.")
    page.get_by_label("6-10 Jahre (Grundschule)").check()
    violations += axe()
    page.get_by_role("button", name="Speichern").click()
    expect(
        page.get_by_role("heading", name="Hausaufgabenhilfe für Seiteneinsteiger")
    ).to_be_visible()
    expect(page.locator(".beitrag-text strong", has_text="Plätze")).to_be_visible()
    beitrag = Beitrag.objects.get(title="Hausaufgabenhilfe für Seiteneinsteiger")
    assert beitrag.art == "bedarf" and beitrag.author == partner
    violations += axe()

    page.goto(f"{live_server.url}{reverse('foren:beitrag-list', args=[forum.slug])}?art=bedarf")
    expect(page.get_by_role("link", name="Hausaufgabenhilfe für Seiteneinsteiger")).to_be_visible()
    violations += axe()

    runde = abstimmung_open(
        forum=forum,
        by=welt.users["koordination"],
        title="Was zuerst?",
        punkte=3,
        max_pro_beitrag=2,
        beitraege=[beitrag, BeitragFactory(forum=forum, title="Schwimmkurse")],
    )
    page.goto(f"{live_server.url}{runde.get_absolute_url()}")
    violations += axe()
    page.get_by_label("Bedarf: Hausaufgabenhilfe für Seiteneinsteiger").fill("3")
    page.get_by_role("button", name="Punkte speichern").click()
    expect(
        page.locator(".fehleruebersicht").get_by_text("Höchstens 2 Punkte auf einen Beitrag.")
    ).to_be_visible()
    violations += axe()
    page.get_by_label("Bedarf: Hausaufgabenhilfe für Seiteneinsteiger").fill("2")
    page.get_by_label("Bedarf: Schwimmkurse").fill("1")
    page.get_by_role("button", name="Punkte speichern").click()
    expect(page.get_by_text("Ihre 3 von 3 Punkten sind gespeichert")).to_be_visible()
    assert violations == [], "\n".join(violations)


def test_the_moderators_and_coordinators_pages_are_accessible(
    page, live_server, welt, login_as, axe
):
    from foren.services import abstimmung_close, abstimmung_open, stimmen_set
    from tests.factories import BeitragFactory

    forum = welt.forum_members
    beitraege = [BeitragFactory(forum=forum, title=t) for t in ("Treffpunkt", "Kinderarzt")]
    runde = abstimmung_open(
        forum=forum, by=welt.users["moderation"], title="Schwerpunkte", punkte=3,
        max_pro_beitrag=2, beitraege=beitraege,
    )  # fmt: skip
    stimmen_set(abstimmung=runde, user=welt.users["moderation"], verteilung={beitraege[0].pk: 2})
    abstimmung_close(abstimmung=runde, by=welt.users["moderation"])
    violations = []
    login_as(welt.users["moderation"])
    for name in ("abstimmung-create", "dokument-list", "beitrag-list"):
        page.goto(f"{live_server.url}{reverse(f'foren:{name}', args=[forum.slug])}")
        violations += axe()
    for name in ("abstimmung-detail", "abstimmung-present"):
        page.goto(f"{live_server.url}{reverse(f'foren:{name}', args=[forum.slug, runde.pk])}")
        violations += axe()
    login_as(welt.users["koordination"])
    for path in (
        reverse("foren:forum-overview"),
        reverse("foren:forum-create"),
        reverse("foren:interesse-create", args=[welt.forum_public.slug]),
    ):
        page.goto(f"{live_server.url}{path}")
        violations += axe()
    assert violations == [], "\n".join(violations)
