"""The registration race over HTTP: people accept their invitation links at the same moment, at a
live server (Django's ThreadedWSGIServer runs each request in a thread of its own, each with its
own PostgreSQL connection), and the event never takes more than its seats. The controls switch the
lock off (settings.KONFERENZEN_SPERRE) and show that the same race overbooks.

No sleep widens the race window: the requests are connected before the start signal, and the
request path before the count (CSRF check, the invitation, the forms) is long enough that
without the lock most of them count before any has committed (27 to 32 of the 32 confirmed, 8 to
10 in a group of 2, in ten runs each)."""

import http.client
import re
import threading
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from konferenzen import services
from konferenzen.models import Anmeldung, Arbeitsgruppe, Einladung, Veranstaltung

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="Nebenläufigkeit auf PostgreSQL."),
    pytest.mark.django_db(transaction=True),
]

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _event(capacity: int | None, taken: int) -> Veranstaltung:
    start = timezone.now() + timedelta(days=14)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Präventionskonferenz", start=start,
        end=start + timedelta(hours=6), capacity=capacity, visibility="invited",
    )  # fmt: skip
    for i in range(taken):
        services.anmeldung_create(veranstaltung=event, name=f"Früh {i}", email=f"f{i}@test.example")
    return event


def _invitations(event: Veranstaltung, n: int) -> list[Einladung]:
    return Einladung.objects.bulk_create(
        Einladung(veranstaltung=event, email=f"e{i}@test.example", name=f"Gast {i}")
        for i in range(n)
    )


class _Guest:
    """One person with an invitation link: reads the form (cookie and token), then accepts."""

    def __init__(self, live_server, einladung: Einladung, fields: dict):
        self.netloc = urlsplit(live_server.url).netloc
        self.path = reverse("konferenzen:einladung", args=[einladung.token])
        self.fields = fields
        self.status = self.location = self.error = None

    def read_form(self) -> None:
        conn = http.client.HTTPConnection(self.netloc, timeout=60)
        conn.request("GET", self.path)
        response = conn.getresponse()
        html = response.read().decode()
        assert response.status == 200, (response.status, html[:500])
        cookie = SimpleCookie(response.headers["Set-Cookie"])
        self.cookie = f"csrftoken={cookie['csrftoken'].value}"
        self.token = CSRF_FIELD.search(html)[1]
        conn.close()

    def connect(self) -> None:
        # Connected before the start signal, so that all requests leave together rather than
        # queueing in the server's listen backlog.
        self.conn = http.client.HTTPConnection(self.netloc, timeout=60)
        self.conn.connect()

    def accept(self, barrier: threading.Barrier) -> None:
        body = urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "antwort": "zusagen",
                "weitere-TOTAL_FORMS": "3",
                "weitere-INITIAL_FORMS": "0",
                "weitere-MIN_NUM_FORMS": "0",
                "weitere-MAX_NUM_FORMS": "20",
                **self.fields,
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        try:
            barrier.wait()
            self.conn.request("POST", self.path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
            self.status, self.location = response.status, response.headers.get("Location")
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            self.conn.close()


def _race(live_server, event: Veranstaltung, fields: dict, n: int) -> list[_Guest]:
    guests = [_Guest(live_server, e, {"name": e.name, **fields}) for e in _invitations(event, n)]
    for guest in guests:
        guest.read_form()
        guest.connect()
    barrier = threading.Barrier(n)
    threads = [threading.Thread(target=g.accept, args=(barrier,)) for g in guests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [g.error for g in guests if g.error] == []
    return guests


def _assert_one_registration_per_invitation(event: Veranstaltung, guests: list[_Guest]) -> None:
    anmeldungen = {a.email: a for a in Anmeldung.objects.filter(veranstaltung=event)}
    for guest, einladung in zip(guests, event.einladungen.order_by("pk"), strict=True):
        anmeldung = anmeldungen[einladung.email]
        assert (guest.status, guest.location) == (
            302,
            reverse("konferenzen:anmeldung-manage", args=[anmeldung.token]),
        )
        assert (einladung.status, einladung.anmeldung_id) == ("angenommen", anmeldung.pk)


def _count(event: Veranstaltung, status: str, **extra) -> int:
    return Anmeldung.objects.filter(veranstaltung=event, status=status, **extra).count()


def test_25_simultaneous_acceptances_for_the_last_3_seats_never_overbook(live_server):
    event = _event(capacity=10, taken=7)
    guests = _race(live_server, event, {}, n=25)
    _assert_one_registration_per_invitation(event, guests)
    assert _count(event, "bestaetigt") == 10
    assert _count(event, "warteliste") == 22
    assert Anmeldung.objects.filter(veranstaltung=event).count() == 7 + 25


# A control shows that the race is real. On a loaded machine (the suite on both cores) the
# threads may happen to run one after another, so a control gets three races to show it.
CONTROL_RUNS = 3


def test_control_without_the_lock_the_same_race_overbooks(live_server, settings):
    settings.KONFERENZEN_SPERRE = False  # the live server's threads read the same settings
    confirmed = []
    for _ in range(CONTROL_RUNS):
        event = _event(capacity=10, taken=7)
        guests = _race(live_server, event, {}, n=25)
        assert all(g.status == 302 for g in guests)
        confirmed.append(_count(event, "bestaetigt"))
        if confirmed[-1] > 10:
            break
    assert confirmed[-1] > 10, confirmed


def _group_race(live_server, n: int) -> tuple[Veranstaltung, Arbeitsgruppe, list[_Guest]]:
    event = _event(capacity=None, taken=0)
    lotsen = Arbeitsgruppe.objects.create(veranstaltung=event, name="Lotsen", capacity=2)
    Arbeitsgruppe.objects.create(veranstaltung=event, name="Zugänge", capacity=20)
    return event, lotsen, _race(live_server, event, {"runde_1": str(lotsen.pk)}, n=n)


def test_10_simultaneous_choices_of_a_working_group_with_2_seats_confirm_2(live_server):
    event, lotsen, guests = _group_race(live_server, n=10)
    _assert_one_registration_per_invitation(event, guests)
    assert _count(event, "bestaetigt", arbeitsgruppen=lotsen) == 2
    assert _count(event, "warteliste", arbeitsgruppen=lotsen) == 8


def test_control_without_the_lock_the_working_group_overbooks(live_server, settings):
    settings.KONFERENZEN_SPERRE = False
    confirmed = []
    for _ in range(CONTROL_RUNS):
        event, lotsen, guests = _group_race(live_server, n=10)
        assert all(g.status == 302 for g in guests)
        confirmed.append(_count(event, "bestaetigt", arbeitsgruppen=lotsen))
        if confirmed[-1] > 2:
            break
    assert confirmed[-1] > 2, confirmed
