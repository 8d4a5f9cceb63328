"""Registration: capacity from rows under the event's lock, waiting list, personal link."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from konferenzen import services
from konferenzen.models import Anmeldung, Arbeitsgruppe, Veranstaltung
from netzwerk.models import Mail

pytestmark = pytest.mark.django_db


def _event(capacity=30, **extra) -> Veranstaltung:
    start = timezone.now() + timedelta(days=14)
    return Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Präventionskonferenz", start=start,
        end=start + timedelta(hours=6), capacity=capacity, visibility="public", **extra,
    )  # fmt: skip


def _register(event, i, **extra) -> Anmeldung:
    anmeldung, _ = services.anmeldung_create(
        veranstaltung=event, name=f"Person {i}", email=f"p{i}@test.example", **extra
    )
    return anmeldung


def test_it_puts_the_31st_registration_on_the_waiting_list():
    event = _event(capacity=30)
    statuses = [_register(event, i).status for i in range(31)]
    assert statuses.count("bestaetigt") == 30 and statuses[-1] == "warteliste"
    assert Mail.objects.filter(template="anmeldung_warteliste").get().to == ["p30@test.example"]


def test_a_full_working_group_puts_only_its_people_on_the_waiting_list():
    event = _event(capacity=10)
    lotsen = Arbeitsgruppe.objects.create(veranstaltung=event, name="Lotsen", capacity=1)
    zugaenge = Arbeitsgruppe.objects.create(veranstaltung=event, name="Zugänge", capacity=5)
    assert _register(event, 1, arbeitsgruppen=[lotsen]).status == "bestaetigt"
    assert _register(event, 2, arbeitsgruppen=[lotsen]).status == "warteliste"
    assert _register(event, 3, arbeitsgruppen=[zugaenge]).status == "bestaetigt"


def test_two_groups_of_one_time_slot_are_refused():
    event = _event()
    a = Arbeitsgruppe.objects.create(veranstaltung=event, name="A", runde=1)
    b = Arbeitsgruppe.objects.create(veranstaltung=event, name="B", runde=1)
    c = Arbeitsgruppe.objects.create(veranstaltung=event, name="C", runde=2)
    with pytest.raises(ValidationError, match="höchstens eine"):
        _register(event, 1, arbeitsgruppen=[a, b])
    assert _register(event, 2, arbeitsgruppen=[a, c]).status == "bestaetigt"


def test_registering_outside_the_window_is_refused():
    now = timezone.now()
    early = _event(registration_opens=now + timedelta(days=1))
    late = _event(registration_closes=now - timedelta(minutes=1))
    for event in (early, late):
        with pytest.raises(ValidationError, match="nicht geöffnet"):
            _register(event, 1)
    assert not Anmeldung.objects.exists()


def test_the_same_address_twice_registers_once():
    event = _event()
    first, created = services.anmeldung_create(
        veranstaltung=event, name="Ada", email="Ada@Test.example"
    )
    again, created_again = services.anmeldung_create(
        veranstaltung=event, name="Ada", email="ada@test.example "
    )
    assert created and not created_again and again.pk == first.pk
    assert Anmeldung.objects.count() == 1
    assert Mail.objects.count() == 1


def test_a_cancellation_confirms_the_next_who_fits_and_mails_them():
    event = _event(capacity=2)
    lotsen = Arbeitsgruppe.objects.create(veranstaltung=event, name="Lotsen", capacity=1)
    erste = _register(event, 1, arbeitsgruppen=[lotsen])
    _register(event, 2)
    wartet_auf_lotsen = _register(event, 3, arbeitsgruppen=[lotsen])
    wartet_ohne = _register(event, 4)
    assert [wartet_auf_lotsen.status, wartet_ohne.status] == ["warteliste", "warteliste"]
    zweite = Anmeldung.objects.get(email="p2@test.example")
    promoted = services.anmeldung_cancel(anmeldung=zweite)
    # A seat in the event, but the Lotsen group is still full: the next in line who fits moves up.
    assert promoted == [wartet_ohne]
    services.anmeldung_cancel(anmeldung=erste)
    wartet_auf_lotsen.refresh_from_db()
    assert wartet_auf_lotsen.status == "bestaetigt"
    nachgerueckt = Mail.objects.filter(template="anmeldung_nachgerueckt")
    assert sorted(m.to[0] for m in nachgerueckt) == ["p3@test.example", "p4@test.example"]
    assert services.anmeldung_cancel(anmeldung=zweite) == [], "cancelling twice changes nothing"
    assert Anmeldung.objects.filter(status="bestaetigt").count() == 2


def test_the_coordination_promotes_by_hand_but_never_past_the_capacity():
    event = _event(capacity=1)
    _register(event, 1)
    wartend = _register(event, 2)
    with pytest.raises(ValidationError, match="Kein Platz frei"):
        services.anmeldung_promote(anmeldung=wartend)
    Veranstaltung.objects.filter(pk=event.pk).update(capacity=2)
    assert services.anmeldung_promote(anmeldung=wartend).status == "bestaetigt"
    with pytest.raises(ValidationError, match="nicht \\(mehr\\)"):
        services.anmeldung_promote(anmeldung=wartend)


def test_the_personal_link_shows_and_cancels_the_registration(client):
    event = _event(capacity=1)
    mine = _register(event, 1)
    waiting = _register(event, 2)
    url = reverse("konferenzen:anmeldung-manage", args=[mine.token])
    assert "bestätigt" in client.get(url).content.decode()
    assert url in Mail.objects.get(template="anmeldung_bestaetigt").body_text
    client.post(url, {"absagen": "1"})
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == ("storniert", "bestaetigt")
    assert (
        client.get(reverse("konferenzen:anmeldung-manage", args=["gefaelscht"])).status_code == 404
    )


def _race(event, n: int, monkeypatch) -> None:
    """n registrations at the same moment; counting is slowed down so that, without the lock,
    every one of them counts before any has written."""
    original = services._fits

    def slow_fits(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(0.05)
        return result

    monkeypatch.setattr(services, "_fits", slow_fits)
    barrier = threading.Barrier(n)
    errors = []

    def register(i: int):
        barrier.wait()
        try:
            _register(event, 100 + i)
        except Exception as error:  # noqa: BLE001 - shown below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="Nebenläufigkeit auf PostgreSQL."
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_registrations_for_the_last_three_seats_never_overbook(monkeypatch):
    event = _event(capacity=10)
    for i in range(7):
        _register(event, i)
    _race(event, 20, monkeypatch)
    assert Anmeldung.objects.filter(status="bestaetigt").count() == 10
    assert Anmeldung.objects.filter(status="warteliste").count() == 17


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_same_race_overbooks(monkeypatch, settings):
    """The debug switch off: shows that the test above would catch a missing lock."""
    settings.KONFERENZEN_SPERRE = False
    event = _event(capacity=10)
    for i in range(7):
        _register(event, i)
    _race(event, 20, monkeypatch)
    assert Anmeldung.objects.filter(status="bestaetigt").count() > 10


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_cancellations_move_up_each_waiting_person_once():
    event = _event(capacity=5)
    for i in range(10):
        _register(event, i)
    confirmed = list(Anmeldung.objects.filter(status="bestaetigt"))
    barrier = threading.Barrier(len(confirmed))

    def cancel(anmeldung):
        barrier.wait()
        try:
            services.anmeldung_cancel(anmeldung=anmeldung)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(a,)) for a in confirmed]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Anmeldung.objects.filter(status="bestaetigt").count() == 5
    assert Anmeldung.objects.filter(status="warteliste").count() == 0
    nachgerueckt = Mail.objects.filter(template="anmeldung_nachgerueckt")
    assert nachgerueckt.count() == 5 and len({m.to[0] for m in nachgerueckt}) == 5
