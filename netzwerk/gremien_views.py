"""The coordination's committee pages (/koordination/gremien/), and the page where an invited
person accepts their invitation (signed in with the invited address)."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import gremien
from .access import require_perm
from .gremien_forms import EinladungForm, GremiumForm, MitgliedForm
from .models import Gremium, User

MANAGE = "netzwerk.manage_gremien"


def _gremium(slug: str) -> Gremium:
    return get_object_or_404(Gremium, slug=slug)


@require_perm(MANAGE)
def gremium_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "netzwerk/gremien/gremium_list.html", {"gremien": gremien.gremien_for_list()}
    )


def _form_page(request: HttpRequest, form: GremiumForm, gremium: Gremium | None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "art", "description", "url")}
        try:
            if gremium is None:
                gremium = gremien.gremium_create(**data)
                messages.success(request, _("Das Gremium ist angelegt."))
            else:
                gremium = gremien.gremium_update(gremium=gremium, **data)
                messages.success(request, _("Die Angaben sind gespeichert."))
        except ValidationError as error:
            form.add_error("name", error)
        else:
            return redirect("netzwerk:gremium-detail", slug=gremium.slug)
    return render(request, "netzwerk/gremien/gremium_form.html", {"form": form, "gremium": gremium})


@require_perm(MANAGE)
def gremium_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, GremiumForm(request.POST or None), None)


@require_perm(MANAGE)
def gremium_edit(request: HttpRequest, slug: str) -> HttpResponse:
    gremium = _gremium(slug)
    return _form_page(request, GremiumForm(request.POST or None, instance=gremium), gremium)


def _detail(
    request: HttpRequest, gremium: Gremium, *, mitglied_form=None, einladung_form=None
) -> HttpResponse:
    kandidaten = gremien.kandidaten().exclude(gremien=gremium)
    return render(
        request,
        "netzwerk/gremien/gremium_detail.html",
        {
            "gremium": gremium,
            "mitglieder": gremium.members.select_related("person__organisation").order_by(
                "last_name", "first_name", "email"
            ),
            "kandidaten": kandidaten,
            "mitglied_form": mitglied_form or MitgliedForm(kandidaten=kandidaten),
            "einladung_form": einladung_form or EinladungForm(),
            "einladungen": gremium.einladungen.select_related("created_by"),
            "berichte": gremien.berichte_for_gremium(gremium),
            "datalist_id": MitgliedForm.DATALIST_ID,
        },
    )


@require_perm(MANAGE)
def gremium_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, _gremium(slug))


@require_POST
@require_perm(MANAGE)
def gremium_mitglied_add(request: HttpRequest, slug: str) -> HttpResponse:
    gremium = _gremium(slug)
    form = MitgliedForm(request.POST, kandidaten=gremien.kandidaten())
    if not form.is_valid():
        return _detail(request, gremium, mitglied_form=form)
    user = form.cleaned_data["konto"]
    try:
        added = gremien.gremium_mitglied_add(gremium=gremium, user=user, by=request.user)
    except ValidationError as error:
        form.add_error("konto", error)
        return _detail(request, gremium, mitglied_form=form)
    if added:
        messages.success(request, _("%(u)s ist jetzt Mitglied.") % {"u": user})
    else:
        messages.info(request, _("%(u)s ist schon Mitglied.") % {"u": user})
    return redirect("netzwerk:gremium-detail", slug=gremium.slug)


@require_POST
@require_perm(MANAGE)
def gremium_mitglied_remove(request: HttpRequest, slug: str, user_pk: int) -> HttpResponse:
    gremium = _gremium(slug)
    user = get_object_or_404(gremium.members, pk=user_pk)
    gremien.gremium_mitglied_remove(gremium=gremium, user=user)
    messages.success(
        request,
        _("%(u)s gehört nicht mehr zu %(g)s. Die Rolle Gremium ändern Sie auf der Kontoseite.")
        % {"u": user, "g": gremium.name},
    )
    return redirect("netzwerk:gremium-detail", slug=gremium.slug)


@require_POST
@require_perm(MANAGE)
def gremium_einladen(request: HttpRequest, slug: str) -> HttpResponse:
    gremium = _gremium(slug)
    form = EinladungForm(request.POST)
    if form.is_valid():
        try:
            einladung = gremien.gremium_einladung_create(
                gremium=gremium,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("Die Einladung an %(e)s ist im Postausgang und geht gleich hinaus.")
                % {"e": einladung.email},
            )
            return redirect("netzwerk:gremium-detail", slug=gremium.slug)
    return _detail(request, gremium, einladung_form=form)


@require_POST
@require_perm(MANAGE)
def gremium_einladung_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    gremium = _gremium(slug)
    einladung = get_object_or_404(gremium.einladungen, pk=pk)
    try:
        gremien.gremium_einladung_withdraw(einladung=einladung)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Die Einladung an %(e)s ist zurückgezogen.") % {"e": einladung.email}
        )
    return redirect("netzwerk:gremium-detail", slug=gremium.slug)


# Why an invitation cannot be accepted, as the page's status code.
GRUND_STATUS = {"ungueltig": 404, "benutzt": 410, "abgelaufen": 410, "andere_adresse": 403}


def gremium_einladung(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone with the link. Signed out: sign in or sign up with the invited address (the
    link proves the address, so allauth asks no confirmation mail for it) and come back here."""
    einladung, grund = gremien.gremium_einladung_read(token)
    user: User = request.user
    if not grund and user.is_authenticated and not gremien.adresse_passt(einladung, user):
        grund = "andere_adresse"
    if request.method == "POST" and not grund:
        if not user.is_authenticated:
            return redirect_to_login(request.path)
        einladung, grund = gremien.gremium_einladung_accept(token=token, user=user)
        if not grund:
            messages.success(
                request,
                _("Sie sind jetzt Mitglied in %(g)s.") % {"g": einladung.gremium.name},
            )
            return redirect("netzwerk:dashboard")
    if not grund and not user.is_authenticated:
        get_adapter(request).stash_verified_email(request, einladung.email)
    context = {"einladung": einladung, "grund": grund}
    status = GRUND_STATUS.get(grund, 200)
    if grund == "andere_adresse" and request.method == "GET":
        status = 200  # the page explains what to do; only accepting is refused
    return render(request, "netzwerk/gremien/einladung.html", context, status=status)
