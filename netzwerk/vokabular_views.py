"""The coordination maintains the vocabularies on portal pages: add, rename, reorder (buttons, no
dragging), deactivate and reactivate, merge two terms, delete an unused one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import vokabular
from .access import require_perm
from .models import Vokabular
from .vokabular import ARTEN, MANAGE, Art
from .vokabular_forms import MergeForm, term_form_class


def _art(art: str) -> Art:
    if art not in ARTEN:
        raise Http404
    return ARTEN[art]


def _term(art: Art, pk: int) -> Vokabular:
    return get_object_or_404(art.model, pk=pk)


def _liste(art: Art, term: Vokabular | None = None) -> str:
    url = reverse("netzwerk:vokabular", args=[art.key])
    return f"{url}#term-{term.pk}" if term is not None else url


def _zeile(art: Art, term: Vokabular) -> dict:
    verwendung = vokabular.verwendung_of(term)
    return {
        "term": term,
        "verwendung": verwendung,
        "anzahl": sum(n for _wo, n in verwendung),
        "alter": vokabular.altersspanne(term),
    }


@require_perm(MANAGE)
def vokabular_list(request: HttpRequest) -> HttpResponse:
    listen = []
    for art in ARTEN.values():
        zahlen = art.model.objects.aggregate(
            alle=Count("pk"), aktiv=Count("pk", filter=Q(active=True))
        )
        listen.append({"art": art, **zahlen})
    return render(request, "netzwerk/vokabular/vokabular_list.html", {"listen": listen})


@require_perm(MANAGE)
def vokabular_detail(request: HttpRequest, art: str) -> HttpResponse:
    """The terms of one vocabulary, in their order, with their uses; below, a new term."""
    art_ = _art(art)
    form = term_form_class(art_.model)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = vokabular.term_create(model=art_.model, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("„%(name)s“ ist angelegt und steht am Ende der Liste.") % {"name": term.name},
            )
            return redirect(_liste(art_, term))
    terms = list(vokabular.terms_with_usage(art_.model))
    return render(
        request,
        "netzwerk/vokabular/vokabular_detail.html",
        {
            "art": art_,
            "zeilen": [_zeile(art_, t) for t in terms],
            "form": form,
            "mit_alter": "alter_von" in form.fields,
            "mit_code": "code" in form.fields,
        },
        status=400 if form.errors else 200,
    )


@require_perm(MANAGE)
def vokabular_edit(request: HttpRequest, art: str, pk: int) -> HttpResponse:
    """One term: rename it (and its age range or code), merge it into another, delete it."""
    art_ = _art(art)
    term = _term(art_, pk)
    form = term_form_class(art_.model)(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        try:
            vokabular.term_update(term=term, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("„%(name)s“ ist gespeichert.") % {"name": term.name})
            return redirect(_liste(art_, term))
    term.refresh_from_db(fields=["name"])  # the heading shows the stored name, not the typed one
    return render(
        request,
        "netzwerk/vokabular/vokabular_edit.html",
        {
            "art": art_,
            "term": term,
            "form": form,
            "merge_form": MergeForm(term=term),
            "zeile": _zeile(art_, term),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@require_perm(MANAGE)
def vokabular_move(request: HttpRequest, art: str, pk: int) -> HttpResponse:
    art_ = _art(art)
    term = _term(art_, pk)
    richtung = request.POST.get("richtung")
    if richtung not in ("hoch", "runter"):
        messages.error(request, _("Bitte wählen Sie „nach oben“ oder „nach unten“."))
    elif not vokabular.term_move(term=term, richtung=richtung):
        text = (
            _("„%(name)s“ steht schon ganz oben.")
            if richtung == "hoch"
            else _("„%(name)s“ steht schon ganz unten.")
        )
        messages.info(request, text % {"name": term.name})
    return redirect(_liste(art_, term))


@require_POST
@require_perm(MANAGE)
def vokabular_toggle(request: HttpRequest, art: str, pk: int) -> HttpResponse:
    art_ = _art(art)
    term = vokabular.term_toggle(term=_term(art_, pk))
    if term.active:
        messages.success(request, _("„%(name)s“ wird wieder angeboten.") % {"name": term.name})
    else:
        messages.success(
            request,
            _("„%(name)s“ ist deaktiviert: Neue Einträge bieten ihn nicht mehr an, bestehende "
              "behalten ihn.") % {"name": term.name},
        )  # fmt: skip
    return redirect(_liste(art_, term))


@require_POST
@require_perm(MANAGE)
def vokabular_merge(request: HttpRequest, art: str, pk: int) -> HttpResponse:
    art_ = _art(art)
    term = _term(art_, pk)
    form = MergeForm(request.POST, term=term)
    if not form.is_valid():
        for fehler in form.errors.values():
            messages.error(request, " ".join(fehler))
        return redirect("netzwerk:vokabular-edit", art=art_.key, pk=term.pk)
    ziel = form.cleaned_data["ziel"]
    name = term.name
    try:
        bewegt = vokabular.term_merge(source=term, target=ziel)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("netzwerk:vokabular-edit", art=art_.key, pk=pk)
    wo = ", ".join(f"{label}: {n}" for label, n in bewegt.items() if n)
    messages.success(
        request,
        _("„%(a)s“ ist mit „%(b)s“ zusammengeführt (%(wo)s).")
        % {"a": name, "b": ziel.name, "wo": wo or _("nicht verwendet")},
    )
    return redirect(_liste(art_, ziel))


@require_POST
@require_perm(MANAGE)
def vokabular_delete(request: HttpRequest, art: str, pk: int) -> HttpResponse:
    art_ = _art(art)
    term = _term(art_, pk)
    try:
        vokabular.term_delete(term=term)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("netzwerk:vokabular-edit", art=art_.key, pk=term.pk)
    messages.success(request, _("„%(name)s“ ist gelöscht.") % {"name": term.name})
    return redirect(_liste(art_))
