"""Check-in records who and when: every check-in and undo is a booking (Einlassbuchung) with the
acting account and the time; the day's page shows them; the statistics count them; and checking
in more than a day before the start asks to confirm first."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from konferenzen import einlass, selectors, services
from konferenzen.models import Anmeldung, Einlassbuchung, Veranstaltung

pytestmark = pytest.mark.django_db


def _event(forum=None, beginnt_in=timedelta(hours=1)) -> Veranstaltung:
    start = timezone.now() + beginnt_in
    return Veranstaltung.objects.create(
        art="netzwerktreffen", title="Netzwerktreffen", start=start,
        end=start + timedelta(hours=3), forum=forum,
    )  # fmt: skip


def _register(event, name) -> Anmeldung:
    email = name.lower().replace(" ", ".") + "@test.example"
    return services.anmeldung_create(veranstaltung=event, name=name, email=email)[0]


@pytest.fixture
def treffen(welt):
    event = _event(forum=welt.forum_members)
    for name in ("Anna Lotse", "Bernd Zugang", "Clara Ohnegruppe"):
        _register(event, name)
    return event


def _person(name) -> Anmeldung:
    return Anmeldung.objects.get(name=name)


def _anwesend(client, anmeldung, **data):
    url = reverse("konferenzen:tag-anwesend", args=[anmeldung.veranstaltung_id, anmeldung.pk])
    return client.post(url, data, HTTP_HX_REQUEST="true")


def _tag(client, event, **query):
    return client.get(reverse("konferenzen:tag", args=[event.pk]), query).content.decode()


def _uhr(at) -> str:
    return timezone.localtime(at).strftime("%H:%M")


# --- Bookings ------------------------------------------------------------------------------------


def test_every_check_in_and_undo_is_booked_with_who_and_when(client_as, welt, treffen):
    anna = _person("Anna Lotse")
    client = client_as("moderation")
    assert _anwesend(client, anna, aktion="anwesend").status_code == 200
    assert _anwesend(client, anna, aktion="anwesend").status_code == 200  # twice: one booking
    _anwesend(client_as("koordination"), anna, aktion="zuruecknehmen")
    buchungen = list(Einlassbuchung.objects.order_by("at", "pk"))
    assert [(b.anmeldung, b.aktion, b.by) for b in buchungen] == [
        (anna, "einlass", welt.users["moderation"]),
        (anna, "zurueck", welt.users["koordination"]),
    ]
    anna.refresh_from_db()
    assert anna.status == "bestaetigt"
    assert timezone.now() - buchungen[0].at < timedelta(minutes=1)


def test_the_qr_page_books_the_account_that_scanned(client_as, welt, treffen):
    bernd = _person("Bernd Zugang")
    url = reverse("konferenzen:checkin", args=[einlass.code_for(bernd)])
    client = client_as("moderation")
    client.post(url, {"aktion": "anwesend"})
    booking = Einlassbuchung.objects.get()
    assert (booking.anmeldung, booking.aktion, booking.by) == (
        bernd,
        "einlass",
        welt.users["moderation"],
    )
    page = client.get(url).content.decode()
    assert f"Eingelassen am {timezone.localtime(booking.at):%d.%m.%Y, %H:%M} Uhr von" in page
    assert welt.users["moderation"].display_name in page


def test_a_refused_check_in_books_nothing(client_as, treffen):
    treffen.capacity = 4
    treffen.save(update_fields=["capacity"])
    services.anmeldung_cancel(anmeldung=_register(treffen, "Emil Abgesagt"))
    treffen.capacity = 3
    treffen.save(update_fields=["capacity"])
    assert _register(treffen, "Dora Warteliste").status == "warteliste"
    client = client_as("koordination")
    for name, text in (("Emil Abgesagt", "abgesagt"), ("Dora Warteliste", "Warteliste")):
        assert text in _anwesend(client, _person(name), aktion="anwesend").content.decode()
    assert not Einlassbuchung.objects.exists()


def test_the_day_page_shows_who_checked_each_person_in_and_the_latest_bookings(
    client_as, welt, treffen
):
    anna, bernd = _person("Anna Lotse"), _person("Bernd Zugang")
    einlass.anmeldung_attend(anmeldung=anna, by=welt.users["moderation"])
    einlass.anmeldung_attend(anmeldung=bernd, by=welt.users["koordination"])
    einlass.anmeldung_attend_undo(anmeldung=bernd, by=welt.users["koordination"])
    anna.refresh_from_db()
    page = _tag(client_as("koordination"), treffen)
    moderation = welt.users["moderation"].display_name
    koordination = welt.users["koordination"].display_name
    assert f"eingelassen um {_uhr(anna.attended_at)} Uhr von {moderation}" in page
    assert "Einlass zurückgenommen um" in page and f"Uhr von {koordination}" in page
    recent = page[page.index("Zuletzt am Einlass") :]
    # Newest first: Bernd's undo, his check-in, Anna's check-in.
    order = [
        recent.index("Bernd Zugang: Einlass zurückgenommen"),
        recent.index("Bernd Zugang: eingelassen"),
        recent.index("Anna Lotse: eingelassen"),
    ]
    assert order == sorted(order)


def test_a_check_in_with_htmx_updates_the_latest_bookings_out_of_band(client_as, treffen):
    response = _anwesend(client_as("koordination"), _person("Clara Ohnegruppe"), aktion="anwesend")
    body = response.content.decode()
    assert '<div id="einlass-protokoll" data-hx-swap-oob="outerHTML">' in body
    assert "Clara Ohnegruppe: eingelassen" in body
    assert "eingelassen um" in body  # the row itself says who and when


def test_the_day_page_needs_the_same_queries_with_1_or_11_bookings(client_as, welt, treffen):
    client = client_as("koordination")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _tag(client, treffen)
        return len(captured)

    einlass.anmeldung_attend(anmeldung=_person("Anna Lotse"), by=welt.users["koordination"])
    few = queries()
    for i in range(10):
        einlass.anmeldung_attend(
            anmeldung=_register(treffen, f"Gast Nummer{i}"), by=welt.users["moderation"]
        )
    assert queries() == few


# --- Too early -----------------------------------------------------------------------------------


@pytest.fixture
def frueh(welt):
    """An event in three weeks."""
    event = _event(forum=welt.forum_members, beginnt_in=timedelta(days=21))
    _register(event, "Anna Lotse")
    return event


def test_the_service_refuses_a_check_in_weeks_ahead_unless_confirmed(frueh):
    anna = _person("Anna Lotse")
    with pytest.raises(ValidationError) as error:
        einlass.anmeldung_attend(anmeldung=anna)
    assert error.value.code == "zu_frueh"
    start = timezone.localtime(frueh.start)
    assert error.value.messages == [
        f"Die Veranstaltung beginnt erst am {start:%d.%m.%Y} um {start:%H:%M} Uhr. Anna Lotse "
        "trotzdem schon jetzt als anwesend eintragen?"
    ]
    anna.refresh_from_db()
    assert anna.status == "bestaetigt" and not Einlassbuchung.objects.exists()
    assert einlass.anmeldung_attend(anmeldung=anna, trotzdem=True) is True
    assert Einlassbuchung.objects.get().aktion == "einlass"


def test_a_day_ahead_at_most_needs_no_confirmation():
    event = _event(beginnt_in=timedelta(hours=23))
    assert einlass.anmeldung_attend(anmeldung=_register(event, "Ida Pünktlich")) is True


def test_the_waiting_list_gets_its_own_message_even_weeks_ahead(frueh):
    frueh.capacity = 1
    frueh.save(update_fields=["capacity"])
    wartend = _register(frueh, "Dora Warteliste")
    with pytest.raises(ValidationError, match="steht auf der Warteliste"):
        einlass.anmeldung_attend(anmeldung=wartend, trotzdem=True)
    with pytest.raises(ValidationError, match="steht auf der Warteliste"):
        einlass.anmeldung_attend(anmeldung=wartend)


def test_the_desk_asks_with_a_warning_and_a_confirm_button(client_as, frueh):
    anna = _person("Anna Lotse")
    client = client_as("koordination")
    assert "Wer jetzt als anwesend eingetragen wird, muss das bestätigen." in _tag(client, frueh)
    body = _anwesend(client, anna, aktion="anwesend").content.decode()
    anna.refresh_from_db()
    assert anna.status == "bestaetigt" and not Einlassbuchung.objects.exists()
    assert "Die Veranstaltung beginnt erst am" in body and "trotzdem schon jetzt" in body
    assert 'name="trotzdem" value="1"' in body and "Ja, trotzdem eintragen" in body
    _anwesend(client, anna, aktion="anwesend", trotzdem="1")
    anna.refresh_from_db()
    assert anna.status == "teilgenommen" and Einlassbuchung.objects.count() == 1


def test_without_javascript_and_from_the_scanner_the_page_asks_too(client_as, frueh):
    anna = _person("Anna Lotse")
    client = client_as("koordination")
    url = reverse("konferenzen:tag", args=[frueh.pk])
    response = client.post(url, {"q": einlass.checkin_url(anna)})
    assert response.status_code == 302 and f"bestaetigen={anna.pk}" in response.url
    page = client.get(response.url).content.decode()
    assert "Bitte bestätigen" in page and "Ja, trotzdem eintragen" in page
    assert "trotzdem schon jetzt als anwesend eintragen?" in page
    response = client.post(
        reverse("konferenzen:tag-anwesend", args=[frueh.pk, anna.pk]), {"aktion": "anwesend"}
    )
    assert f"bestaetigen={anna.pk}" in response.url
    anna.refresh_from_db()
    assert anna.status == "bestaetigt"


def test_the_qr_page_warns_and_its_button_confirms(client_as, frueh):
    anna = _person("Anna Lotse")
    url = reverse("konferenzen:checkin", args=[einlass.code_for(anna)])
    client = client_as("moderation")
    page = client.get(url).content.decode()
    assert "Die Veranstaltung beginnt erst am" in page
    assert "Ja, trotzdem als anwesend eintragen" in page and 'name="trotzdem"' in page
    client.post(url, {"aktion": "anwesend"})  # an old page without the confirmation
    anna.refresh_from_db()
    assert anna.status == "bestaetigt"
    client.post(url, {"aktion": "anwesend", "trotzdem": "1"})
    anna.refresh_from_db()
    assert anna.status == "teilgenommen"


# --- Statistics ----------------------------------------------------------------------------------


@pytest.fixture
def vorbei(welt):
    """Yesterday's meeting at 10:00: five came, checked in by two accounts; two check-ins were
    taken back (one of them made again, by the other account)."""
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    start -= timedelta(days=1)
    event = _event(forum=welt.forum_members, beginnt_in=timedelta(days=2))
    for i in range(6):
        _register(event, f"Gast {i}")
    Veranstaltung.objects.filter(pk=event.pk).update(start=start, end=start + timedelta(hours=3))
    event.refresh_from_db()
    personen = list(event.anmeldungen.select_related("veranstaltung").order_by("pk"))
    koordination, moderation = welt.users["koordination"], welt.users["moderation"]

    def um(minuten):
        return start + timedelta(minutes=minuten)

    for person, by, minuten in zip(
        personen[:5], [koordination] * 3 + [moderation] * 2, [-20, -12, -11, 2, 40], strict=True
    ):
        einlass.anmeldung_attend(anmeldung=person, by=by, now=um(minuten))
    einlass.anmeldung_attend_undo(anmeldung=personen[4], by=moderation, now=um(40.5))
    einlass.anmeldung_attend(anmeldung=personen[4], by=koordination, now=um(41))
    einlass.anmeldung_attend(anmeldung=personen[5], by=moderation, now=um(0))
    einlass.anmeldung_attend_undo(anmeldung=personen[5], by=moderation, now=um(1))
    return event


def test_the_statistics_count_check_ins_per_account_and_per_quarter_hour(welt, vorbei):
    stats = selectors.einlass_statistik(vorbei)
    assert (stats.eingelassen, stats.zurueckgenommen, stats.ohne_buchung) == (5, 2, 0)
    assert [(z.name, z.anzahl) for z in stats.nach_person] == [
        (welt.users["koordination"].display_name, 4),
        (welt.users["moderation"].display_name, 1),
    ]
    assert [(z.name, z.anzahl) for z in stats.ankunft] == [
        ("09:30–09:45", 1),
        ("09:45–10:00", 2),
        ("10:00–10:15", 1),
        ("10:15–10:30", 0),
        ("10:30–10:45", 1),
    ]
    assert stats.max_ankunft == 2


def test_presence_without_a_booking_is_counted_apart(vorbei):
    Anmeldung.objects.filter(pk=_person("Gast 5").pk).update(
        status="teilgenommen", attended_at=vorbei.start
    )
    assert selectors.einlass_statistik(vorbei).ohne_buchung == 1


def test_the_statistics_page_and_its_export_show_the_bookings(client_as, welt, vorbei):
    client = client_as("koordination")
    url = reverse("konferenzen:nachbereitung", args=[vorbei.pk])
    page = client.get(url).content.decode()
    assert "Einlass: wer und wann" in page and "Ankunft je Viertelstunde" in page
    assert "5 Personen beim Einlass eingetragen" in page and "2-mal zurückgenommen" in page
    assert welt.users["moderation"].display_name in page and "09:45–10:00" in page
    response = client.get(url, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Einlass: eingelassen von", welt.users["koordination"].display_name, "4"] in rows
    assert ["Einlass: Ankunft je Viertelstunde", "09:45–10:00", "2"] in rows


def test_without_bookings_the_page_says_so(client_as, treffen):
    page = (
        client_as("koordination")
        .get(reverse("konferenzen:nachbereitung", args=[treffen.pk]))
        .content.decode()
    )
    assert "Noch keine Buchungen am Einlass." in page
