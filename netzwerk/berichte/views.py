"""Status report pages: the list (with the form that asks for a new one), a report with its
progress while the worker renders it, the download (checked against its checksum), a retry, and
the public link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import get_object_for_user, require_perm
from ..dateien import PDF
from ..rules import is_approved
from . import selectors, services
from .forms import BerichtForm
from .models import Sachstandsbericht

Status = Sachstandsbericht.Status


@login_required
def bericht_list(request: HttpRequest) -> HttpResponse:
    darf_anlegen = request.user.has_perm("netzwerk.create_bericht")
    if not darf_anlegen and not (is_approved(request.user) and request.user.gremien.exists()):
        raise Http404
    form = None
    if darf_anlegen:
        von, bis = services.standard_zeitraum(timezone.localdate())
        form = BerichtForm(
            request.POST or None,
            initial={
                "period_start": von,
                "period_end": bis,
                "sections": Sachstandsbericht.Abschnitt.values,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                bericht = services.bericht_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _created_message(request, bericht)
                return redirect(bericht)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "netzwerk/berichte/bericht_list.html",
        {"berichte": selectors.berichte_fuer(request.user), "form": form},
    )


def _created_message(request: HttpRequest, bericht: Sachstandsbericht) -> None:
    """Say what the report's state is now, not what it was when it was asked for: without a
    separate worker (the embedded default) it is already rendered when the page comes back."""
    bericht.refresh_from_db(fields=["status"])
    n = {"n": bericht.nummer}
    if bericht.status == Status.FERTIG:
        messages.success(request, _("Bericht Nr. %(n)s ist fertig.") % n)
    elif bericht.status == Status.FEHLER:
        messages.error(request, _("Bericht Nr. %(n)s konnte nicht erstellt werden.") % n)
    else:
        messages.success(request, _("Bericht Nr. %(n)s wird erstellt.") % n)


def _bericht(request: HttpRequest, nummer: int) -> Sachstandsbericht:
    return get_object_for_user(
        request, selectors.berichte_fuer(request.user), "netzwerk.read_bericht", nummer=nummer
    )


@login_required
def bericht_detail(request: HttpRequest, nummer: int) -> HttpResponse:
    """The report; while it is rendered, the page asks every second (htmx) with the state it
    shows. An unchanged state answers 204 (nothing to swap); a new one returns the status block
    and its announcement for the page's persistent live region."""
    bericht = _bericht(request, nummer)
    context = _detail_context(request, bericht)
    if not request.headers.get("HX-Request"):
        return render(request, "netzwerk/berichte/bericht_detail.html", context)
    if request.GET.get("stand") == context["zustand"]:
        return HttpResponse(status=204)
    return render(request, "netzwerk/berichte/_status.html", {**context, "ansage": True})


def _detail_context(request, bericht: Sachstandsbericht) -> dict:
    schritte = [key for key, _label in services.SCHRITTE]
    schritt = schritte.index(bericht.step) + 1 if bericht.step in schritte else 0
    laeuft = bericht.status in (Status.WARTET, Status.LAEUFT)
    # A worker that has not finished in HAENGT_NACH is presumed dead: offer a new try.
    haengt = laeuft and (
        (bericht.started_at or bericht.queued_at) < timezone.now() - services.HAENGT_NACH
    )
    return {
        "bericht": bericht,
        # What the polling page shows; a change (a step, the end, or hanging) is sent to it.
        "zustand": f"{bericht.status}-{bericht.step}{'-haengt' if haengt else ''}",
        "verwalten": request.user.has_perm("netzwerk.create_bericht"),
        "schritt": schritt,
        "schritte": len(schritte),
        "schritt_label": dict(services.SCHRITTE).get(bericht.step, ""),
        "prozent": round(100 * schritt / (len(schritte) + 1)),
        "laeuft": laeuft,
        "haengt": haengt,
        "public_url": request.build_absolute_uri(
            reverse("netzwerk:bericht-public", kwargs={"token": bericht.public_token})
        )
        if bericht.public_token
        else "",
    }


def _pdf(bericht: Sachstandsbericht, request: HttpRequest) -> HttpResponse:
    if bericht.status != Sachstandsbericht.Status.FERTIG:
        raise Http404
    try:
        content = services.bericht_datei(bericht)
    except FileNotFoundError as missing:
        raise Http404 from missing
    except services.Pruefsummenfehler:
        return render(
            request, "netzwerk/berichte/pruefsumme.html", {"bericht": bericht}, status=409
        )
    response = HttpResponse(content, content_type=PDF.content_type)
    response["Content-Disposition"] = f'inline; filename="{bericht.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
def bericht_download(request: HttpRequest, nummer: int) -> HttpResponse:
    return _pdf(_bericht(request, nummer), request)


def bericht_public(request: HttpRequest, token: str) -> HttpResponse:
    bericht = get_object_or_404(
        Sachstandsbericht, public_token=token, status=Sachstandsbericht.Status.FERTIG
    )
    return _pdf(bericht, request)


@require_POST
@require_perm("netzwerk.create_bericht")
def bericht_retry(request: HttpRequest, nummer: int) -> HttpResponse:
    bericht = _bericht(request, nummer)
    if services.bericht_retry(bericht=bericht):
        messages.success(request, _("Der Bericht wird noch einmal erstellt."))
    else:
        messages.info(request, _("Der Bericht wird gerade erstellt oder ist schon fertig."))
    return redirect(bericht)


@require_POST
@require_perm("netzwerk.create_bericht")
def bericht_publish(request: HttpRequest, nummer: int) -> HttpResponse:
    bericht = _bericht(request, nummer)
    public = request.POST.get("public") == "1"
    try:
        services.bericht_oeffentlich(bericht=bericht, public=public)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Der Bericht hat jetzt einen öffentlichen Link.")
            if public
            else _("Der öffentliche Link gilt nicht mehr."),
        )
    return redirect(bericht)
