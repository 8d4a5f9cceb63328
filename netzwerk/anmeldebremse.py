"""Failed-login brakes: slow a password guesser down, never lock the real person out.

allauth's own limit ("5 failures, then 5 minutes blocked") hands anyone who knows an e-mail address
a button that locks its owner out, and an office behind one NAT address shares one counter. Here
every failure only makes the *next* check wait longer, and the owner has two ways around it:

- Counters in the cache (Redis in production), one per account e-mail and one per client address.
  The first ``ANMELDEBREMSE_FREI`` failures for an address are free, after that the next check
  waits 2**(n - FREI) seconds since the last failure, never more than
  ``ANMELDEBREMSE_MAX_SEKUNDEN``. The client address gets ``ANMELDEBREMSE_FREI_IP`` free failures
  and the same growth. A refused attempt checks no password and counts nothing, so hammering the
  form does not prolong the owner's wait. Counters are forgotten a day after their last failure.
- A device that has logged in to an account before carries a signed cookie; from it, logins to
  that account skip the address and client-address counters and use a counter of their own per
  device and account (same growth), so a stolen laptop gets no unlimited guesses either.
- A completed login and a password reset clear the account's address counter.

Only one password check per counter runs at a time (a claim via ``cache.add``): otherwise an
attacker sending a hundred requests at once would get a hundred guesses whenever a wait ends.

Public API (used by ``netzwerk.adapters.AccountAdapter``; a benchmark can drive it directly with
a ``RequestFactory`` request and a fake clock assigned to ``uhr``):

- ``wartezeit(request, email) -> int``: seconds before a check may run (0: now); reads only.
- ``pruefung_beginnen(request, email) -> Bremse | None``: claim the check or say why not.
- ``fehlschlag(request, email)``: the password was wrong.
- ``pruefung_beenden(request)``: release the claims of this request, whatever the outcome.
- ``erfolg(request, user)`` and ``geraet_merken(request, response, user)``: after a login.
- ``zuruecksetzen(user)``: clear the address counters of all of the user's addresses.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from allauth.account.utils import filter_users_by_email
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .ratelimit import client_address, count

# The clock: tests and benchmarks assign a fake one (anmeldebremse.uhr = lambda: t).
uhr = time.time

GERAET_COOKIE = "nw_geraet"
_GERAET_SALT = "netzwerk.anmeldebremse.geraet"
# Shared computers in a Kita office: several colleagues may use the same browser.
_KONTEN_JE_GERAET = 5
# A check that died half-way (worker killed) frees its claim after this long.
_ANSPRUCH_SEKUNDEN = 30
# Enough to reach the cap for any sensible setting; keeps 2**n small for huge counts.
_HOECHSTER_EXPONENT = 30


# Per reason: what happened, and what helps besides waiting. A password reset clears only the
# address counter, so it is offered only there.
_MELDUNGEN = {
    "adresse": (
        _("Zu viele gescheiterte Anmeldeversuche für diese Adresse."),
        _(
            "Auf einem Gerät, mit dem Sie sich hier schon einmal angemeldet haben, geht es "
            "sofort; oder setzen Sie Ihr Passwort zurück."
        ),
    ),
    "netz": (
        _("Zu viele gescheiterte Anmeldeversuche aus Ihrem Netzwerk."),
        _("Auf einem Gerät, mit dem Sie sich hier schon einmal angemeldet haben, geht es sofort."),
    ),
    "geraet": (_("Zu viele gescheiterte Anmeldeversuche auf diesem Gerät."), ""),
}


@dataclass(frozen=True)
class Bremse:
    """Why and for how long the next password check has to wait."""

    sekunden: int
    grund: str  # "adresse", "netz" or "geraet"

    @property
    def meldung(self) -> str:
        """The German sentence for the login form: why, how long, and the ways round it."""
        warten = ngettext(
            "Bitte warten Sie noch %(n)d Sekunde.",
            "Bitte warten Sie noch %(n)d Sekunden.",
            self.sekunden,
        ) % {"n": self.sekunden}
        anlass, ausweg = _MELDUNGEN[self.grund]
        return " ".join(str(teil) for teil in (anlass, warten, ausweg) if teil)


@dataclass(frozen=True)
class _Zaehler:
    key: str
    frei: int
    grund: str
    # Whether a check needs the counter's claim (see _zaehler_fuer).
    exklusiv: bool


def wartezeit(request: HttpRequest, email: str) -> int:
    """Seconds before a password check for `email` from this request may run; 0 means now."""
    return max((_rest(z) for z in _zaehler_fuer(request, email)), default=0)


def pruefung_beginnen(request: HttpRequest, email: str) -> Bremse | None:
    """Claim one password check for `email`, or say how long to wait instead.

    The claim is taken before the counter is read, so two parallel requests never both see
    the same free slot. Whoever gets None must call pruefung_beenden afterwards.
    """
    for zaehler in _zaehler_fuer(request, email):
        if zaehler.exklusiv:
            if not cache.add(f"{zaehler.key}:pruefung", 1, timeout=_ANSPRUCH_SEKUNDEN):
                pruefung_beenden(request)
                return Bremse(1, zaehler.grund)
            _zustand(request).setdefault("ansprueche", []).append(zaehler.key)
        sekunden = _rest(zaehler)
        if sekunden:
            pruefung_beenden(request)
            return Bremse(sekunden, zaehler.grund)
    return None


def fehlschlag(request: HttpRequest, email: str) -> None:
    """A wrong password for `email`: every counter this request is judged by grows by one."""
    jetzt = uhr()
    for zaehler in _zaehler_fuer(request, email):
        _zaehlen(zaehler.key, jetzt)


def pruefung_beenden(request: HttpRequest) -> None:
    for key in _zustand(request).pop("ansprueche", []):
        cache.delete(f"{key}:pruefung")


def erfolg(request: HttpRequest, user) -> None:
    """A completed login: the owner is back, their address (and this device's) counter is reset.

    The client-address counter stays: an attacker could otherwise reset it with logins to an
    account of their own between guesses.
    """
    zuruecksetzen(user)
    geraet = _geraet(request)
    if geraet:
        cache.delete_many(_keys(_geraet_key(geraet[0], user.pk)))


def zuruecksetzen(user) -> None:
    """Clear the address counters of every address of `user` (after a login or password reset)."""
    adressen = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    adressen.add(user.email or "")
    cache.delete_many([key for email in adressen for key in _keys(_adresse_key(email))])


def geraet_merken(request: HttpRequest, response: HttpResponseBase, user) -> None:
    """Remember on `response` that this device has logged in to `user`'s account."""
    geraet = _geraet(request)
    geraet_id, konten = geraet if geraet else (secrets.token_urlsafe(16), [])
    konten = [user.pk, *(pk for pk in konten if pk != user.pk)][:_KONTEN_JE_GERAET]
    response.set_cookie(
        GERAET_COOKIE,
        signing.dumps({"g": geraet_id, "u": konten}, salt=_GERAET_SALT),
        max_age=int(_geraet_gueltigkeit().total_seconds()),
        secure=not settings.DEBUG,
        httponly=True,
        samesite="Lax",
    )


# Connected when this module is imported (NetzwerkConfig.ready).
@receiver(password_reset, dispatch_uid="netzwerk_anmeldebremse_password_reset")
def _passwort_zurueckgesetzt(sender, request, user, **kwargs) -> None:
    zuruecksetzen(user)


def _zaehler_fuer(request: HttpRequest, email: str) -> list[_Zaehler]:
    frei = settings.ANMELDEBREMSE_FREI
    konto = _bekanntes_konto(request, email)
    if konto is not None:
        return [_Zaehler(_geraet_key(_geraet(request)[0], konto), frei, "geraet", True)]
    netz = _Zaehler(_netz_key(request), settings.ANMELDEBREMSE_FREI_IP, "netz", False)
    # The client address is claimed only once it is braking: colleagues behind one NAT address
    # who log in at the same moment would otherwise turn each other away.
    netz_bremst = _anzahl(netz.key) >= netz.frei
    return [
        _Zaehler(_adresse_key(email), frei, "adresse", True),
        _Zaehler(netz.key, netz.frei, "netz", netz_bremst),
    ]


def _rest(zaehler: _Zaehler) -> int:
    anzahl = _anzahl(zaehler.key)
    if anzahl < zaehler.frei:
        return 0
    exponent = min(anzahl - zaehler.frei, _HOECHSTER_EXPONENT)
    pause = min(2**exponent, settings.ANMELDEBREMSE_MAX_SEKUNDEN)
    zuletzt = cache.get(f"{zaehler.key}:zuletzt", 0.0)
    return max(0, math.ceil(zuletzt + pause - uhr()))


def _anzahl(key: str) -> int:
    return cache.get(f"{key}:anzahl", 0)


def _zaehlen(key: str, jetzt: float) -> None:
    # Atomic: parallel failures from one address are all counted.
    timeout = settings.ANMELDEBREMSE_VERGESSEN_SEKUNDEN
    anzahl_key = f"{key}:anzahl"
    count(anzahl_key, timeout=timeout)
    cache.touch(anzahl_key, timeout=timeout)  # forgotten a day after the *last* failure
    cache.set(f"{key}:zuletzt", jetzt, timeout=timeout)


def _keys(key: str) -> list[str]:
    return [f"{key}:anzahl", f"{key}:zuletzt"]


def _adresse_key(email: str) -> str:
    return _key("adresse", email.strip().lower())


def _netz_key(request: HttpRequest) -> str:
    return _key("netz", client_address(request))


def _geraet_key(geraet_id: str, user_pk) -> str:
    return _key("geraet", f"{geraet_id}:{user_pk}")


def _key(art: str, wert: str) -> str:
    # Keyed hash: the cache holds neither e-mail addresses nor IP addresses in the clear.
    digest = salted_hmac(f"netzwerk.anmeldebremse.{art}", wert).hexdigest()[:32]
    return f"anmeldebremse:{art}:{digest}"


def _bekanntes_konto(request: HttpRequest, email: str):
    """The pk of `email`'s account if this device has logged in to it before, else None."""
    geraet = _geraet(request)
    if not geraet:
        return None
    bekannt = _zustand(request).setdefault("bekannt", {})
    if email not in bekannt:
        konten = {user.pk for user in filter_users_by_email(email.strip())}
        bekannt[email] = next((pk for pk in geraet[1] if pk in konten), None)
    return bekannt[email]


def _geraet(request: HttpRequest) -> tuple[str, list] | None:
    """(device id, account pks) from a valid known-device cookie, else None."""
    wert = request.COOKIES.get(GERAET_COOKIE)
    if not wert:
        return None
    try:
        daten = signing.loads(wert, salt=_GERAET_SALT, max_age=_geraet_gueltigkeit())
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(daten, dict) or not isinstance(daten.get("u"), list):
        return None
    return str(daten.get("g", "")), daten["u"]


def _geraet_gueltigkeit() -> timedelta:
    return timedelta(days=settings.ANMELDEBREMSE_GERAET_TAGE)


def _zustand(request: HttpRequest) -> dict:
    """Per-request memory: the claims to release, the known-device lookups already done."""
    if not hasattr(request, "_anmeldebremse"):
        request._anmeldebremse = {}
    return request._anmeldebremse
