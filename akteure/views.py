from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netzwerk.access import get_object_for_user, require_perm
from netzwerk.dateien import JPEG, PNG, typ_erkennen
from netzwerk.datenstand import abfrage
from netzwerk.exports import export_format, lokaldatum, table_response
from netzwerk.models import Sozialraum
from netzwerk.selectors import accounts_awaiting_approval
from netzwerk.services import account_reject
from netzwerk.tabellen import ImportFehler
from netzwerk.verlauf import verlauf

from . import karte_svg, karten, selectors, services, stand
from .filters import AngebotFilter, OrganisationFilter
from .forms import (
    AngebotForm,
    AntragEntscheidungForm,
    FreigabeForm,
    ImportMappingForm,
    ImportUploadForm,
    LoeschantragForm,
    OrganisationForm,
)
from .models import Angebot, Datenschutzantrag, Einwilligung, Import, Organisation, Person
from .wegweiser.forms import AngebotZusatz
from .wegweiser.services import angebot_update_mit_zusatz

PAGE_SIZE = 25


# --- Approval of new accounts ------------------------------------------------------------------
@require_perm("netzwerk.approve_accounts")
def freigabe_list(request: HttpRequest) -> HttpResponse:
    wartende = [(user, _freigabe_form(user)) for user in accounts_awaiting_approval()]
    return render(request, "akteure/freigabe_list.html", {"wartende": wartende})


def _freigabe_form(user, data=None) -> FreigabeForm:
    """One form per waiting account; it preselects the organisation named at sign-up."""
    return FreigabeForm(data, prefix=f"u{user.pk}", hint=user.organisation_hint)


@require_POST
@require_perm("netzwerk.approve_accounts")
def freigabe_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(accounts_awaiting_approval(), pk=pk)
    form = _freigabe_form(user, request.POST)
    if not form.is_valid():
        others = [(u, _freigabe_form(u)) for u in accounts_awaiting_approval().exclude(pk=user.pk)]
        return render(
            request,
            "akteure/freigabe_list.html",
            {"wartende": [(user, form), *others]},
            status=400,
        )
    if form.cleaned_data["decision"] == "approve":
        services.account_approve(
            user=user,
            approved_by=request.user,
            rolle=form.cleaned_data["rolle"],
            organisation=form.cleaned_data["organisation"],
        )
        messages.success(
            request, _("%(user)s ist freigegeben und wird per E-Mail informiert.") % {"user": user}
        )
    else:
        account_reject(user=user, rejected_by=request.user)
        messages.info(request, _("Die Registrierung von %(user)s ist abgelehnt.") % {"user": user})
    return redirect("akteure:freigabe-list")


