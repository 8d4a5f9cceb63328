"""The event pages, by who uses them: `oeffentlich` (everyone: list, page, registration,
calendars, personal links), `einladung` (the invitation link), `verwaltung` (registrations and
invitations), `tag` (lists, badges, check-in) and `nachbereitung` (minutes, statistics) for those
who manage an event."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from netzwerk.access import get_object_for_user

from ..models import Anmeldung, Veranstaltung

# How long a fragment cached under a fingerprint of its rows (selectors.fingerprint) is kept:
# any change of the rows gives a new key, so this only bounds the memory of old ones.
FRAGMENT_TTL = 3600


def verwaltet(view=None, *, perm: str = "konferenzen.manage_veranstaltung"):
    """For those who manage the event (konferenzen.manage_veranstaltung, or the `perm` given:
    @verwaltet(perm="konferenzen.plan_veranstaltung")): the view gets the event instead of its
    pk. Anonymous visitors go to the login; everyone else gets 404."""
    if view is None:
        return lambda view: verwaltet(view, perm=perm)

    @wraps(view)
    def wrapped(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        veranstaltung = get_object_for_user(
            request, Veranstaltung.objects.select_related("forum"), perm, pk=pk
        )
        return view(request, veranstaltung, *args, **kwargs)

    return wrapped


def announce(request: HttpRequest, anmeldung: Anmeldung) -> None:
    """What a registration came to: confirmed, or on the waiting list."""
    if anmeldung.status == Anmeldung.Status.BESTAETIGT:
        messages.success(request, _("Sie sind angemeldet. Die Bestätigung kommt per E-Mail."))
    else:
        messages.warning(
            request,
            _("Die Veranstaltung oder Ihre Arbeitsgruppe ist voll: Sie stehen auf der Warteliste "
              "und rücken automatisch nach, sobald jemand absagt."),
        )  # fmt: skip


def announce_colleagues(request: HttpRequest, ergebnisse: list[tuple[Anmeldung, bool]]) -> None:
    """What registering colleagues came to. An address registered before is only counted, not
    named with its stored name or status: nobody learns about others' registrations here."""
    neu = [a for a, created in ergebnisse if created]
    if neu:
        messages.success(
            request,
            _("Angemeldet: %(namen)s. Jede Person bekommt ihre eigene Bestätigung per E-Mail.")
            % {"namen": ", ".join(f"{a.name} ({a.get_status_display()})" for a in neu)},
        )
    if schon := len(ergebnisse) - len(neu):
        messages.info(
            request,
            ngettext(
                "Eine Adresse war schon angemeldet.",
                "%(n)s Adressen waren schon angemeldet.",
                schon,
            )
            % {"n": schon},
        )
