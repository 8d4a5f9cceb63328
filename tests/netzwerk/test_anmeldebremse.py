"""Failed logins slow an attacker down without locking the owner out (netzwerk.anmeldebremse)."""

import re

import pytest
from django.contrib.auth.signals import user_login_failed
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from netzwerk import anmeldebremse
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "partner@test.example"
BUERO = "198.51.100.7"  # one office behind one NAT address
ANGREIFER = "203.0.113.9"
WARTEN = re.compile(r"Bitte warten Sie noch (\d+) Sekunden?\.")


class Uhr:
    """A clock that only moves when the test says so."""

    def __init__(self):
        self.jetzt = 1_000_000.0

    def __call__(self) -> float:
        return self.jetzt


@pytest.fixture
def uhr(monkeypatch):
    clock = Uhr()
    monkeypatch.setattr(anmeldebremse, "uhr", clock)
    return clock


@pytest.fixture
def ohne_seitenlimit(settings):
    """Without allauth's request limit on the login page ("login": 30/m/ip).

    That limit counts on the real clock, so a simulated hour squeezed into a few real seconds
    would run into it; it is not what these tests measure.
    """
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": False}


@pytest.fixture
def geprueft():
    """The wrong passwords that were actually checked (Django signals each failed check)."""
    failures = []

    def record(sender, credentials, **kwargs):
        failures.append(credentials)

    user_login_failed.connect(record)
    yield failures
    user_login_failed.disconnect(record)


