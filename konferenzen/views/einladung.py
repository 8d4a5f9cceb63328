"""The personal invitation link: the token is the key, no account needed. Accept (with the
registration form, and colleagues of the same organisation if wished) or decline."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import einladungen, selectors
from ..forms import DelegierteFormSet, EinladungAnmeldungForm
from ..models import Anmeldung, Einladung
from . import announce, announce_colleagues


def einladung(request: HttpRequest, token: str) -> HttpResponse:
    current = (
        Einladung.objects.select_related("veranstaltung", "anmeldung", "organisation")
        .filter(token=token)
        .first()
    )
    if current is None:
        # A mistyped, cut-off or made-up link: say so, and what to do.
        return render(request, "konferenzen/einladung_ungueltig.html", status=404)
    veranstaltung = current.veranstaltung
    anmeldung = current.anmeldung
    if anmeldung is not None and anmeldung.status not in Anmeldung.AKTIV:
        anmeldung = None
    now = timezone.now()
    offen = veranstaltung.is_registration_open(now)
    gruppen = list(selectors.arbeitsgruppen_of(veranstaltung))
    form = formset = None
    if offen and anmeldung is None:
        data = request.POST if request.method == "POST" else None
        form = EinladungAnmeldungForm(
            data,
            veranstaltung=veranstaltung,
            gruppen=gruppen,
            initial={
                "name": current.name,
                "organisation_name": current.organisation.name
                if current.organisation
                else current.organisation_name,
            },
        )
        formset = DelegierteFormSet(data, prefix="weitere", form_kwargs={"gruppen": gruppen})
    if request.method == "POST":
        if request.POST.get("antwort") == "absagen":
            try:
                einladungen.einladung_decline(einladung=current)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Danke für Ihre Rückmeldung: Sie haben abgesagt."))
            return redirect("konferenzen:einladung", token=token)
        if anmeldung is not None:
            messages.info(request, _("Sie haben diese Einladung bereits angenommen."))
            return redirect("konferenzen:anmeldung-manage", token=anmeldung.token)
        if not offen:
            messages.error(request, _("Die Anmeldefrist ist abgelaufen."))
            return redirect("konferenzen:einladung", token=token)
        if form.is_valid() and formset.is_valid():
            try:
                anmeldung, _created, weitere = einladungen.einladung_accept(
                    einladung=current,
                    name=form.cleaned_data["name"],
                    organisation_name=form.cleaned_data["organisation_name"],
                    arbeitsgruppen=form.chosen(),
                    needs=form.cleaned_data.get("needs", ""),
                    comment=form.cleaned_data.get("comment", ""),
                    on_list=form.cleaned_data.get("on_list", False),
                    delegates=formset.personen(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                announce(request, anmeldung)
                announce_colleagues(request, weitere)
                return redirect("konferenzen:anmeldung-manage", token=anmeldung.token)
    return render(
        request,
        "konferenzen/einladung.html",
        {
            "einladung": current,
            "veranstaltung": veranstaltung,
            "tagesordnung": veranstaltung.tagesordnung.all(),
            "gruppen": gruppen,
            "anmeldung": anmeldung,
            "offen": offen,
            "vorbei": veranstaltung.end < now,
            "noch_nicht": bool(
                veranstaltung.registration_opens and now < veranstaltung.registration_opens
            ),
            "form": form,
            "formset": formset,
        },
    )
