from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from akteure.selectors import organisation_of_user
from netzwerk.access import get_object_for_user

from . import ical, selectors, services
from .forms import AnmeldungForm
from .models import Anmeldung, Veranstaltung


def veranstaltung_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "konferenzen/veranstaltung_list.html",
        {"veranstaltungen": selectors.veranstaltungen_visible_to(request.user)},
    )


def veranstaltung_detail(request: HttpRequest, pk: int) -> HttpResponse:
    veranstaltung = get_object_for_user(
        request,
        Veranstaltung.objects.select_related("forum"),
        "konferenzen.read_veranstaltung",
        pk=pk,
    )
    user = request.user
    gruppen = list(selectors.arbeitsgruppen_of(veranstaltung))
    meine = selectors.anmeldung_of(veranstaltung, user)
    offen = veranstaltung.is_registration_open(timezone.now())
    form = None
    if user.has_perm("konferenzen.register", veranstaltung) and offen and meine is None:
        form = AnmeldungForm(request.POST or None, veranstaltung=veranstaltung, gruppen=gruppen)
        if request.method == "POST" and form.is_valid():
            try:
                anmeldung, _created = services.anmeldung_create(
                    veranstaltung=veranstaltung,
                    name=user.display_name,
                    email=user.email,
                    user=user,
                    organisation=organisation_of_user(user),
                    arbeitsgruppen=form.chosen(),
                    needs=form.cleaned_data["needs"],
                    on_list=form.cleaned_data["on_list"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if anmeldung.status == Anmeldung.Status.BESTAETIGT:
                    messages.success(
                        request, _("Sie sind angemeldet. Die Bestätigung kommt per E-Mail.")
                    )
                else:
                    messages.warning(
                        request,
                        _("Die Veranstaltung oder Ihre Arbeitsgruppe ist voll: Sie stehen auf der "
                          "Warteliste und rücken automatisch nach, sobald jemand absagt."),
                    )  # fmt: skip
                return redirect("konferenzen:veranstaltung-detail", pk=veranstaltung.pk)
    elif request.method == "POST" and meine is not None:
        messages.info(request, _("Sie sind bereits angemeldet."))
        return redirect("konferenzen:veranstaltung-detail", pk=veranstaltung.pk)
    return render(
        request,
        "konferenzen/veranstaltung_detail.html",
        {
            "veranstaltung": veranstaltung,
            "tagesordnung": veranstaltung.tagesordnung.all(),
            "gruppen": gruppen,
            "belegt": selectors.belegt(veranstaltung),
            "meine": meine,
            "offen": offen,
            "form": form,
        },
    )


def veranstaltung_ics(request: HttpRequest, pk: int) -> HttpResponse:
    veranstaltung = get_object_for_user(
        request, Veranstaltung.objects.all(), "konferenzen.read_veranstaltung", pk=pk
    )
    response = HttpResponse(
        ical.kalender([veranstaltung]), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="veranstaltung-{veranstaltung.pk}.ics"'
    return response


def anmeldung_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link from the confirmation mail: see the registration, cancel it. The token
    is the key; no account is needed."""
    anmeldung = get_object_or_404(
        Anmeldung.objects.select_related("veranstaltung").prefetch_related("arbeitsgruppen"),
        token=token,
    )
    if request.method == "POST" and request.POST.get("absagen"):
        services.anmeldung_cancel(anmeldung=anmeldung)
        messages.success(request, _("Ihre Anmeldung ist abgesagt."))
        return redirect("konferenzen:anmeldung-manage", token=token)
    return render(request, "konferenzen/anmeldung_manage.html", {"anmeldung": anmeldung})
