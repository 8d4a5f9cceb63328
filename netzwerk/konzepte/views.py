"""Concept pages: the list, a concept with its chapters and comments, editing a chapter (with
the conflict shown), its versions and the difference between any two, the status flow."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import get_object_for_user, require_perm
from ..rules import is_approved
from ..text import unique_slug
from ..verlauf import verlauf
from . import selectors, services
from .diff import diff_html
from .forms import (
    AntwortForm,
    BeschlussForm,
    KapitelForm,
    KapitelNeuForm,
    KommentarForm,
    KonzeptForm,
    NotizForm,
)
from .models import Kommentar, Konzept, Massnahme


def konzept_list(request: HttpRequest) -> HttpResponse:
    konzepte = Konzept.objects.annotate(n_kapitel=Count("kapitel"))
    if not is_approved(request.user):
        konzepte = konzepte.filter(status=Konzept.Status.BESCHLOSSEN)
    form = None
    if request.user.has_perm("netzwerk.edit_konzept"):
        form = KonzeptForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            konzept = form.save(commit=False)
            konzept.slug = unique_slug(Konzept, konzept.title, "konzept", cut=180)
            konzept.save()
            messages.success(request, _("Das Konzept ist angelegt; fügen Sie Kapitel hinzu."))
            return redirect(konzept)
    return render(
        request, "netzwerk/konzepte/konzept_list.html", {"konzepte": konzepte, "form": form}
    )


def _konzept(request, slug: str, perm: str = "netzwerk.read_konzept") -> Konzept:
    return get_object_for_user(request, Konzept.objects.select_related("gremium"), perm, slug=slug)


def konzept_detail(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug)
    kommentare = Kommentar.objects.select_related("author", "answered_by")
    kapitel = konzept.kapitel.select_related("updated_by").prefetch_related(
        Prefetch("kommentare", queryset=kommentare)
    )
    edit = request.user.has_perm("netzwerk.edit_konzept")
    return render(
        request,
        "netzwerk/konzepte/konzept_detail.html",
        {
            "konzept": konzept,
            "kapitel": kapitel,
            "kommentare_sichtbar": is_approved(request.user),
            "kommentieren": request.user.has_perm("netzwerk.comment_konzept", konzept),
            "bearbeiten": edit and not konzept.frozen,
            "edit": edit,
            "kommentar_form": KommentarForm(),
            "antwort_form": AntwortForm(),
            "kapitel_form": KapitelNeuForm(),
            "beschluss_form": BeschlussForm(),
            "weiter": services.FOLGT.get(konzept.status),
            "zurueck": services.REIHENFOLGE[: services.REIHENFOLGE.index(konzept.status)],
            "offene": Kommentar.objects.filter(
                kapitel__konzept=konzept, status=Kommentar.Status.OFFEN
            ).count(),
        },
    )


@require_POST
@require_perm("netzwerk.edit_konzept")
def kapitel_create(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug)
    form = KapitelNeuForm(request.POST)
    if form.is_valid():
        try:
            kapitel = services.kapitel_create(
                konzept=konzept, title=form.cleaned_data["title"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("netzwerk:kapitel-edit", slug=konzept.slug, pk=kapitel.pk)
    else:
        messages.error(request, _("Bitte geben Sie eine Überschrift an."))
    return redirect(konzept)


@require_perm("netzwerk.edit_konzept")
def kapitel_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    kapitel = get_object_or_404(konzept.kapitel, pk=pk)
    konflikt = None
    if konzept.frozen:
        messages.info(
            request, _("Das Konzept ist beschlossen; sein Text bleibt, wie er beschlossen wurde.")
        )
        return redirect(konzept)
    form = KapitelForm(request.POST or None, instance=kapitel, initial={"version": kapitel.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.kapitel_save(
                kapitel=kapitel,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                base_version=form.cleaned_data["version"],
                user=request.user,
            )
        except services.Konflikt as error:
            konflikt = error.current
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect(f"{konzept.get_absolute_url()}#kapitel-{kapitel.pk}")
    return render(
        request,
        "netzwerk/konzepte/kapitel_edit.html",
        {"konzept": konzept, "kapitel": kapitel, "form": form, "konflikt": konflikt},
    )


def kapitel_versionen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The versions of a chapter; ?a=&b= shows the difference between two of them."""
    konzept = _konzept(request, slug)
    if not is_approved(request.user):
        return redirect(konzept)
    kapitel = get_object_or_404(konzept.kapitel, pk=pk)
    versionen = list(kapitel.versionen.select_related("author"))
    nummern = {v.number: v for v in versionen}
    a, b = _nummer(request.GET.get("a")), _nummer(request.GET.get("b"))
    if b not in nummern:
        b = versionen[0].number if versionen else None
    if a not in nummern:
        a = b - 1 if b and b - 1 in nummern else b
    diff = None
    if a in nummern and b in nummern:
        diff = {
            "a": nummern[a],
            "b": nummern[b],
            "title": diff_html(nummern[a].title, nummern[b].title),
            "text": diff_html(nummern[a].text, nummern[b].text),
        }
    return render(
        request,
        "netzwerk/konzepte/kapitel_versionen.html",
        {"konzept": konzept, "kapitel": kapitel, "versionen": versionen, "diff": diff},
    )


