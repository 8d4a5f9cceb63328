from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from akteure.selectors import organisation_of_user
from netzwerk.access import get_object_for_user, require_perm

from .. import einlass, ical, selectors, services
from ..forms import AnmeldungForm, DelegierteFormSet
from ..models import Anmeldung, Einladung, Kalenderabo, Veranstaltung
from . import FRAGMENT_TTL, announce, announce_colleagues


def veranstaltung_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events; ?vergangen=1 the past ones (with their minutes), newest first."""
    past = request.GET.get("vergangen") == "1"
    veranstaltungen = selectors.veranstaltungen_visible_to(request.user, past=past)
    # The list is cached under the checksum of the very rows it shows (the database computes it
    # while it counts the seats): whoever sees the same rows shares it, any change draws it
    # again, and its events are read only then.
    stand = selectors.fingerprint(veranstaltungen.values(*selectors.LISTE_FELDER)[:100])
    return render(
        request,
        "konferenzen/veranstaltung_list.html",
        {
            "veranstaltungen": veranstaltungen[:100],
            "vergangen": past,
            "fragment": f"{stand}:{get_language()}:{past}",
            "ttl": FRAGMENT_TTL if stand else 0,
        },
    )


def veranstaltung_detail(request: HttpRequest, pk: int) -> HttpResponse:
    veranstaltung = get_object_for_user(
        request,
        Veranstaltung.objects.select_related("forum"),
        "konferenzen.read_veranstaltung",
        pk=pk,
    )
    user = request.user
    now = timezone.now()
    gruppen = list(selectors.arbeitsgruppen_of(veranstaltung))
    meine = selectors.anmeldung_of(veranstaltung, user)
    offen = veranstaltung.is_registration_open(now)
    darf = user.has_perm("konferenzen.register", veranstaltung)
    organisation = organisation_of_user(user) if darf else None
    form = None
    if darf and offen and meine is None:
        # Every field may stay empty: a POST without any is still a registration.
        data = request.POST if request.method == "POST" else None
        form = AnmeldungForm(data, veranstaltung=veranstaltung, gruppen=gruppen)
        if request.method == "POST" and form.is_valid():
            try:
                anmeldung, _created = services.anmeldung_create(
                    veranstaltung=veranstaltung,
                    name=user.display_name,
                    email=user.email,
                    user=user,
                    organisation=organisation,
                    arbeitsgruppen=form.chosen(),
                    needs=form.cleaned_data.get("needs", ""),
                    comment=form.cleaned_data.get("comment", ""),
                    on_list=form.cleaned_data.get("on_list", False),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                announce(request, anmeldung)
                return redirect("konferenzen:veranstaltung-detail", pk=veranstaltung.pk)
    elif request.method == "POST" and meine is not None:
        messages.info(request, _("Sie sind bereits angemeldet."))
        return redirect("konferenzen:veranstaltung-detail", pk=veranstaltung.pk)
    belegt = selectors.belegt(veranstaltung)
    return render(
        request,
        "konferenzen/veranstaltung_detail.html",
        {
            "veranstaltung": veranstaltung,
            "tagesordnung": veranstaltung.tagesordnung.order_by("position", "time", "pk"),
            "protokolle": selectors.protokolle_of(veranstaltung, nur_geschrieben=True),
            "gruppen": gruppen,
            "belegt": belegt,
            "meine": meine,
            "offen": offen,
            "vorbei": veranstaltung.end < now,
            "jetzt": now,
            "ausgebucht": veranstaltung.capacity is not None and belegt >= veranstaltung.capacity,
            "form": form,
            # Registering colleagues needs an organisation to register them for.
            "kollegium": organisation is not None,
        },
    )


def veranstaltung_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The event as a calendar entry; for an event for invited people only, the invitation's
    token (?einladung=) opens it as the invitation page does."""
    token = request.GET.get("einladung")
    if token and Einladung.objects.filter(veranstaltung_id=pk, token=token).exists():
        veranstaltung = get_object_or_404(Veranstaltung, pk=pk)
    else:
        veranstaltung = get_object_for_user(
            request, Veranstaltung.objects.all(), "konferenzen.read_veranstaltung", pk=pk
        )
    return _ics(
        ical.kalender([veranstaltung], base_url=request.build_absolute_uri("/")),
        f"veranstaltung-{veranstaltung.pk}",
    )


def kalender_public(request: HttpRequest) -> HttpResponse:
    """The public events of the last month and ahead, as a feed to subscribe to."""
    since = timezone.now() - timedelta(days=31)
    events = Veranstaltung.objects.filter(visibility="public", end__gte=since).order_by("start")
    return _ics(ical.kalender(events, base_url=request.build_absolute_uri("/")), "veranstaltungen")


