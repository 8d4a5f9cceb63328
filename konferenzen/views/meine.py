"""Meine Anmeldungen: a signed-in person's registrations and those of the delegates they
registered for their organisation, with status, place on the waiting list, working groups (to
change), calendar entry and cancelling."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from akteure.selectors import organisation_of_user
from netzwerk.access import require_perm

from .. import selectors, services
from ..models import Anmeldung, Arbeitsgruppe


@dataclass
class Zeitfenster:
    """One time slot of an event's working groups, as a registration's row shows it."""

    runde: int
    label: str
    gruppen: list[Arbeitsgruppe]
    gewaehlt: Arbeitsgruppe | None

    def optionen(self) -> list[tuple[int, str, bool]]:
        """(pk, label, chosen): each group with its free seats, as the registration form says."""
        result = []
        for g in self.gruppen:
            chosen = self.gewaehlt is not None and self.gewaehlt.pk == g.pk
            if chosen:
                label = _("%(name)s (gewählt)") % {"name": g.name}
            elif g.capacity is None:
                label = g.name
            elif g.belegt >= g.capacity:
                label = _("%(name)s (voll)") % {"name": g.name}
            else:
                label = _("%(name)s (%(frei)s von %(cap)s Plätzen frei)") % {
                    "name": g.name, "frei": g.capacity - g.belegt, "cap": g.capacity,
                }  # fmt: skip
            result.append((g.pk, label, chosen))
        return result


@dataclass
class Zeile:
    anmeldung: Anmeldung
    aenderbar: bool
    zeitfenster: list[Zeitfenster] = field(default_factory=list)


def _zeile(anmeldung: Anmeldung, now) -> Zeile:
    veranstaltung = anmeldung.veranstaltung
    aenderbar = (
        anmeldung.status in (Anmeldung.Status.BESTAETIGT, Anmeldung.Status.WARTELISTE)
        and veranstaltung.start > now
        and not veranstaltung.is_cancelled
    )
    gruppen = list(veranstaltung.arbeitsgruppen.all())
    runden = sorted({g.runde for g in gruppen})
    gewaehlt = {g.runde: g for g in anmeldung.arbeitsgruppen.all()}
    zeile = Zeile(anmeldung, aenderbar)
    for runde in runden:
        label = (
            _("Arbeitsgruppe")
            if len(runden) == 1
            else _("Arbeitsgruppe, Zeitfenster %(n)s") % {"n": runde}
        )
        zeile.zeitfenster.append(
            Zeitfenster(runde, label, [g for g in gruppen if g.runde == runde], gewaehlt.get(runde))
        )
    return zeile


@require_perm("netzwerk.see_dashboard")
def meine_anmeldungen(request: HttpRequest) -> HttpResponse:
    """Upcoming events first (soonest first), then past ones (newest first)."""
    now = timezone.now()
    organisation = organisation_of_user(request.user)
    zeilen = [_zeile(a, now) for a in selectors.anmeldungen_meine(request.user, organisation)]
    kommend = [z for z in zeilen if z.anmeldung.veranstaltung.end >= now]
    vergangen = [z for z in reversed(zeilen) if z.anmeldung.veranstaltung.end < now]
    return render(
        request,
        "konferenzen/meine_anmeldungen.html",
        {
            "abschnitte": [
                ("kommend", _("Anstehende Veranstaltungen"), kommend),
                ("vergangen", _("Vergangene Veranstaltungen"), vergangen),
            ],
            "leer": not zeilen,
            "organisation": organisation,
            "delegierte": any(not z.anmeldung.eigen for z in zeilen),
        },
    )


def _int(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdecimal() else None


@require_POST
@require_perm("netzwerk.see_dashboard")
def meine_anmeldung_aendern(request: HttpRequest, anmeldung_pk: int) -> HttpResponse:
    """Cancel (aktion=absagen), or change the working group of one time slot (aktion=gruppe,
    runde, gruppe; empty: none), of a registration in the list; any other gets 404."""
    organisation = organisation_of_user(request.user)
    anmeldung = get_object_or_404(
        selectors.anmeldungen_meine(request.user, organisation), pk=anmeldung_pk
    )
    name = {"name": anmeldung.name, "titel": anmeldung.veranstaltung.title}
    aktion = request.POST.get("aktion")
    try:
        if aktion == "absagen":
            if anmeldung.status == Anmeldung.Status.STORNIERT:
                messages.info(request, _("Diese Anmeldung ist bereits abgesagt."))
            else:
                eigen = anmeldung.user_id == request.user.pk or (
                    anmeldung.email == request.user.email.lower()
                )
                services.anmeldung_cancel(
                    anmeldung=anmeldung, durch="" if eigen else request.user.display_name
                )
                messages.success(
                    request, _("Die Anmeldung von %(name)s für „%(titel)s“ ist abgesagt.") % name
                )
        elif aktion == "gruppe":
            _gruppe_wechseln(request, anmeldung, name)
        else:
            messages.error(request, _("Unbekannte Aktion."))
    except ValidationError as error:
        level = messages.warning if getattr(error, "code", None) == "voll" else messages.error
        level(request, " ".join(error.messages))
    return redirect(reverse("konferenzen:meine-anmeldungen") + f"#anmeldung-{anmeldung.pk}")


def _gruppe_wechseln(request: HttpRequest, anmeldung: Anmeldung, name: dict) -> None:
    runde = _int(request.POST.get("runde", ""))
    gruppe_pk = request.POST.get("gruppe", "")
    gruppen = anmeldung.veranstaltung.arbeitsgruppen.filter(runde=runde)
    if runde is None or not gruppen.exists():
        raise ValidationError(_("Bitte wählen Sie eine Arbeitsgruppe dieser Veranstaltung."))
    neue = None
    if gruppe_pk:
        neue = gruppen.filter(pk=_int(gruppe_pk) or 0).first()
        if neue is None:
            raise ValidationError(_("Bitte wählen Sie eine Arbeitsgruppe dieser Veranstaltung."))
    bisher = [g.pk for g in anmeldung.arbeitsgruppen.all() if g.runde == runde]
    if bisher == ([neue.pk] if neue else []):
        messages.info(request, _("Keine Änderung: die Arbeitsgruppe ist schon so gewählt."))
        return
    nachher = services.arbeitsgruppe_wechseln(
        anmeldung=anmeldung, runde=runde, neue_gruppe=neue, by=request.user
    )
    if neue is None:
        text = _("%(name)s nimmt in diesem Zeitfenster an keiner Arbeitsgruppe teil.")
    elif nachher.status == Anmeldung.Status.WARTELISTE:
        text = _("%(name)s wünscht jetzt „%(gruppe)s“ und steht weiter auf der Warteliste.")
    elif anmeldung.status == Anmeldung.Status.WARTELISTE:
        text = _("%(name)s ist jetzt in „%(gruppe)s“ und von der Warteliste nachgerückt: die "
                 "Anmeldung ist bestätigt.")  # fmt: skip
    else:
        text = _("%(name)s ist jetzt in „%(gruppe)s“.")
    messages.success(request, text % {**name, "gruppe": neue.name if neue else ""})
