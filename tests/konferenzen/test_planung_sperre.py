"""Planning changes to the seats take the event's lock like every registration: lowering the
seats while someone registers never leaves more confirmed people than seats. The control
switches the lock off (settings.KONFERENZEN_SPERRE) and shows the overbooking it prevents."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from konferenzen import planung, selectors, services
from konferenzen.models import Anmeldung, Veranstaltung

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="Nebenläufigkeit auf PostgreSQL."),
    pytest.mark.django_db(transaction=True),
]


def _race(welt, monkeypatch) -> Veranstaltung:
    start = timezone.now() + timedelta(days=10)
    event = Veranstaltung.objects.create(
        art="workshop", title="Werkstatt", start=start, end=start + timedelta(hours=2),
        place="Rathaus", capacity=2, visibility="public",
    )  # fmt: skip
    services.anmeldung_create(veranstaltung=event, name="Erste", email="erste@test.example")
    counted = threading.Event()
    original = selectors.belegt

    def slow_count(*args, **kwargs):
        # The planner has counted the seats taken and is about to save the lower number.
        result = original(*args, **kwargs)
        counted.set()
        time.sleep(0.5)
        return result

    monkeypatch.setattr(selectors, "belegt", slow_count)
    errors = []

    def lower():
        try:
            smaller = Veranstaltung.objects.get(pk=event.pk)
            smaller.capacity = 1
            planung.veranstaltung_save(veranstaltung=smaller, by=welt.users["koordination"])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def register():
        try:
            assert counted.wait(10)
            services.anmeldung_create(veranstaltung=event, name="Zweite", email="z@test.example")
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=lower), threading.Thread(target=register)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    event.refresh_from_db()
    return event


def _confirmed(event) -> int:
    return Anmeldung.objects.filter(veranstaltung=event, status="bestaetigt").count()


def test_lowering_the_seats_while_someone_registers_never_overbooks(welt, monkeypatch):
    event = _race(welt, monkeypatch)
    assert event.capacity == 1
    assert _confirmed(event) == 1
    assert Anmeldung.objects.get(email="z@test.example").status == "warteliste"


def test_control_without_the_lock_the_same_race_overbooks(welt, monkeypatch, settings):
    settings.KONFERENZEN_SPERRE = False
    event = _race(welt, monkeypatch)
    assert event.capacity == 1
    assert _confirmed(event) == 2  # more confirmed than seats: what the lock prevents
