from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import services
from .models import Anmeldung


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
