"""Maintaining a concept's measures on the portal (coordination only): focal points and goals are
added, renamed and, when empty, deleted; measures are created, edited and deleted. All of it stays
possible after the decision, which freezes the chapters' text but starts the implementation."""

from functools import partial

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


UEBERSCHRIFT = {
    ("schwerpunkt", False): gettext_lazy("Handlungsschwerpunkt hinzufügen"),
    ("schwerpunkt", True): gettext_lazy("Handlungsschwerpunkt bearbeiten"),
    ("ziel", False): gettext_lazy("Ziel hinzufügen"),
    ("ziel", True): gettext_lazy("Ziel bearbeiten"),
}


def _gliederung_form(
    request: HttpRequest, *, konzept: Konzept, form, art: str, speichern, erfolg: str,
    objekt=None, eltern=None, kinder: str = "",
) -> HttpResponse:  # fmt: skip
    """The small page for a focal point's or goal's title; with `objekt` also its deletion, which
    the page offers once the children (the related name `kinder`) are gone. A valid POST goes to
    `speichern(title=…)`, a service, and back to the list at the saved row; what the service
    refuses stands at the title."""
    if request.method == "POST" and form.is_valid():
        try:
            gespeichert = speichern(title=form.cleaned_data["title"])
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, erfolg)
            return redirect(_liste(konzept, f"{art}-{gespeichert.pk}"))
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
            "kinder": getattr(objekt, kinder).count() if objekt is not None else 0,
        },
    )


def _gliederung_delete(
    request: HttpRequest, *, konzept: Konzept, art: str, objekt, loeschen, anker: str = ""
) -> HttpResponse:
    """`loeschen()`, a service, deletes `objekt`; what it refuses is said on the edit page."""
    try:
        loeschen()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"netzwerk:{art}-edit", slug=konzept.slug, pk=objekt.pk)
    messages.success(request, _("„%(t)s“ ist gelöscht.") % {"t": objekt.title})
    return redirect(_liste(konzept, anker))


# --- Focal points -------------------------------------------------------------------------------


@require_perm(EDIT)
def schwerpunkt_create(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug)
    return _gliederung_form(
        request, konzept=konzept, form=SchwerpunktForm(request.POST or None), art="schwerpunkt",
        speichern=partial(services.schwerpunkt_create, konzept=konzept),
        erfolg=_("Der Handlungsschwerpunkt ist angelegt."),
    )  # fmt: skip


@require_perm(EDIT)
def schwerpunkt_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    schwerpunkt = _schwerpunkt(konzept, pk)
    return _gliederung_form(
        request, konzept=konzept, form=SchwerpunktForm(request.POST or None, instance=schwerpunkt),
        art="schwerpunkt", speichern=partial(services.schwerpunkt_rename, schwerpunkt=schwerpunkt),
        erfolg=_("Gespeichert."), objekt=schwerpunkt, kinder="ziele",
    )  # fmt: skip


@require_POST
@require_perm(EDIT)
def schwerpunkt_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    schwerpunkt = _schwerpunkt(konzept, pk)
    return _gliederung_delete(
        request, konzept=konzept, art="schwerpunkt", objekt=schwerpunkt,
        loeschen=partial(services.schwerpunkt_delete, schwerpunkt=schwerpunkt),
    )  # fmt: skip


# --- Goals --------------------------------------------------------------------------------------


@require_perm(EDIT)
def ziel_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """`pk` is the focal point the new goal belongs to."""
    konzept = _konzept(request, slug)
    schwerpunkt = _schwerpunkt(konzept, pk)
    return _gliederung_form(
        request, konzept=konzept, form=ZielForm(request.POST or None), art="ziel",
        speichern=partial(services.ziel_create, schwerpunkt=schwerpunkt),
        erfolg=_("Das Ziel ist angelegt."), eltern=schwerpunkt,
    )  # fmt: skip


@require_perm(EDIT)
def ziel_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    ziel = _ziel(konzept, pk)
    return _gliederung_form(
        request, konzept=konzept, form=ZielForm(request.POST or None, instance=ziel), art="ziel",
        speichern=partial(services.ziel_rename, ziel=ziel), erfolg=_("Gespeichert."),
        objekt=ziel, eltern=ziel.schwerpunkt, kinder="massnahmen",
    )  # fmt: skip


@require_POST
@require_perm(EDIT)
def ziel_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    ziel = _ziel(konzept, pk)
    return _gliederung_delete(
        request, konzept=konzept, art="ziel", objekt=ziel,
        loeschen=partial(services.ziel_delete, ziel=ziel),
        anker=f"schwerpunkt-{ziel.schwerpunkt_id}",
    )  # fmt: skip


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
                sozialraeume=form.cleaned_data["sozialraeume"],
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
