"""Planning events in the portal (konferenzen.planung and its pages): create once or as a
series, edit with notice to the registered, copy for next year, cancel, agenda and working
groups; a moderator plans their own forum's meetings only."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from konferenzen import planung, services
from konferenzen.forms import AnmeldungForm
from konferenzen.models import Anmeldung, Arbeitsgruppe, Tagesordnungspunkt, Veranstaltung, Versand
from netzwerk.models import Mail

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def _local(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_current_timezone())


def _post_data(**extra) -> dict:
    start = timezone.localtime(timezone.now() + timedelta(days=30)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    data = {
        "art": "workshop",
        "title": "Werkstatt Übergänge",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Rathaus, Markt 1",
        "visibility": "members",
        "abfragen": ["needs", "on_list"],
        "wiederholung": "",
        "abstand": "1",
        "anzahl": "6",
    }
    data.update(extra)
    return data


def _event(*, days=30, capacity=None, forum=None, **extra) -> Veranstaltung:
    start = timezone.now() + timedelta(days=days)
    return Veranstaltung.objects.create(
        art="forumssitzung" if forum else "praeventionskonferenz", title="Konferenz 2026",
        start=start, end=start + timedelta(hours=6), place="Stadthalle", capacity=capacity,
        forum=forum, visibility="public", **extra,
    )  # fmt: skip


def _register(event, n: int, **extra) -> list[Anmeldung]:
    return [
        services.anmeldung_create(
            veranstaltung=event,
            name=f"Person {i}",
            email=f"p{i}-{event.pk}@test.example",
            **extra,
        )[0]  # fmt: skip
        for i in range(n)
    ]


# --- Creating --------------------------------------------------------------------------------
def test_a_coordinator_creates_an_event_and_continues_to_its_programme(client_as, welt):
    response = client_as("koordination").post(
        reverse("konferenzen:veranstaltung-create"), _post_data()
    )
    event = Veranstaltung.objects.get(title="Werkstatt Übergänge")
    assert response.status_code == 302
    assert response["Location"] == reverse("konferenzen:programm", kwargs={"pk": event.pk})
    assert event.created_by == welt.users["koordination"]
    assert event.art == "workshop" and event.place == "Rathaus, Markt 1"
    assert timezone.localtime(event.start).hour == 9


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"end": "2020-01-01T08:00"}, "end", "Das Ende muss nach dem Beginn liegen."),
        ({"place": "", "online_url": ""}, "place", "Bitte geben Sie einen Ort an"),
        ({"start": "morgen früh"}, "start", "Bitte ein gültiges Datum und Uhrzeit eingeben."),
        ({"art": "forumssitzung"}, "forum", "Eine Forumssitzung gehört zu einem Forum"),
    ],
)
def test_bad_input_gets_a_german_message_and_keeps_what_was_typed(
    client_as, welt, extra, field, message
):
    response = client_as("koordination").post(
        reverse("konferenzen:veranstaltung-create"), _post_data(**extra)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert "Werkstatt Übergänge" in response.content.decode()
    assert not Veranstaltung.objects.filter(title="Werkstatt Übergänge").exists()


def test_the_registration_window_must_end_before_the_event(welt):
    event = _event()
    event.registration_closes = event.end + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        planung.veranstaltung_save(veranstaltung=event, by=welt.users["koordination"])
    assert "registration_closes" in error.value.error_dict


def test_a_moderator_plans_a_meeting_of_their_forum_and_invites_its_members(client_as, welt):
    forum = welt.forum_members
    member = UserFactory(email="mitglied@test.example")
    forum.members.add(member)
    response = client_as("moderation").post(
        reverse("konferenzen:veranstaltung-create") + f"?forum={forum.slug}",
        _post_data(art="workshop", forum=forum.pk, mitglieder_einladen="on"),
    )
    assert response.status_code == 302
    event = Veranstaltung.objects.get(title="Werkstatt Übergänge")
    # The kind is fixed for moderators, whatever was posted.
    assert event.art == Veranstaltung.Art.FORUMSSITZUNG and event.forum == forum
    versand = Versand.objects.get(veranstaltung=event)
    # The worker writes the invitations after commit; the run holds its recipients: the
    # members, not the moderator who planned it.
    assert {r["email"] for r in versand.recipients} == {member.email}
    assert versand.total == 1


def test_a_moderator_cannot_plan_for_another_forum(client_as, welt):
    response = client_as("moderation").post(
        reverse("konferenzen:veranstaltung-create"), _post_data(forum=welt.forum_other.pk)
    )
    assert response.status_code == 200
    assert "forum" in response.context["form"].errors
    assert not Veranstaltung.objects.exists()
    # The service refuses as well, should a form ever let it through.
    start = timezone.now() + timedelta(days=3)
    event = Veranstaltung(
        art="forumssitzung", title="Fremd", start=start, end=start + timedelta(hours=1),
        place="x", forum=welt.forum_other,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        planung.veranstaltung_save(veranstaltung=event, by=welt.users["moderation"])


def test_a_moderator_cannot_edit_an_event_of_another_forum(client_as, welt):
    event = _event(forum=welt.forum_other)
    client = client_as("moderation")
    assert (
        client.get(reverse("konferenzen:veranstaltung-edit", kwargs={"pk": event.pk})).status_code
        == 404
    )
    own = _event(forum=welt.forum_members)
    assert (
        client.get(reverse("konferenzen:veranstaltung-edit", kwargs={"pk": own.pk})).status_code
        == 200
    )


# --- Series -----------------------------------------------------------------------------------
def test_a_series_creates_every_date_at_the_same_local_time_across_summer_time(client_as, welt):
    # Four-weekly from 5 March 2030, 17:00: the summer time change (31 March) lies between.
    response = client_as("koordination").post(
        reverse("konferenzen:veranstaltung-create"),
        _post_data(
            art="forumssitzung",
            forum=welt.forum_members.pk,
            start="2030-03-05T17:00",
            end="2030-03-05T19:00",
            wiederholung="wochen",
            abstand="4",
            anzahl="3",
        ),  # fmt: skip
    )
    assert response.status_code == 302
    termine = list(Veranstaltung.objects.order_by("start"))
    assert [timezone.localtime(t.start).strftime("%d.%m. %H:%M") for t in termine] == [
        "05.03. 17:00",
        "02.04. 17:00",
        "30.04. 17:00",
    ]
    assert all(timezone.localtime(t.end).hour == 19 for t in termine)
    assert len({t.serie for t in termine}) == 1 and termine[0].serie is not None


def test_a_monthly_series_on_the_31st_takes_the_last_day_of_short_months():
    termine = planung.serie_termine(
        start=_local(2031, 1, 31, 10, 0), einheit="monate", abstand=1, anzahl=3
    )
    assert [timezone.localtime(t).date().isoformat() for t in termine] == [
        "2031-01-31",
        "2031-02-28",
        "2031-03-31",
    ]


def test_a_series_needs_at_least_two_dates(client_as, welt):
    response = client_as("koordination").post(
        reverse("konferenzen:veranstaltung-create"), _post_data(wiederholung="monate", anzahl="1")
    )
    assert "Eine Serie hat mindestens 2 Termine." in response.context["form"].errors["anzahl"]


# --- Editing ----------------------------------------------------------------------------------
def _edit_data(event, **extra) -> dict:
    data = {
        "art": event.art, "title": event.title,
        "start": timezone.localtime(event.start).strftime("%Y-%m-%dT%H:%M"),
        "end": timezone.localtime(event.end).strftime("%Y-%m-%dT%H:%M"),
        "place": event.place, "visibility": event.visibility,
        "capacity": event.capacity or "", "abfragen": ["needs"],
    }  # fmt: skip
    data.update(extra)
    return data


def test_moving_an_event_tells_the_registered_when_asked(client_as, welt):
    event = _event()
    _register(event, 2)
    later = timezone.localtime(event.start + timedelta(days=7))
    response = client_as("koordination").post(
        reverse("konferenzen:veranstaltung-edit", kwargs={"pk": event.pk}),
        _edit_data(
            event,
            start=later.strftime("%Y-%m-%dT%H:%M"),
            end=(later + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
            benachrichtigen="on",
        ),  # fmt: skip
    )
    assert response.status_code == 302
    mails = Mail.objects.filter(template="veranstaltung_geaendert")
    assert mails.count() == 2
    assert later.strftime("%d.%m.%Y") in mails.first().body_text


@pytest.mark.parametrize("notify", [False, True])
def test_no_notice_without_the_tick_or_without_a_change_of_time_or_place(welt, notify):
    event = _event()
    _register(event, 1)
    event.description = "Neu beschrieben"  # neither time nor place
    planung.veranstaltung_save(veranstaltung=event, by=welt.users["koordination"], notify=notify)
    event.place = "Bürgerhaus"
    planung.veranstaltung_save(veranstaltung=event, by=welt.users["koordination"], notify=False)
    assert not Mail.objects.filter(template="veranstaltung_geaendert").exists()


def test_the_seats_cannot_drop_below_those_taken_and_raising_them_moves_the_list_up(welt):
    event = _event(capacity=2)
    erste, zweite, dritte = _register(event, 3)
    assert dritte.status == Anmeldung.Status.WARTELISTE
    event.capacity = 1
    with pytest.raises(ValidationError) as error:
        planung.veranstaltung_save(veranstaltung=event, by=welt.users["koordination"])
    assert "Schon 2 Plätze sind vergeben" in str(error.value)
    event.capacity = 3
    planung.veranstaltung_save(veranstaltung=event, by=welt.users["koordination"])
    dritte.refresh_from_db()
    assert dritte.status == Anmeldung.Status.BESTAETIGT


# --- Copy and cancel ------------------------------------------------------------------------
def test_copy_makes_next_years_conference_in_one_step(client_as, welt):
    event = _event(days=40)
    event.registration_closes = event.start - timedelta(days=7)
    event.save()
    Tagesordnungspunkt.objects.create(
        veranstaltung=event, title="Begrüßung", time=time(9), position=10
    )
    Arbeitsgruppe.objects.create(veranstaltung=event, name="Übergänge", capacity=20)
    _register(event, 2)
    new_start = timezone.localtime(event.start) + timedelta(days=364)
    response = client_as("koordination").post(
        reverse("konferenzen:veranstaltung-copy", kwargs={"pk": event.pk}),
        {"title": "Präventionskonferenz 2027", "start": new_start.strftime("%Y-%m-%dT%H:%M")},
    )
    copy = Veranstaltung.objects.get(title="Präventionskonferenz 2027")
    assert response.status_code == 302
    assert copy.end - copy.start == event.end - event.start
    assert copy.start - copy.registration_closes == event.start - event.registration_closes
    assert list(copy.tagesordnung.values_list("title", flat=True)) == ["Begrüßung"]
    assert list(copy.arbeitsgruppen.values_list("name", "capacity")) == [("Übergänge", 20)]
    assert copy.anmeldungen.count() == 0 and copy.einladungen.count() == 0
    assert event.anmeldungen.count() == 2


def test_the_copy_form_proposes_next_year_and_the_title_with_next_years_number(client_as, welt):
    event = _event(days=40)
    event.title = f"Präventionskonferenz {timezone.localtime(event.start).year}"
    event.save()
    response = client_as("koordination").get(
        reverse("konferenzen:veranstaltung-copy", kwargs={"pk": event.pk})
    )
    form = response.context["form"]
    assert (
        form.initial["title"] == f"Präventionskonferenz {timezone.localtime(event.start).year + 1}"
    )
    assert form.initial["start"].year == timezone.localtime(event.start).year + 1


def test_cancelling_tells_everyone_registered_and_closes_the_registration(client_as, welt):
    event = _event(capacity=1)
    bestaetigt, wartend = _register(event, 2)
    client = client_as("koordination")
    url = reverse("konferenzen:veranstaltung-cancel", kwargs={"pk": event.pk})
    assert "2 angemeldete oder wartende Personen" in client.get(url).content.decode()
    response = client.post(url, {"reason": "Der Saal ist wegen Wasserschadens gesperrt."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None
    mails = Mail.objects.filter(template="veranstaltung_abgesagt")
    assert sorted(m.to[0] for m in mails) == sorted([bestaetigt.email, wartend.email])
    assert "Wasserschadens" in mails.first().body_text
    assert set(event.anmeldungen.values_list("status", flat=True)) == {Anmeldung.Status.STORNIERT}
    with pytest.raises(ValidationError):
        services.anmeldung_create(veranstaltung=event, name="Spät", email="spaet@test.example")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Diese Veranstaltung ist abgesagt." in page


def test_cancelling_needs_a_reason(welt):
    event = _event()
    with pytest.raises(ValidationError) as error:
        planung.veranstaltung_cancel(
            veranstaltung=event, reason="  ", by=welt.users["koordination"]
        )
    assert "reason" in error.value.error_dict
    event.refresh_from_db()
    assert event.cancelled_at is None


# --- Agenda -----------------------------------------------------------------------------------
def test_agenda_items_move_with_buttons(client_as, welt):
    event = _event()
    user = welt.users["koordination"]
    a, b, c = (
        planung.top_save(top=Tagesordnungspunkt(veranstaltung=event, title=t), by=user)
        for t in ("Begrüßung", "Vortrag", "Pause")
    )
    client = client_as("koordination")
    client.post(
        reverse("konferenzen:top-move", kwargs={"pk": event.pk, "top_pk": c.pk}),
        {"richtung": "hoch"},
    )
    client.post(
        reverse("konferenzen:top-move", kwargs={"pk": event.pk, "top_pk": a.pk}),
        {"richtung": "hoch"},
    )
    order = list(event.tagesordnung.order_by("position").values_list("title", flat=True))
    assert order == ["Begrüßung", "Pause", "Vortrag"]  # the first cannot go further up
    page = client.get(reverse("konferenzen:programm", kwargs={"pk": event.pk})).content.decode()
    assert page.index("Begrüßung") < page.index("Pause") < page.index("Vortrag")


def test_an_agenda_item_must_end_after_it_begins(client_as, welt):
    event = _event()
    response = client_as("koordination").post(
        reverse("konferenzen:programm", kwargs={"pk": event.pk}),
        {"aktion": "top", "top-title": "Vortrag", "top-time": "10:00", "top-end_time": "09:30"},
    )
    assert response.status_code == 200
    assert "Das Ende muss nach dem Beginn liegen." in response.content.decode()
    assert not event.tagesordnung.exists()


# --- Working groups ---------------------------------------------------------------------------
def _groups(event):
    alt = Arbeitsgruppe.objects.create(veranstaltung=event, name="Sprache", capacity=5)
    neu = Arbeitsgruppe.objects.create(veranstaltung=event, name="Bewegung", capacity=3)
    return alt, neu


def test_removing_a_group_moves_its_people_where_the_coordinator_says(client_as, welt):
    event = _event()
    alt, neu = _groups(event)
    leute = _register(event, 2, arbeitsgruppen=[alt])
    url = reverse("konferenzen:gruppe-delete", kwargs={"pk": event.pk, "gruppe_pk": alt.pk})
    client = client_as("koordination")
    assert "2 Personen haben diese Arbeitsgruppe gewählt" in client.get(url).content.decode()
    response = client.post(url, {"ziel": neu.pk})
    assert response.status_code == 302
    assert not Arbeitsgruppe.objects.filter(pk=alt.pk).exists()
    for anmeldung in leute:
        assert list(anmeldung.arbeitsgruppen.all()) == [neu]
    assert Mail.objects.filter(template="arbeitsgruppe_entfallen").count() == 2


def test_removing_a_group_into_one_without_room_changes_nothing(client_as, welt):
    event = _event()
    alt, neu = _groups(event)
    _register(event, 4, arbeitsgruppen=[alt])
    response = client_as("koordination").post(
        reverse("konferenzen:gruppe-delete", kwargs={"pk": event.pk, "gruppe_pk": alt.pk}),
        {"ziel": neu.pk},
    )
    assert response.status_code == 200
    assert "„Bewegung“ hat nur noch 3 freie Plätze für 4 Personen" in response.content.decode()
    assert alt.anmeldungen.count() == 4 and neu.anmeldungen.count() == 0


def test_removing_a_group_without_target_keeps_the_registrations(welt):
    event = _event()
    alt, _neu = _groups(event)
    (anmeldung,) = _register(event, 1, arbeitsgruppen=[alt])
    planung.gruppe_delete(gruppe=alt, ziel=None, by=welt.users["koordination"])
    anmeldung.refresh_from_db()
    assert anmeldung.status == Anmeldung.Status.BESTAETIGT
    assert not anmeldung.arbeitsgruppen.exists()


def test_a_groups_seats_cannot_drop_below_those_taken(welt):
    event = _event()
    alt, _neu = _groups(event)
    _register(event, 2, arbeitsgruppen=[alt])
    alt.capacity = 1
    with pytest.raises(ValidationError) as error:
        planung.gruppe_save(gruppe=alt, by=welt.users["koordination"])
    assert "schon 2 Plätze vergeben" in str(error.value)


# --- What the registration asks ---------------------------------------------------------------
def test_the_registration_form_asks_only_what_the_organisers_chose(client_as, welt):
    event = _event(abfragen=["comment"])
    form = AnmeldungForm(veranstaltung=event, gruppen=[])
    assert "comment" in form.fields and "needs" not in form.fields and "on_list" not in form.fields
    client_as("partner").post(event.get_absolute_url(), {"comment": "Komme etwas später."})
    anmeldung = Anmeldung.objects.get(veranstaltung=event)
    assert anmeldung.comment == "Komme etwas später."


def test_editing_a_group_on_its_page_keeps_the_input_when_refused(client_as, welt):
    event = _event()
    alt, _neu = _groups(event)
    _register(event, 2, arbeitsgruppen=[alt])
    url = reverse("konferenzen:gruppe-edit", kwargs={"pk": event.pk, "gruppe_pk": alt.pk})
    client = client_as("koordination")
    data = {"name": "Sprache und Lesen", "runde": "1", "capacity": "1"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "schon 2 Plätze vergeben" in response.content.decode()
    assert 'value="Sprache und Lesen"' in response.content.decode()
    alt.refresh_from_db()
    assert (alt.name, alt.capacity) == ("Sprache", 5)
    assert client.post(url, {**data, "capacity": "2"}).status_code == 302
    alt.refresh_from_db()
    assert (alt.name, alt.capacity) == ("Sprache und Lesen", 2)


def test_editing_an_agenda_item_on_its_page(client_as, welt):
    event = _event()
    top = planung.top_save(
        top=Tagesordnungspunkt(veranstaltung=event, title="Vortrag"), by=welt.users["koordination"]
    )
    url = reverse("konferenzen:top-edit", kwargs={"pk": event.pk, "top_pk": top.pk})
    response = client_as("koordination").post(
        url,
        {"title": "Vortrag: Kinderarmut", "time": "10:00", "end_time": "10:45", "speaker": "Dr. A"},
    )
    assert response.status_code == 302
    top.refresh_from_db()
    assert (top.title, top.end_time) == ("Vortrag: Kinderarmut", time(10, 45))


def test_a_moderator_cannot_take_over_a_conference_linked_to_their_forum(client_as, welt):
    konferenz = _event(forum=welt.forum_members)
    konferenz.art = "praeventionskonferenz"
    konferenz.save()
    client = client_as("moderation")
    for name in ("veranstaltung-edit", "veranstaltung-cancel", "veranstaltung-copy", "programm"):
        url = reverse(f"konferenzen:{name}", kwargs={"pk": konferenz.pk})
        assert client.get(url).status_code == 404, name
        assert client.post(url, _edit_data(konferenz, reason="x")).status_code == 404, name
    konferenz.refresh_from_db()
    assert konferenz.art == "praeventionskonferenz" and konferenz.cancelled_at is None
    # Registrations and minutes of it stay theirs to manage, as before.
    url = reverse("konferenzen:anmeldung-list", kwargs={"pk": konferenz.pk})
    assert client.get(url).status_code == 200


def test_a_series_refuses_a_time_that_summer_time_skips():
    with pytest.raises(ValidationError, match="Umstellung auf Sommerzeit"):
        planung.serie_termine(
            start=_local(2031, 3, 16, 2, 30), einheit="wochen", abstand=1, anzahl=3
        )


def test_a_cancelled_events_programme_is_frozen_with_a_message(client_as, welt):
    event = _event()
    user = welt.users["koordination"]
    top = planung.top_save(top=Tagesordnungspunkt(veranstaltung=event, title="Start"), by=user)
    planung.veranstaltung_cancel(veranstaltung=event, reason="Erkrankt", by=user)
    client = client_as("koordination")
    response = client.post(
        reverse("konferenzen:top-delete", kwargs={"pk": event.pk, "top_pk": top.pk}), follow=True
    )
    assert "Die Veranstaltung ist abgesagt" in response.content.decode()
    assert Tagesordnungspunkt.objects.filter(pk=top.pk).exists()


def test_editing_keeps_what_the_form_does_not_hold(welt):
    event = _event()
    sent = timezone.now() - timedelta(hours=1)
    Veranstaltung.objects.filter(pk=event.pk).update(reminder_sent_at=sent)
    event.title = "Neuer Titel"  # the form's copy was loaded before the reminder went out
    planung.veranstaltung_save(veranstaltung=event, by=welt.users["koordination"])
    event.refresh_from_db()
    assert event.title == "Neuer Titel" and event.reminder_sent_at == sent


def test_a_cancelled_event_says_so_in_the_public_calendar(client, welt):
    event = _event()
    planung.veranstaltung_cancel(
        veranstaltung=event, reason="Erkrankt", by=welt.users["koordination"]
    )
    feed = client.get(reverse("konferenzen:kalender-public")).content.decode()
    assert "STATUS:CANCELLED" in feed and "SUMMARY:Abgesagt: Konferenz 2026" in feed
    assert "Erkrankt" in feed
