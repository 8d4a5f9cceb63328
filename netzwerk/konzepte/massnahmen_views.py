"""Maintaining a concept's measures on the portal (coordination only): focal points and goals are
added, renamed and, when empty, deleted; measures are created, edited and deleted. All of it stays
possible after the decision, which freezes the chapters' text but starts the implementation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..access import get_object_for_user, require_perm
from . import services
from .forms import MassnahmeForm, SchwerpunktForm, ZielForm
from .models import Handlungsschwerpunkt, Konzept, Massnahme, Ziel

EDIT = "netzwerk.edit_konzept"


def _konzept(request: HttpRequest, slug: str) -> Konzept:
    return get_object_for_user(request, Konzept.objects.all(), EDIT, slug=slug)


def _schwerpunkt(konzept: Konzept, pk: int) -> Handlungsschwerpunkt:
    return get_object_or_404(Handlungsschwerpunkt, pk=pk, konzept=konzept)


def _ziel(konzept: Konzept, pk: int) -> Ziel:
    return get_object_or_404(
        Ziel.objects.select_related("schwerpunkt"), pk=pk, schwerpunkt__konzept=konzept
    )


def _massnahme(konzept: Konzept, pk: int) -> Massnahme:
    return get_object_or_404(
        Massnahme.objects.select_related("ziel__schwerpunkt"),
        pk=pk,
        ziel__schwerpunkt__konzept=konzept,
    )


def _liste(konzept: Konzept, anker: str = "") -> str:
    url = reverse("netzwerk:massnahme-list", args=[konzept.slug])
    return f"{url}#{anker}" if anker else url


def _fehler(error: ValidationError) -> str:
    return " ".join(error.messages)


UEBERSCHRIFT = {
    ("schwerpunkt", False): gettext_lazy("Handlungsschwerpunkt hinzufügen"),
    ("schwerpunkt", True): gettext_lazy("Handlungsschwerpunkt bearbeiten"),
    ("ziel", False): gettext_lazy("Ziel hinzufügen"),
    ("ziel", True): gettext_lazy("Ziel bearbeiten"),
}


def _gliederung_form(request, *, konzept, form, art: str, objekt=None, eltern=None, kinder=0):
    """The small page for a focal point's or goal's title; with `objekt` also its deletion."""
    return render(
        request,
        "netzwerk/konzepte/gliederung_form.html",
        {
            "konzept": konzept,
            "form": form,
            "art": art,
            "ueberschrift": UEBERSCHRIFT[art, objekt is not None],
            "objekt": objekt,
            "eltern": eltern,
            "kinder": kinder,
        },
    )


# --- Focal points -------------------------------------------------------------------------------


@require_perm(EDIT)
def schwerpunkt_create(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug)
    form = SchwerpunktForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schwerpunkt = services.schwerpunkt_create(
                konzept=konzept, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, _("Der Handlungsschwerpunkt ist angelegt."))
            return redirect(_liste(konzept, f"schwerpunkt-{schwerpunkt.pk}"))
    return _gliederung_form(request, konzept=konzept, form=form, art="schwerpunkt")


@require_perm(EDIT)
def schwerpunkt_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    schwerpunkt = _schwerpunkt(konzept, pk)
    form = SchwerpunktForm(request.POST or None, instance=schwerpunkt)
    if request.method == "POST" and form.is_valid():
        try:
            services.schwerpunkt_rename(schwerpunkt=schwerpunkt, title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect(_liste(konzept, f"schwerpunkt-{schwerpunkt.pk}"))
    return _gliederung_form(
        request, konzept=konzept, form=form, art="schwerpunkt", objekt=schwerpunkt,
        kinder=schwerpunkt.ziele.count(),
    )  # fmt: skip


@require_POST
@require_perm(EDIT)
def schwerpunkt_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    schwerpunkt = _schwerpunkt(konzept, pk)
    try:
        services.schwerpunkt_delete(schwerpunkt=schwerpunkt)
    except ValidationError as error:
        messages.error(request, _fehler(error))
        return redirect("netzwerk:schwerpunkt-edit", slug=konzept.slug, pk=schwerpunkt.pk)
    messages.success(request, _("„%(t)s“ ist gelöscht.") % {"t": schwerpunkt.title})
    return redirect(_liste(konzept))


# --- Goals --------------------------------------------------------------------------------------


@require_perm(EDIT)
def ziel_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """`pk` is the focal point the new goal belongs to."""
    konzept = _konzept(request, slug)
    schwerpunkt = _schwerpunkt(konzept, pk)
    form = ZielForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ziel = services.ziel_create(schwerpunkt=schwerpunkt, title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, _("Das Ziel ist angelegt."))
            return redirect(_liste(konzept, f"ziel-{ziel.pk}"))
    return _gliederung_form(request, konzept=konzept, form=form, art="ziel", eltern=schwerpunkt)


@require_perm(EDIT)
def ziel_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    ziel = _ziel(konzept, pk)
    form = ZielForm(request.POST or None, instance=ziel)
    if request.method == "POST" and form.is_valid():
        try:
            services.ziel_rename(ziel=ziel, title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect(_liste(konzept, f"ziel-{ziel.pk}"))
    return _gliederung_form(
        request, konzept=konzept, form=form, art="ziel", objekt=ziel, eltern=ziel.schwerpunkt,
        kinder=ziel.massnahmen.count(),
    )  # fmt: skip


@require_POST
@require_perm(EDIT)
def ziel_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    ziel = _ziel(konzept, pk)
    try:
        services.ziel_delete(ziel=ziel)
    except ValidationError as error:
        messages.error(request, _fehler(error))
        return redirect("netzwerk:ziel-edit", slug=konzept.slug, pk=ziel.pk)
    messages.success(request, _("„%(t)s“ ist gelöscht.") % {"t": ziel.title})
    return redirect(_liste(konzept, f"schwerpunkt-{ziel.schwerpunkt_id}"))


# --- Measures -----------------------------------------------------------------------------------


def _massnahme_form(
    request, *, konzept: Konzept, form: MassnahmeForm, massnahme=None, title: str = ""
) -> HttpResponse:
    """`title`: the saved title, for the heading, while the form shows what was typed."""
    if request.method == "POST" and form.is_valid():
        try:
            massnahme = services.massnahme_save(
                massnahme=form.save(commit=False),
                organisationen=form.cleaned_data["organisationen"],
                bedarfe=form.cleaned_data["bedarfe"],
                angebote=form.cleaned_data["angebote"],
                changed=form.changed_data if massnahme else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("„%(t)s“ ist gespeichert.") % {"t": massnahme.title})
            return redirect(_liste(konzept, f"massnahme-{massnahme.pk}"))
    return render(
        request,
        "netzwerk/konzepte/massnahme_form.html",
        {
            "konzept": konzept,
            "form": form,
            "massnahme": massnahme,
            "title": title,
            "notizen": massnahme.notizen.count() if massnahme else 0,
        },
    )


@require_perm(EDIT)
def massnahme_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """`pk` is the goal the form starts with; the form may pick another of the concept's."""
    konzept = _konzept(request, slug)
    ziel = _ziel(konzept, pk)
    form = MassnahmeForm(request.POST or None, konzept=konzept, initial={"ziel": ziel})
    return _massnahme_form(request, konzept=konzept, form=form)


@require_perm(EDIT)
def massnahme_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    massnahme = _massnahme(konzept, pk)
    title = massnahme.title  # the form writes what was typed into the instance
    form = MassnahmeForm(request.POST or None, konzept=konzept, instance=massnahme)
    return _massnahme_form(request, konzept=konzept, form=form, massnahme=massnahme, title=title)


@require_POST
@require_perm(EDIT)
def massnahme_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    massnahme = _massnahme(konzept, pk)
    services.massnahme_delete(massnahme=massnahme)
    messages.success(request, _("„%(t)s“ ist gelöscht.") % {"t": massnahme.title})
    return redirect(_liste(konzept, f"ziel-{massnahme.ziel_id}"))