def _login(client, password, email=EMAIL):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _angemeldet(client, response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def _wartezeit(response) -> int | None:
    """The wait the login page announces, None if it announces none."""
    match = WARTEN.search(response.content.decode())
    return int(match.group(1)) if match else None


def _bekanntes_geraet(ip=ANGREIFER, email=EMAIL) -> Client:
    """A browser that has logged in to `email`'s account before (and logged out again)."""
    client = Client(REMOTE_ADDR=ip)
    assert _angemeldet(client, _login(client, PASSWORD, email=email))
    client.post(reverse("account_logout"))
    return client


def _hammern(client, email, *, bis: float, uhr) -> None:
    """Guess wrong passwords for `email` until the clock reaches `bis`: one a second, and after
    a refusal again as soon as the announced wait is over."""
    while uhr.jetzt < bis:
        uhr.jetzt += _wartezeit(_login(client, "falsch", email=email)) or 1


def test_six_wrong_passwords_do_not_stop_the_owner_on_a_device_she_used_before(welt, uhr):
    owner = _bekanntes_geraet()
    attacker = Client(REMOTE_ADDR=ANGREIFER)
    for _ in range(6):
        assert not _angemeldet(attacker, _login(attacker, "falsch"))
    # The attacker is delayed even with the right password ...
    refused = _login(attacker, PASSWORD)
    assert not _angemeldet(attacker, refused)
    assert "Zu viele gescheiterte Anmeldeversuche für diese Adresse" in refused.content.decode()
    # ... the owner, at the same moment, on her known device is not.
    assert _angemeldet(owner, _login(owner, PASSWORD))


def test_the_known_device_cookie_is_httponly_lax_and_kept_for_a_year(welt, uhr):
    client = Client()
    response = _login(client, PASSWORD)
    cookie = response.cookies[anmeldebremse.GERAET_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 86_400


def test_without_the_device_the_owner_waits_the_announced_time_never_more_than_the_cap(
    welt, uhr, settings, ohne_seitenlimit
):
    attacker = Client(REMOTE_ADDR=ANGREIFER)
    _hammern(attacker, EMAIL, bis=uhr.jetzt + 6 * 3600, uhr=uhr)
    _login(attacker, "falsch")  # the guess its last wait allowed, so the owner hits a full wait
    owner = Client(REMOTE_ADDR=BUERO)
    refused = _login(owner, PASSWORD)
    warten = _wartezeit(refused)
    assert warten is not None and 0 < warten <= settings.ANMELDEBREMSE_MAX_SEKUNDEN
    assert "Passwort zurück" in refused.content.decode()
    uhr.jetzt += warten
    assert _angemeldet(owner, _login(owner, PASSWORD))


def test_refused_attempts_do_not_make_the_owner_wait_longer(welt, uhr, ohne_seitenlimit):
    attacker = Client(REMOTE_ADDR=ANGREIFER)
    for _ in range(5):
        uhr.jetzt += _wartezeit(_login(attacker, "falsch")) or 0
    announced = _wartezeit(_login(attacker, "falsch"))
    for _ in range(50):  # hammering during the wait checks nothing and counts nothing
        _login(attacker, "falsch")
    assert _wartezeit(_login(attacker, PASSWORD)) == announced
    uhr.jetzt += announced
    owner = Client(REMOTE_ADDR=BUERO)
    assert _angemeldet(owner, _login(owner, PASSWORD))


def test_a_password_reset_clears_the_address_counter(
    client, welt, uhr, django_capture_on_commit_callbacks
):
    attacker = Client(REMOTE_ADDR=ANGREIFER)
    for _ in range(8):
        _login(attacker, "falsch")
    assert _wartezeit(_login(client, PASSWORD))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": EMAIL})
    link = re.search(r"https?://testserver(/konto/password/reset/key/\S+/)", mail.outbox[-1].body)
    form_url = client.get(link.group(1))["Location"]
    new = "Ein-neues-Passwort-43"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(form_url, {"password1": new, "password2": new})
    assert done.status_code == 302
    assert _angemeldet(client, _login(client, new))


def test_a_completed_login_resets_the_address_counter(welt, uhr, geprueft):
    client = Client()
    for _ in range(3):
        _login(client, "falsch")
    uhr.jetzt += 1
    assert _angemeldet(client, _login(client, PASSWORD))
    client.post(reverse("account_logout"))
    for _ in range(3):  # free again
        assert _wartezeit(_login(client, "falsch")) is None
    assert len(geprueft) == 6


def test_the_fourth_immediate_attempt_is_refused_even_with_the_right_password(welt, uhr):
    """Fails if the delay is removed."""
    client = Client()
    for _ in range(3):
        assert _wartezeit(_login(client, "falsch")) is None  # the first three are free
    refused = _login(client, PASSWORD)
    assert not _angemeldet(client, refused)
    assert (
        "Zu viele gescheiterte Anmeldeversuche für diese Adresse. Bitte warten Sie noch "
        "1 Sekunde." in refused.content.decode()
    )
    uhr.jetzt += 1
    assert _angemeldet(client, _login(client, PASSWORD))


def test_spelling_the_address_differently_counts_on_the_same_counter(welt, uhr):
    client = Client()
    for variant in ["Partner@Test.Example", "PARTNER@test.example", " partner@test.example"]:
        _login(client, "falsch", email=variant)
    assert _wartezeit(_login(client, PASSWORD)) == 1


def test_an_attacker_on_one_address_gets_22_guesses_in_the_first_hour_then_12_an_hour(
    welt, uhr, geprueft, ohne_seitenlimit
):
    attacker = Client(REMOTE_ADDR=ANGREIFER)
    start = uhr.jetzt
    _hammern(attacker, EMAIL, bis=start + 3600, uhr=uhr)
    assert len(geprueft) <= 22
    first_hour = len(geprueft)
    _hammern(attacker, EMAIL, bis=start + 2 * 3600, uhr=uhr)
    assert len(geprueft) - first_hour <= 12
    # allauth's former limit (5 per 5 minutes) allowed 60 an hour, and locked the owner out.


def test_a_check_in_progress_turns_a_parallel_attempt_away(welt, uhr):
    """Fails if the claim is removed: a hundred parallel requests would be a hundred guesses."""
    first, second = (RequestFactory().post("/", REMOTE_ADDR=ANGREIFER) for _ in range(2))
    assert anmeldebremse.pruefung_beginnen(first, EMAIL) is None
    assert anmeldebremse.pruefung_beginnen(second, EMAIL) == anmeldebremse.Bremse(1, "adresse")
    anmeldebremse.fehlschlag(first, EMAIL)
    anmeldebremse.pruefung_beenden(first)
    assert anmeldebremse.pruefung_beginnen(second, EMAIL) is None
    anmeldebremse.pruefung_beenden(second)


def test_failures_on_many_addresses_from_one_network_are_slowed_but_a_known_device_gets_in(
    welt, uhr, geprueft, ohne_seitenlimit
):
    owner = _bekanntes_geraet(ip=BUERO)
    sprayer = Client(REMOTE_ADDR=BUERO)
    for i in range(30):  # a different address each time: no address counter brakes
        while warten := _wartezeit(_login(sprayer, "falsch", email=f"kollege{i}@test.example")):
            uhr.jetzt += warten
    assert len(geprueft) == 30
    refused = _login(sprayer, "falsch", email="noch-einer@test.example")
    assert "Zu viele gescheiterte Anmeldeversuche aus Ihrem Netzwerk" in refused.content.decode()
    colleague = Client(REMOTE_ADDR=BUERO)
    assert not _angemeldet(colleague, _login(colleague, PASSWORD, email="gremium@test.example"))
    assert _angemeldet(owner, _login(owner, PASSWORD))


def test_a_stolen_known_device_is_slowed_by_its_own_counter(welt, uhr, geprueft):
    device = _bekanntes_geraet()
    for _ in range(3):
        _login(device, "falsch")
    refused = _login(device, PASSWORD)
    assert "Zu viele gescheiterte Anmeldeversuche auf diesem Gerät" in refused.content.decode()
    assert len(geprueft) == 3
    # Its failures did not touch the address counter: the owner elsewhere logs in at once.
    elsewhere = Client(REMOTE_ADDR=BUERO)
    assert _angemeldet(elsewhere, _login(elsewhere, PASSWORD))


def test_a_forged_cookie_or_one_of_another_account_opens_nothing(welt, uhr):
    attacker = Client(REMOTE_ADDR=ANGREIFER)
    for _ in range(6):
        _login(attacker, "falsch")
    forged = Client(REMOTE_ADDR=ANGREIFER)
    forged.cookies[anmeldebremse.GERAET_COOKIE] = "gefaelscht"
    assert _wartezeit(_login(forged, PASSWORD))
    other_account = _bekanntes_geraet(email="gremium@test.example")
    assert _wartezeit(_login(other_account, PASSWORD))


def test_a_coordinators_device_becomes_known_only_after_the_second_factor(welt, uhr):
    client = Client()
    response = _login(client, PASSWORD, email="koordination@test.example")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert anmeldebremse.GERAET_COOKIE not in client.cookies
