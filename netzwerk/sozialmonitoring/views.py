"""The indicator pages: the list and a figure's trend for every approved account; defining an
indicator, importing its values (upload, preview, then all or nothing) for the coordination."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import require_perm
from ..tabellen import ImportFehler
from . import importer, selectors, services
from .diagramme import verlauf_svg
from .forms import ImportForm, IndikatorForm
from .models import Indikator, IndikatorImport

LESEN, PFLEGEN = "netzwerk.read_indikatoren", "netzwerk.manage_indikatoren"


@require_perm(LESEN)
def indikator_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "netzwerk/sozialmonitoring/indikator_list.html",
        {"indikatoren": selectors.indikatoren_liste(), "pflegen": request.user.has_perm(PFLEGEN)},
    )


def _indikator(slug: str) -> Indikator:
    return get_object_or_404(Indikator.objects.select_related("lebensphase"), slug=slug)


def _detail(request: HttpRequest, indikator: Indikator, import_form=None, status=200):
    tabelle = selectors.verlauf(indikator)
    pflegen = request.user.has_perm(PFLEGEN)
    return render(
        request,
        "netzwerk/sozialmonitoring/indikator_detail.html",
        {
            "indikator": indikator,
            "tabelle": tabelle,
            "diagramm": verlauf_svg(tabelle, titel=indikator.name, einheit=indikator.einheit),
            "pflegen": pflegen,
            "import_form": import_form or ImportForm(),
            "importe": indikator.importe.select_related("erstellt_von")[:5] if pflegen else [],
        },
        status=status,
    )


@require_perm(LESEN)
def indikator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, _indikator(slug))


def _form_page(request: HttpRequest, form: IndikatorForm, indikator: Indikator | None):
    if request.method == "POST" and form.is_valid():
        daten = {f: form.cleaned_data[f] for f in services.FELDER}
        try:
            if indikator is None:
                indikator = services.indikator_create(**daten)
                messages.success(
                    request, _("Der Indikator ist angelegt. Laden Sie jetzt seine Werte hoch.")
                )
            else:
                indikator = services.indikator_update(indikator=indikator, **daten)
                messages.success(request, _("Die Angaben sind gespeichert."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(indikator)
    return render(
        request,
        "netzwerk/sozialmonitoring/indikator_form.html",
        {"form": form, "indikator": indikator},
    )


@require_perm(PFLEGEN)
def indikator_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, IndikatorForm(request.POST or None), None)


@require_perm(PFLEGEN)
def indikator_edit(request: HttpRequest, slug: str) -> HttpResponse:
    indikator = _indikator(slug)
    return _form_page(request, IndikatorForm(request.POST or None, instance=indikator), indikator)


@require_POST
@require_perm(PFLEGEN)
def indikator_delete(request: HttpRequest, slug: str) -> HttpResponse:
    indikator = _indikator(slug)
    services.indikator_delete(indikator=indikator)
    messages.success(
        request,
        _("Der Indikator „%(name)s“ und seine Werte sind gelöscht.") % {"name": indikator.name},
    )
    return redirect("netzwerk:indikator-list")


@require_POST
@require_perm(PFLEGEN)
def indikator_import(request: HttpRequest, slug: str) -> HttpResponse:
    indikator = _indikator(slug)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, indikator, form, status=400)
    datei = form.cleaned_data["datei"]
    try:
        vorgang = importer.pruefen(
            indikator=indikator, data=datei.read(), dateiname=datei.name, user=request.user
        )
    except ImportFehler as error:
        form.add_error("datei", str(error))
        return _detail(request, indikator, form, status=400)
    return redirect("netzwerk:indikator-import-detail", slug=indikator.slug, pk=vorgang.pk)


@require_perm(PFLEGEN)
def indikator_import_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    indikator = _indikator(slug)
    vorgang = get_object_or_404(IndikatorImport, pk=pk, indikator=indikator)
    if request.method == "POST":
        try:
            n = importer.uebernehmen(vorgang=vorgang)
        except importer.NichtUebernommen as error:
            messages.error(request, str(error))
            return redirect("netzwerk:indikator-import-detail", slug=slug, pk=pk)
        messages.success(request, _("%(n)s Werte sind gespeichert.") % {"n": n})
        return redirect(indikator)
    zeilen = vorgang.zeilen
    return render(
        request,
        "netzwerk/sozialmonitoring/import_detail.html",
        {
            "indikator": indikator,
            "vorgang": vorgang,
            "zeilen": zeilen[:100],
            "weitere": max(len(zeilen) - 100, 0),
            "neu": sum(not z["ersetzt"] for z in zeilen),
            "ersetzt": sum(z["ersetzt"] for z in zeilen),
            "unterdrueckt": sum(z["unterdrueckt"] for z in zeilen),
        },
    )