def _nummer(value) -> int | None:
    return int(value) if value and value.isascii() and value.isdecimal() else None


@require_POST
@require_perm("netzwerk.edit_konzept")
def konzept_status(request: HttpRequest, slug: str) -> HttpResponse:
    konzept = _konzept(request, slug)
    status = request.POST.get("status", "")
    extra = {}
    if status == Konzept.Status.BESCHLOSSEN:
        form = BeschlussForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(konzept)
        extra = form.cleaned_data
    try:
        services.konzept_status_set(konzept=konzept, status=status, **extra)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        konzept.refresh_from_db()
        messages.success(request, _("Status: %(s)s.") % {"s": konzept.get_status_display()})
    return redirect(konzept)


@require_POST
def kommentar_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug, "netzwerk.comment_konzept")
    kapitel = get_object_or_404(konzept.kapitel, pk=pk)
    form = KommentarForm(request.POST)
    if form.is_valid():
        try:
            services.kommentar_create(
                kapitel=kapitel, text=form.cleaned_data["text"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Danke, Ihr Kommentar ist gespeichert."))
    else:
        messages.error(request, _("Bitte schreiben Sie Ihren Kommentar (höchstens 5.000 Zeichen)."))
    return redirect(f"{konzept.get_absolute_url()}#kapitel-{kapitel.pk}")


@require_POST
@require_perm("netzwerk.edit_konzept")
def kommentar_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    kommentar = get_object_or_404(Kommentar, pk=pk, kapitel__konzept=konzept)
    form = AntwortForm(request.POST)
    if form.is_valid():
        services.kommentar_answer(kommentar=kommentar, user=request.user, **form.cleaned_data)
        messages.success(request, _("Die Antwort ist gespeichert."))
    else:
        messages.error(request, _("Bitte wählen Sie: aufgenommen oder nicht aufgenommen."))
    return redirect(f"{konzept.get_absolute_url()}#kapitel-{kommentar.kapitel_id}")


def massnahmen(request: HttpRequest, slug: str) -> HttpResponse:
    """The measures of a concept as a tree, progress rolled up to goals and focal points."""
    konzept = _konzept(request, slug)
    return render(
        request,
        "netzwerk/konzepte/massnahmen.html",
        {"konzept": konzept, "baum": selectors.massnahmen_baum(konzept)},
    )


def massnahme_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    konzept = _konzept(request, slug)
    massnahme = get_object_or_404(
        Massnahme.objects.select_related("ziel__schwerpunkt", "forum"),
        pk=pk,
        ziel__schwerpunkt__konzept=konzept,
    )
    darf = request.user.has_perm("netzwerk.note_massnahme", massnahme)
    form = None
    if darf:
        form = NotizForm(
            request.POST or None,
            initial={"progress": massnahme.progress, "status": massnahme.status},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.notiz_create(massnahme=massnahme, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Die Notiz ist gespeichert."))
                return redirect("netzwerk:massnahme-detail", slug=konzept.slug, pk=massnahme.pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "netzwerk/konzepte/massnahme_detail.html",
        {
            "konzept": konzept,
            "massnahme": massnahme,
            "notizen": massnahme.notizen.select_related("author"),
            "organisationen": massnahme.organisationen.all(),
            "bedarfe": massnahme.bedarfe.all() if is_approved(request.user) else [],
            "angebote": massnahme.angebote.filter(is_public=True),
            "form": form,
            "verlauf": verlauf(massnahme.history.all())
            if request.user.has_perm("netzwerk.edit_konzept")
            else [],
        },
    )
