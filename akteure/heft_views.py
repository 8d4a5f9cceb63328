"""The printed family guide's pages: the coordination's list with the order form, a booklet's
status while the worker renders it (htmx polling, as for the status reports), retry, delete, and
the download (checked against its checksum).

Who may download: the booklet prints only what the public guide shows, so the newest finished
booklet of each district and of the whole town is public material (a town links it from its own
website); older ones are kept for the coordination only.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from netzwerk.access import require_perm
from netzwerk.dateien import PDF
from netzwerk.models import Sozialraum

from . import heft as hefte
from .models import Wegweiserheft

Status = Wegweiserheft.Status
# The coordination orders and manages booklets.
VERWALTEN = "akteure.order_heft"


class HeftForm(forms.Form):
    sozialraum = forms.ModelChoiceField(
        label=gettext_lazy("Für"),
        queryset=Sozialraum.objects.filter(active=True),
        required=False,
        empty_label=gettext_lazy("die ganze Stadt"),
        help_text=gettext_lazy("Ein Sozialraum oder die ganze Stadt."),
    )


@require_perm(VERWALTEN)
def heft_list(request: HttpRequest) -> HttpResponse:
    form = HeftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        heft = hefte.heft_bestellen(user=request.user, sozialraum=form.cleaned_data["sozialraum"])
        _bestellt_message(request, heft)
        return redirect("akteure:heft-detail", pk=heft.pk)
    liste = Wegweiserheft.objects.select_related("sozialraum", "created_by")
    aktuell = set(hefte.hefte_aktuell().values_list("pk", flat=True))
    return render(
        request,
        "akteure/heft/heft_list.html",
        {"hefte": liste, "aktuell": aktuell, "form": form},
    )


def _bestellt_message(request: HttpRequest, heft: Wegweiserheft) -> None:
    """Say what the state is now: without a separate worker it is already rendered."""
    heft.refresh_from_db(fields=["status"])
    if heft.status == Status.FERTIG:
        messages.success(request, _("Das Heft ist fertig."))
    elif heft.status == Status.FEHLER:
        messages.error(request, _("Das Heft konnte nicht erstellt werden."))
    else:
        messages.success(request, _("Das Heft wird erstellt."))


@require_perm(VERWALTEN)
def heft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The booklet; while it is rendered, the page asks every second (htmx) with the state it
    shows. An unchanged state answers 204; a new one returns the status block and its
    announcement for the page's live region."""
    heft = get_object_or_404(
        Wegweiserheft.objects.select_related("sozialraum", "created_by"), pk=pk
    )
    laeuft = heft.status in (Status.WARTET, Status.LAEUFT)
    haengt = hefte.heft_haengt(heft)
    context = {
        "heft": heft,
        "laeuft": laeuft,
        "haengt": haengt,
        "zustand": f"{heft.status}{'-haengt' if haengt else ''}",
        "oeffentlich": heft.status == Status.FERTIG
        and hefte.hefte_aktuell().filter(pk=heft.pk).exists(),
        "download_url": request.build_absolute_uri(
            reverse("akteure:heft-download", kwargs={"pk": heft.pk})
        ),
    }
    if not request.headers.get("HX-Request"):
        return render(request, "akteure/heft/heft_detail.html", context)
    if request.GET.get("stand") == context["zustand"]:
        return HttpResponse(status=204)
    return render(request, "akteure/heft/_status.html", {**context, "ansage": True})


def heft_download(request: HttpRequest, pk: int) -> HttpResponse:
    heft = get_object_or_404(Wegweiserheft, pk=pk, status=Status.FERTIG)
    if not hefte.hefte_aktuell().filter(pk=heft.pk).exists():
        # An older edition: the coordination's archive.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(VERWALTEN):
            raise Http404
    try:
        content = hefte.heft_datei(heft)
    except FileNotFoundError as missing:
        raise Http404 from missing
    except hefte.Pruefsummenfehler:
        return render(request, "akteure/heft/pruefsumme.html", {"heft": heft}, status=409)
    name = f"familienwegweiser-{heft.sozialraum.slug if heft.sozialraum else 'stadt'}.pdf"
    response = HttpResponse(content, content_type=PDF.content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-cache"
    response["Content-Security-Policy"] = "sandbox"
    return response


@require_POST
@require_perm(VERWALTEN)
def heft_retry(request: HttpRequest, pk: int) -> HttpResponse:
    heft = get_object_or_404(Wegweiserheft, pk=pk)
    if hefte.heft_wiederholen(heft=heft):
        messages.success(request, _("Das Heft wird noch einmal erstellt."))
    else:
        messages.info(request, _("Das Heft wird gerade erstellt oder ist schon fertig."))
    return redirect("akteure:heft-detail", pk=heft.pk)


@require_POST
@require_perm(VERWALTEN)
def heft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    heft = get_object_or_404(Wegweiserheft, pk=pk)
    hefte.heft_loeschen(heft=heft)
    messages.success(request, _("Das Heft ist gelöscht."))
    return redirect("akteure:heft-list")