# --- Directory ---------------------------------------------------------------------------------
def _gecachte_liste(request, template: str, filterset, *schluessel) -> HttpResponse:
    """A list page whose list is a fragment cached per `schluessel`, filters and page: the
    filter form (`filterset`, called when first used) and the page are drawn only when the
    fragment is stale (akteure.stand)."""
    filterset = SimpleLazyObject(filterset)
    return render(
        request,
        template,
        {
            "filter": filterset,
            "page": SimpleLazyObject(
                lambda: selectors.Seiten(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
            ),
            "fragment": stand.fragment_key(*schluessel, abfrage(request)),
            "ttl": stand.TTL,
        },
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    if fmt := export_format(request):
        qs = OrganisationFilter(request.GET, queryset=selectors.organisationen_for_list()).qs
        return table_response(
            fmt=fmt,
            filename="organisationen",
            sheet=_("Organisationen"),
            headers=[
                _("Name"),
                _("Typ"),
                _("Sozialraum"),
                _("Straße"),
                _("PLZ"),
                _("Ort"),
                _("Website"),
                _("Angebote"),
            ],
            rows=(
                [
                    o.name,
                    o.typ.name,
                    o.sozialraum or "",
                    o.street,
                    o.postcode,
                    o.city,
                    o.website,
                    o.angebot_count,
                ]
                for o in qs
            ),
        )
    # The list is the same for everyone.
    return _gecachte_liste(
        request,
        "akteure/organisation_list.html",
        lambda: OrganisationFilter(request.GET, queryset=selectors.organisationen_for_table()),
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("typ", "sozialraum"), slug=slug
    )
    user = request.user
    context = {
        "organisation": organisation,
        "personen": selectors.personen_visible_to(user, organisation),
        "angebote": selectors.organisation_detail_angebote(user, organisation),
        "darf_bearbeiten": user.has_perm("akteure.edit_organisation", organisation),
        "darf_personen": user.has_perm("akteure.manage_personen"),
    }
    if user.has_perm("akteure.see_history"):
        context["verlauf"] = verlauf(organisation.history.all())
    return render(request, "akteure/organisation_detail.html", context)


@require_perm("netzwerk.see_dashboard")
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_for_user(
        request, Organisation.objects.all(), "akteure.edit_organisation", slug=slug
    )
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_save(form=form)
        messages.success(request, _("Die Angaben Ihrer Organisation sind gespeichert."))
        return redirect(organisation)
    return render(
        request,
        "akteure/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


def angebot_list(request: HttpRequest) -> HttpResponse:
    if fmt := export_format(request):
        qs = AngebotFilter(request.GET, queryset=selectors.angebote_for_list(request.user)).qs
        return table_response(
            fmt=fmt,
            filename="angebote",
            sheet=_("Angebote"),
            headers=[
                _("Titel"),
                _("Organisation"),
                _("Lebensphasen"),
                _("Handlungsfelder"),
                _("Sozialraum"),
                _("Kosten"),
                _("Sprachen"),
                _("zuletzt bestätigt"),
            ],
            rows=(
                [
                    a.title,
                    a.organisation.name,
                    ", ".join(p.name for p in a.lebensphasen.all()),
                    ", ".join(h.name for h in a.handlungsfelder.all()),
                    a.sozialraum or "",
                    a.get_cost_display(),
                    a.languages,
                    lokaldatum(a.confirmed_at, "%Y-%m-%d"),
                ]
                for a in qs
            ),
        )
    # Cached per role (members see the internal offers too).
    return _gecachte_liste(
        request,
        "akteure/angebot_list.html",
        lambda: AngebotFilter(request.GET, queryset=selectors.angebote_for_cards(request.user)),
        stand.rolle(request.user),
    )


def angebot_detail(request: HttpRequest, slug: str) -> HttpResponse:
    angebot = get_object_for_user(
        request,
        Angebot.objects.select_related("organisation", "sozialraum", "contact"),
        "akteure.read_angebot",
        slug=slug,
    )
    user = request.user
    contact = angebot.contact
    if (
        contact is not None
        and not selectors.personen_visible_to(user, angebot.organisation)
        .filter(pk=contact.pk)
        .exists()
    ):
        contact = None
    context = {
        "angebot": angebot,
        "contact": contact,
        "darf_bearbeiten": user.has_perm("akteure.edit_angebot", angebot),
    }
    if user.has_perm("akteure.see_history"):
        context["verlauf"] = verlauf(angebot.history.all())
    return render(request, "akteure/angebot_detail.html", context)


def _angebot_form_page(request, form, organisation, angebot=None, zusatz=None) -> HttpResponse:
    return render(
        request,
        "akteure/angebot_form.html",
        {"form": form, "organisation": organisation, "angebot": angebot, "zusatz": zusatz},
        status=400 if form.errors or (zusatz and zusatz.errors) else 200,
    )


@require_perm("netzwerk.see_dashboard")
def angebot_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_for_user(
        request, Organisation.objects.all(), "akteure.add_angebot_to", slug=slug
    )
    form = AngebotForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        angebot = services.angebot_create(organisation=organisation, form=form)
        messages.success(request, _("Das Angebot ist angelegt."))
        return redirect(angebot)
    return _angebot_form_page(request, form, organisation)


def organisation_logo(request: HttpRequest, slug: str) -> FileResponse:
    """Logos are as public as the organisation's page; the portal serves them itself (nothing
    under MEDIA_URL is published), with the type read from the file, never guessed."""
    organisation = get_object_or_404(Organisation.objects.exclude(logo=""), slug=slug)
    try:
        handle = organisation.logo.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    typ = typ_erkennen(handle)
    if typ not in (PNG, JPEG):
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=typ.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_perm("netzwerk.see_dashboard")
def angebot_edit(request: HttpRequest, slug: str) -> HttpResponse:
    angebot = get_object_for_user(
        request, Angebot.objects.select_related("organisation"), "akteure.edit_angebot", slug=slug
    )
    form = AngebotForm(request.POST or None, instance=angebot, organisation=angebot.organisation)
    # Times and translations for the family guide (akteure.wegweiser), saved with the offer.
    zusatz = AngebotZusatz(request.POST or None, angebot=angebot)
    if request.method == "POST" and all([form.is_valid(), zusatz.is_valid()]):
        angebot_update_mit_zusatz(form=form, zusatz=zusatz)
        messages.success(request, _("Das Angebot ist gespeichert und als aktuell bestätigt."))
        return redirect(angebot)
    return _angebot_form_page(request, form, angebot.organisation, angebot, zusatz)


@require_POST
@require_perm("netzwerk.see_dashboard")
def angebot_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    angebot = get_object_for_user(request, Angebot.objects.all(), "akteure.edit_angebot", slug=slug)
    services.angebot_confirm(angebot=angebot)
    messages.success(request, _("Danke! Das Angebot ist als aktuell bestätigt."))
    return redirect(angebot)


# --- Präventionskette --------------------------------------------------------------------------
def _sozialraum(request: HttpRequest) -> Sozialraum | None:
    if slug := request.GET.get("sozialraum"):
        sozialraum = Sozialraum.objects.filter(slug=slug).first()
        if sozialraum is None:
            raise Http404
        return sozialraum
    return None


def _karte(request: HttpRequest, sozialraum: Sozialraum | None, zellen=None) -> dict:
    karte = selectors.praeventionskette(user=request.user, sozialraum=sozialraum, zellen=zellen)
    karte["sozialraum"] = sozialraum
    return karte


def _karte_mit_luecken(request: HttpRequest, sozialraum: Sozialraum | None) -> dict:
    # One aggregate for the map and the gaps per Sozialraum.
    zellen = selectors.praeventionskette_zellen(user=request.user)
    karte = _karte(request, sozialraum, zellen)
    karte["sozialraeume"] = Sozialraum.objects.only("name", "slug")
    # The gaps per Sozialraum as a choropleth map beside the same figures as a table (part C).
    karte["luecken_je_sozialraum"] = karten.luecken_je_sozialraum(user=request.user, zellen=zellen)
    seite = reverse("akteure:praeventionskette")
    karte["luecken_karte"] = karten.luecken_karte(
        karte["luecken_je_sozialraum"],
        gewaehlt=sozialraum.pk if sozialraum else None,
        link=lambda s: f"{seite}?sozialraum={s.slug}",
    )
    karte["luecken_auf_karte"] = any(r.auf_karte for r in karte["luecken_je_sozialraum"])
    return karte


def praeventionskette(request: HttpRequest) -> HttpResponse:
    sozialraum = _sozialraum(request)
    if fmt := export_format(request):
        karte = _karte(request, sozialraum)
        return table_response(
            fmt=fmt,
            filename="praeventionskette",
            sheet=_("Präventionskette"),
            headers=["Lebensphase", *[f.name for f in karte["felder"]]],
            rows=([row["phase"].name, *[c["n"] for c in row["cells"]]] for row in karte["rows"]),
        )
    # Cached per role (members count the internal offers too) and Sozialraum; the counts are
    # made only when the fragment is stale.
    karte = SimpleLazyObject(lambda: _karte_mit_luecken(request, sozialraum))
    return render(
        request,
        "akteure/praeventionskette.html",
        {
            "sozialraum": sozialraum,
            "karte": karte,
            "luecken_je_sozialraum": SimpleLazyObject(lambda: karte["luecken_je_sozialraum"]),
            "fragment": stand.fragment_key(stand.rolle(request.user), abfrage(request)),
            "ttl": stand.TTL,
        },
    )


def praeventionskette_svg(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        karte_svg.render(_karte(request, _sozialraum(request))), content_type="image/svg+xml"
    )
    response["Content-Disposition"] = 'attachment; filename="praeventionskette.svg"'
    return response


# --- DSGVO: access requests, erasure, consent, retention -------------------------------------
def _person(request: HttpRequest, pk: int) -> Person:
    return get_object_for_user(
        request,
        Person.objects.active().select_related("organisation", "user"),
        "akteure.manage_personen",
        pk=pk,
    )


@require_perm("akteure.manage_personen")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return render(
        request,
        "akteure/person_detail.html",
        {
            "person": person,
            # Counts only: the rows themselves are on the Auskunft page.
            "plan": selectors.erase_plan(person=person),
            "einwilligungen": person.einwilligungen.all(),
        },
    )


def _auskunft_json(auskunft: dict, filename: str) -> HttpResponse:
    response = JsonResponse(auskunft, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_perm("akteure.manage_personen")
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return _auskunft_json(
        selectors.person_export(person=person), f"auskunft-person-{person.pk}.json"
    )


@require_perm("akteure.manage_personen")
def person_auskunft(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return render(
        request,
        "akteure/auskunft.html",
        {"wer": person, "auskunft": selectors.person_export(person=person)},
    )


@require_perm("akteure.manage_personen")
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what erasure will do, with counts; POST with the confirmation: do it."""
    person = _person(request, pk)
    if request.method == "POST":
        if request.POST.get("bestaetigt") == "ja":
            organisation = person.organisation
            services.person_erase(person=person)
            messages.success(request, _("Die Person ist gelöscht (anonymisiert)."))
            return redirect(organisation or "akteure:person-review")
        messages.error(request, _("Bitte bestätigen Sie, dass die Person gelöscht werden soll."))
    return render(
        request,
        "akteure/person_erase.html",
        {"person": person, "plan": selectors.erase_plan(person=person)},
        status=400 if request.method == "POST" else 200,
    )


# --- The person's own data: access request and erasure request ------------------------------
@login_required
def meine_daten(request: HttpRequest) -> HttpResponse:
    offen = Datenschutzantrag.objects.filter(
        user=request.user, status=Datenschutzantrag.Status.OFFEN
    ).first()
    form = LoeschantragForm(request.POST or None)
    if request.method == "POST" and offen is None and form.is_valid():
        antrag = services.antrag_create(user=request.user, message=form.cleaned_data["message"])
        messages.success(
            request,
            _("Ihr Löschantrag ist eingegangen. Die Koordination entscheidet bis %(frist)s.")
            % {"frist": date_format(antrag.deadline, "d.m.Y")},
        )
        return redirect("akteure:meine-daten")
    return render(
        request,
        "akteure/meine_daten.html",
        {
            "auskunft": selectors.person_export(user=request.user),
            "offen": offen,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def meine_daten_export(request: HttpRequest) -> HttpResponse:
    return _auskunft_json(selectors.person_export(user=request.user), "meine-daten.json")


@require_perm("akteure.manage_personen")
def antrag_list(request: HttpRequest) -> HttpResponse:
    antraege = Datenschutzantrag.objects.select_related("user", "decided_by")
    return render(
        request,
        "akteure/antrag_list.html",
        {
            "offen": antraege.filter(status=Datenschutzantrag.Status.OFFEN),
            "heute": timezone.localdate(),
            "entschieden": antraege.exclude(status=Datenschutzantrag.Status.OFFEN).order_by(
                "-decided_at"
            )[:50],
        },
    )


@require_perm("akteure.manage_personen")
def antrag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    antrag = get_object_or_404(Datenschutzantrag.objects.select_related("user"), pk=pk)
    form = AntragEntscheidungForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        loeschen = form.cleaned_data["entscheidung"] == "loeschen"
        if services.antrag_decide(
            antrag=antrag, by=request.user, erase=loeschen, answer=form.cleaned_data["answer"]
        ):
            messages.success(
                request,
                _("Die Daten sind gelöscht.") if loeschen else _("Der Antrag ist abgelehnt."),
            )
        else:
            messages.info(request, _("Über diesen Antrag war schon entschieden."))
        return redirect("akteure:antrag-list")
    offen = antrag.status == Datenschutzantrag.Status.OFFEN and antrag.user is not None
    return render(
        request,
        "akteure/antrag_detail.html",
        {
            "antrag": antrag,
            "form": form,
            "plan": selectors.erase_plan(user=antrag.user) if offen else [],
            "offen": offen,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@require_perm("akteure.manage_personen")
def einwilligung_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    einwilligung = get_object_or_404(Einwilligung.objects.select_related("person"), pk=pk)
    services.einwilligung_withdraw(einwilligung=einwilligung)
    messages.success(request, _("Die Einwilligung ist widerrufen."))
    return redirect("akteure:person-detail", pk=einwilligung.person_id)


@require_perm("akteure.manage_personen")
def person_review(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.personen_for_review(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "akteure/person_review.html", {"page": page})


# --- Import ------------------------------------------------------------------------------------
@require_perm("akteure.import")
def import_list(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            imp = services.import_upload(
                art=form.cleaned_data["art"], upload=form.cleaned_data["datei"], user=request.user
            )
        except ImportFehler as exc:
            form.add_error("datei", str(exc))
        else:
            return redirect(imp)
    return render(
        request,
        "akteure/import_list.html",
        {"form": form, "importe": Import.objects.select_related("created_by")[:20]},
        status=400 if form.errors else 200,
    )


@require_perm("akteure.import")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imp = get_object_or_404(Import, pk=pk)
    form = ImportMappingForm(request.POST or None, imp=imp)
    context = {"imp": imp, "form": form, "fortschritt": services.import_progress(imp)}
    if request.method == "POST" and request.POST.get("aktion") == "start":
        services.import_start(imp=imp)
        return redirect(imp)
    if request.method == "POST" and form.is_valid():
        context["pruefung"] = services.import_check(imp=imp, mapping=form.mapping())
        context["vorschau"] = services.import_rows(imp)[:10]
    return render(request, "akteure/import_detail.html", context)


@require_perm("akteure.import")
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    imp = get_object_or_404(Import, pk=pk)
    return render(
        request,
        "akteure/_import_fortschritt.html",
        {"imp": imp, "fortschritt": services.import_progress(imp)},
    )


# --- Invitation links --------------------------------------------------------------------------
@require_POST
@require_perm("netzwerk.approve_accounts")
def einladung_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    einladung = services.einladung_create(organisation=organisation, by=request.user)
    link = request.build_absolute_uri(
        reverse("akteure:einladung", kwargs={"token": einladung.token})
    )
    return render(
        request,
        "akteure/einladung_link.html",
        {"organisation": organisation, "link": link, "einladung": einladung},
    )


def einladung(request: HttpRequest, token: str) -> HttpResponse:
    einladung, grund = services.einladung_read(token)
    if request.method == "POST" and request.user.is_authenticated and not grund:
        einladung, grund = services.einladung_accept(token=token, user=request.user)
        if not grund:
            messages.success(
                request,
                _("Ihr Konto gehört jetzt zu %(org)s. Sie können die Angaben pflegen.")
                % {"org": einladung.organisation.name},
            )
            return redirect(einladung.organisation)
    if grund:
        return render(
            request,
            "akteure/einladung.html",
            {"grund": grund, "einladung": einladung},
            status=410 if grund in ("benutzt", "abgelaufen") else 404,
        )
    return render(request, "akteure/einladung.html", {"organisation": einladung.organisation})
