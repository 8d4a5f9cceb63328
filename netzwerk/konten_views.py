"""The coordination's account pages (/koordination/konten/): every account with role,
organisation, last login and second factor; on an account's page roles, deactivation, the second
factor and the verification mail, each change in the account's log."""

from allauth.account.decorators import reauthentication_required
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import konten
from .access import require_perm
from .gremien_forms import KontoFilterForm, RollenForm
from .models import User
from .sortierung import deutsch

MANAGE = "netzwerk.manage_accounts"
PAGE_SIZE = 50


@require_perm(MANAGE)
def konto_list(request: HttpRequest) -> HttpResponse:
    form = KontoFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = konten.konten_for_list(
        rolle=data.get("rolle", ""), status=data.get("status", ""), suche=data.get("suche", "")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    zeilen = [(u, konten.Status(konten.konto_status(u)).label) for u in page.object_list]
    return render(
        request,
        "netzwerk/konten/konto_list.html",
        {
            "page": page,
            "zeilen": zeilen,
            "filter": {"form": form},
        },
    )


def _konto(pk: int) -> User:
    return get_object_or_404(User.objects.select_related("person__organisation"), pk=pk)


def _detail(request: HttpRequest, user: User, *, rollen_form=None, status=200) -> HttpResponse:
    rollen = sorted(user.groups.filter(name__in=konten.ROLLEN).values_list("name", flat=True))
    protokoll = [
        (eintrag, konten.aktion_label(eintrag.action))
        for eintrag in user.protokoll.select_related("by")
    ]
    return render(
        request,
        "netzwerk/konten/konto_detail.html",
        {
            "konto": user,
            "status": konten.konto_status(user),
            "status_label": konten.Status(konten.konto_status(user)).label,
            "rollen_form": rollen_form or RollenForm(initial={"rollen": rollen}),
            "faktoren": Authenticator.objects.filter(user=user).order_by("type"),
            "unbestaetigt": konten.unbestaetigte_adresse(user),
            "protokoll": protokoll,
            "gremien": user.gremien.order_by(deutsch("name")),
            "selbst": user.pk == request.user.pk,
        },
        status=status,
    )


@require_perm(MANAGE)
def konto_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _konto(pk))


def _fehler(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
@require_perm(MANAGE)
def konto_rollen(request: HttpRequest, pk: int) -> HttpResponse:
    user = _konto(pk)
    form = RollenForm(request.POST)
    if not form.is_valid():
        return _detail(request, user, rollen_form=form, status=400)
    try:
        geaendert = konten.konto_rollen_set(
            user=user, rollen=form.cleaned_data["rollen"], by=request.user
        )
    except ValidationError as error:
        form.add_error("rollen", error)
        return _detail(request, user, rollen_form=form, status=400)
    if geaendert:
        messages.success(request, _("Rollen geändert: %(c)s.") % {"c": ", ".join(geaendert)})
    else:
        messages.info(request, _("Die Rollen sind unverändert."))
    return redirect("netzwerk:konto-detail", pk=user.pk)


@require_POST
@require_perm(MANAGE)
def konto_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _konto(pk)
    try:
        konten.konto_deactivate(user=user, by=request.user)
    except ValidationError as error:
        _fehler(request, error)
    else:
        messages.success(
            request, _("%(u)s ist deaktiviert und kann sich nicht mehr anmelden.") % {"u": user}
        )
    return redirect("netzwerk:konto-detail", pk=user.pk)


@require_POST
@require_perm(MANAGE)
def konto_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _konto(pk)
    try:
        konten.konto_reactivate(user=user, by=request.user)
    except ValidationError as error:
        _fehler(request, error)
    else:
        messages.success(request, _("%(u)s ist wieder aktiv.") % {"u": user})
    return redirect("netzwerk:konto-detail", pk=user.pk)


@require_POST
@require_perm(MANAGE)
@reauthentication_required
def konto_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks the coordinator to confirm their own login first (allauth's reauthentication, which
    then resumes this very request)."""
    user = _konto(pk)
    try:
        konten.konto_zweiter_faktor_reset(user=user, by=request.user)
    except ValidationError as error:
        _fehler(request, error)
    else:
        messages.success(
            request,
            _(
                "Der zweite Faktor von %(u)s ist zurückgesetzt. Die Person meldet sich mit ihrem "
                "Passwort an und richtet ihn neu ein."
            )
            % {"u": user},
        )
    return redirect("netzwerk:konto-detail", pk=user.pk)


@require_POST
@require_perm(MANAGE)
def konto_verification_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = _konto(pk)
    try:
        address = konten.konto_bestaetigung_senden(request=request, user=user, by=request.user)
    except ValidationError as error:
        _fehler(request, error)
    else:
        messages.success(
            request,
            _("Die Bestätigungs-E-Mail an %(e)s ist im Postausgang.") % {"e": address.email},
        )
    return redirect("netzwerk:konto-detail", pk=user.pk)