def kalender_personal(request: HttpRequest, token: str) -> HttpResponse:
    """One's own registrations (confirmed or waiting) as a feed; the token is the key."""
    abo = get_object_or_404(Kalenderabo.objects.select_related("user"), token=token)
    return _ics(
        ical.kalender(
            selectors.veranstaltungen_registered(abo.user),
            base_url=request.build_absolute_uri("/"),
        ),
        "meine-veranstaltungen",
    )


@require_perm("netzwerk.see_dashboard")
def kalender_abo(request: HttpRequest) -> HttpResponse:
    abo, _created = Kalenderabo.objects.get_or_create(user=request.user)
    if request.method == "POST":
        abo.token = Kalenderabo._meta.get_field("token").default()
        abo.save(update_fields=["token"])
        messages.success(request, _("Die neue Adresse gilt; die alte funktioniert nicht mehr."))
        return redirect("konferenzen:kalender-abo")
    url = request.build_absolute_uri(reverse("konferenzen:kalender-personal", args=[abo.token]))
    return render(request, "konferenzen/kalender_abo.html", {"url": url})


def _ics(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


def anmeldung_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link from the confirmation mail: see the registration, cancel it. The token
    is the key; no account is needed."""
    anmeldung = (
        Anmeldung.objects.select_related("veranstaltung")
        .prefetch_related("arbeitsgruppen")
        .filter(token=token)
        .first()
    )
    if anmeldung is None:
        return render(request, "konferenzen/anmeldung_ungueltig.html", status=404)
    if request.method == "POST" and request.POST.get("absagen"):
        try:
            services.anmeldung_cancel(anmeldung=anmeldung)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Ihre Anmeldung ist abgesagt."))
        return redirect("konferenzen:anmeldung-manage", token=token)
    # The check-in QR (a signed code, not this token) for the entrance.
    qr = einlass.qr_svg(anmeldung) if anmeldung.status == Anmeldung.Status.BESTAETIGT else None
    return render(
        request,
        "konferenzen/anmeldung_manage.html",
        {
            "anmeldung": anmeldung,
            "qr": qr,
            "begonnen": anmeldung.veranstaltung.start <= timezone.now(),
        },
    )


def delegierte(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner registers colleagues of their organisation in one go; each gets their own
    confirmation and personal link. Lists who of the organisation is registered already. When
    not everyone would get a seat, nobody is registered yet: the form comes back saying how many
    fit, and offers the waiting list for the others or registering only those with a seat
    (entscheidung=warteliste / nur_mit_platz)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    veranstaltung = get_object_for_user(
        request, Veranstaltung.objects.all(), "konferenzen.register", pk=pk
    )
    organisation = organisation_of_user(request.user)
    if organisation is None:
        raise Http404
    gruppen = list(selectors.arbeitsgruppen_of(veranstaltung))
    offen = veranstaltung.is_registration_open(timezone.now())
    formset = prognose = None
    if offen:
        data = request.POST if request.method == "POST" else None
        formset = DelegierteFormSet(data, prefix="weitere", form_kwargs={"gruppen": gruppen})
        if request.method == "POST" and formset.is_valid():
            personen = formset.personen()
            entscheidung = request.POST.get("entscheidung", "")
            if not personen:
                messages.info(request, _("Bitte tragen Sie mindestens eine Person ein."))
            elif (
                entscheidung not in ("warteliste", "nur_mit_platz")
                and (vorschau := selectors.plaetze_fuer(veranstaltung, personen)).ohne_platz
            ):
                # Not everyone fits: say how many do and ask, with the form as it was typed.
                prognose = vorschau
            else:
                try:
                    ergebnisse, ohne_platz = services.delegierte_anmelden(
                        veranstaltung=veranstaltung,
                        personen=personen,
                        warteliste=entscheidung != "nur_mit_platz",
                        organisation=organisation,
                        registered_by=request.user,
                    )
                except ValidationError as error:
                    formset._non_form_errors = formset.error_class(error.messages)
                else:
                    announce_colleagues(request, ergebnisse)
                    if ohne_platz:
                        messages.info(
                            request,
                            _("Ohne freien Platz nicht angemeldet: %(namen)s.")
                            % {"namen": ", ".join(p["name"] for p in ohne_platz)},
                        )
                    return redirect("konferenzen:delegierte", pk=veranstaltung.pk)
    return render(
        request,
        "konferenzen/delegierte.html",
        {
            "veranstaltung": veranstaltung,
            "organisation": organisation,
            "formset": formset,
            "prognose": prognose,
            "offen": offen,
            "angemeldet": selectors.anmeldungen_of(veranstaltung).filter(
                organisation=organisation, status__in=Anmeldung.AKTIV
            ),
        },
    )
