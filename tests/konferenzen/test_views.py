"""Events in the portal: list, page, registration form, calendar file."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from konferenzen.models import Anmeldung, Arbeitsgruppe, Veranstaltung

pytestmark = pytest.mark.django_db


@pytest.fixture
def konferenz(db):
    start = timezone.now() + timedelta(days=20)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="2. Präventionskonferenz", start=start,
        end=start + timedelta(hours=5), place="Rathaus", room="Ratssaal", capacity=2,
        visibility="public",
    )  # fmt: skip
    Arbeitsgruppe.objects.create(veranstaltung=event, name="Demokratie fördern", capacity=1)
    Arbeitsgruppe.objects.create(veranstaltung=event, name="Kinderarmut", capacity=5)
    return event


def _url(event) -> str:
    return reverse("konferenzen:veranstaltung-detail", args=[event.pk])


def test_a_partner_registers_for_a_working_group(client_as, welt, konferenz):
    gruppe = konferenz.arbeitsgruppen.get(name="Demokratie fördern")
    client = client_as("partner")
    page = client.get(_url(konferenz)).content.decode()
    assert "Demokratie fördern (1 von 1 Plätzen frei)" in page
    response = client.post(
        _url(konferenz), {"runde_1": gruppe.pk, "needs": "vegetarisch", "on_list": "on"}
    )
    assert response.status_code == 302
    anmeldung = Anmeldung.objects.get()
    assert anmeldung.status == "bestaetigt" and list(anmeldung.arbeitsgruppen.all()) == [gruppe]
    assert anmeldung.organisation == welt.organisation and anmeldung.on_list
    assert anmeldung.email == welt.users["partner"].email
    page = client.get(_url(konferenz)).content.decode()
    assert "Sie sind angemeldet: bestätigt." in page
    again = client.post(_url(konferenz), {"runde_1": gruppe.pk})
    assert again.status_code == 302 and Anmeldung.objects.count() == 1


def test_a_full_group_puts_the_next_on_the_waiting_list_with_a_clear_message(
    client_as, welt, konferenz
):
    gruppe = konferenz.arbeitsgruppen.get(name="Demokratie fördern")
    client_as("partner").post(_url(konferenz), {"runde_1": gruppe.pk})
    response = client_as("moderation").post(_url(konferenz), {"runde_1": gruppe.pk}, follow=True)
    assert "Warteliste" in response.content.decode()
    assert Anmeldung.objects.get(user=welt.users["moderation"]).status == "warteliste"


def test_the_public_sees_the_event_but_registers_with_an_account(client, konferenz):
    page = client.get(_url(konferenz)).content.decode()
    assert "Ratssaal" in page and "Teilnehmen können Partner mit ihrem Konto im Portal" in page
    assert client.post(_url(konferenz), {}).status_code == 200
    assert not Anmeldung.objects.exists()


def test_the_calendar_file_parses_back(client, konferenz):
    response = client.get(reverse("konferenzen:veranstaltung-ics", args=[konferenz.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "2. Präventionskonferenz"
    assert event.decoded("dtstart") == konferenz.start.replace(microsecond=0)
    assert str(event["location"]) == "Rathaus, Ratssaal"


def test_the_list_needs_the_same_queries_for_2_or_20_events(client_as, welt, konferenz):
    client = client_as("partner")
    url = reverse("konferenzen:veranstaltung-list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for i in range(18):
        start = timezone.now() + timedelta(days=i + 1)
        Veranstaltung.objects.create(
            art="netzwerktreffen", title=f"T{i}", start=start, end=start, visibility="public",
            capacity=10,
        )  # fmt: skip
    assert queries() == few


def test_members_events_are_not_listed_for_the_public(client, client_as, welt):
    start = timezone.now() + timedelta(days=3)
    Veranstaltung.objects.create(
        art="netzwerktreffen", title="Internes Treffen", start=start, end=start,
        visibility="members",
    )  # fmt: skip
    url = reverse("konferenzen:veranstaltung-list")
    assert "Internes Treffen" not in client.get(url).content.decode()
    assert "Internes Treffen" in client_as("partner").get(url).content.decode()


def test_the_confirmation_carries_the_event_as_a_calendar_entry(client_as, welt, konferenz):
    from django.core import mail

    from netzwerk.mail import mail_deliver
    from netzwerk.models import Mail

    client_as("partner").post(_url(konferenz), {})
    row = Mail.objects.get(template="anmeldung_bestaetigt")
    assert mail_deliver(mail_id=row.pk) == "sent"
    [(filename, content, mimetype)] = mail.outbox[-1].attachments
    assert (filename, mimetype) == ("veranstaltung.ics", "text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["summary"]) == "2. Präventionskonferenz"


def test_the_personal_feed_lists_ones_registrations_and_a_new_address_retires_the_old(
    client, client_as, welt, konferenz
):
    start = timezone.now() + timedelta(days=5)
    Veranstaltung.objects.create(
        art="netzwerktreffen", title="Nicht angemeldet", start=start, end=start, visibility="public"
    )
    partner = client_as("partner")
    partner.post(_url(konferenz), {})
    page = partner.get(reverse("konferenzen:kalender-abo")).content.decode()
    old = page.split('id="abo-url"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    feed = client.get(old)
    summaries = [str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert summaries == ["2. Präventionskonferenz"]
    partner.post(reverse("konferenzen:kalender-abo"))
    assert client.get(old).status_code == 404


def test_the_public_feed_has_public_events_only(client, konferenz):
    start = timezone.now() + timedelta(days=5)
    Veranstaltung.objects.create(
        art="netzwerktreffen", title="Intern", start=start, end=start, visibility="members"
    )
    feed = client.get(reverse("konferenzen:kalender-public"))
    summaries = [str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert summaries == ["2. Präventionskonferenz"]


def test_past_events_are_listed_apart_with_a_word_that_they_took_place(client_as, konferenz):
    Veranstaltung.objects.filter(pk=konferenz.pk).update(
        start=timezone.now() - timedelta(days=3), end=timezone.now() - timedelta(days=3)
    )
    client = client_as("partner")
    url = reverse("konferenzen:veranstaltung-list")
    assert konferenz.title not in client.get(url).content.decode()
    assert konferenz.title in client.get(url, {"vergangen": "1"}).content.decode()
    assert "Die Veranstaltung hat stattgefunden." in client.get(_url(konferenz)).content.decode()


def test_a_full_event_says_so_before_one_registers(client_as, konferenz):
    from konferenzen.services import anmeldung_create

    for i in range(2):
        anmeldung_create(veranstaltung=konferenz, name=f"P{i}", email=f"p{i}@test.example")
    page = client_as("partner").get(_url(konferenz)).content.decode()
    assert "Ausgebucht" in page and "Auf die Warteliste setzen" in page


def test_an_unknown_personal_link_gets_a_clear_page(client):
    response = client.get(reverse("konferenzen:anmeldung-manage", args=["erfunden"]))
    assert response.status_code == 404
    assert "Dieser Link zu einer Anmeldung ist ungültig" in response.content.decode()
