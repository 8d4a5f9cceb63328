"""Managing an event: its registrations (waiting list, moving up by hand, cancelling, export as
CSV/XLSX) and its invitations (circles, runs with progress, reminders)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netzwerk.exports import export_format, lokalzeit, table_response
from netzwerk.rules import is_koordination
from netzwerk.text import schreibweisen_regex

from .. import einladungen, selectors, services
from ..forms import EinladungVersandForm
from ..models import Anmeldung, Veranstaltung, Versand
from . import FRAGMENT_TTL, verwaltet

STATUS_FILTER = {"aktiv": Anmeldung.AKTIV, **{s.value: (s.value,) for s in Anmeldung.Status}}


@verwaltet
def anmeldung_list(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    status = request.GET.get("status", "aktiv")
    if status not in STATUS_FILTER:
        status = "aktiv"
    anmeldungen = selectors.anmeldungen_of(veranstaltung).filter(status__in=STATUS_FILTER[status])
    if q := request.GET.get("q", "").strip():
        rx = schreibweisen_regex(q)  # "Mueller" finds "Müller"
        anmeldungen = anmeldungen.filter(
            Q(name__iregex=rx) | Q(email__icontains=q) | Q(organisation__name__iregex=rx)
            | Q(organisation_name__iregex=rx)
        )  # fmt: skip
    if fmt := export_format(request):
        return table_response(
            fmt=fmt,
            filename=f"anmeldungen-{veranstaltung.pk}",
            sheet=_("Anmeldungen"),
            headers=[
                _("Name"),
                _("E-Mail"),
                _("Organisation"),
                _("Arbeitsgruppen"),
                _("Status"),
                _("Barrierefreiheit, Ernährung"),
                _("Anmerkung"),
                _("Auf der Liste"),
                _("Angemeldet"),
                _("Anwesend"),
            ],  # fmt: skip
            rows=(
                [
                    a.name,
                    a.email,
                    a.organisation_label,
                    ", ".join(g.name for g in a.arbeitsgruppen.all()),
                    a.get_status_display(),
                    a.needs,
                    a.comment,
                    "ja" if a.on_list else "nein",
                    lokalzeit(a.created_at),
                    lokalzeit(a.attended_at),
                ]
                for a in anmeldungen
            ),
        )
    begonnen = veranstaltung.start <= timezone.now()
    # The table is cached under the checksum of the rows it shows (selectors.fingerprint): any
    # change of a registration, however made, draws it again; its rows are read only then. It
    # holds no CSRF token (the buttons send the one form above it), so organisers share it.
    stand = selectors.anmeldungen_fingerprint(anmeldungen)
    return render(
        request,
        "konferenzen/verwaltung/anmeldung_list.html",
        {
            "veranstaltung": veranstaltung,
            "bereich": "anmeldungen",
            "anmeldungen": anmeldungen,
            "status": status,
            "q": q,
            "zahlen": selectors.zahlen(veranstaltung),
            "gruppen": selectors.arbeitsgruppen_of(veranstaltung),
            "begonnen": begonnen,
            "fragment": f"{stand}:{get_language()}:{veranstaltung.pk}:{status}:{begonnen}",
            "ttl": FRAGMENT_TTL if stand else 0,
        },
    )


@require_POST
@verwaltet
def anmeldung_action(request: HttpRequest, veranstaltung: Veranstaltung, anmeldung_pk: int):
    anmeldung = get_object_or_404(veranstaltung.anmeldungen, pk=anmeldung_pk)
    action = request.POST.get("aktion")
    if action == "nachruecken":
        try:
            services.anmeldung_promote(anmeldung=anmeldung)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s ist bestätigt und bekommt eine E-Mail.") % {"name": anmeldung.name},
            )
    elif action == "absagen":
        try:
            promoted = services.anmeldung_cancel(anmeldung=anmeldung, by_organisers=True)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            text = _("Die Anmeldung von %(name)s ist abgesagt.") % {"name": anmeldung.name}
            if promoted:
                text += " " + _("Von der Warteliste nachgerückt: %(namen)s.") % {
                    "namen": ", ".join(a.name for a in promoted)
                }
            messages.success(request, text)
    else:
        messages.error(request, _("Unbekannte Aktion."))
    url = reverse("konferenzen:anmeldung-list", kwargs={"pk": veranstaltung.pk})
    status = request.POST.get("status")
    return redirect(f"{url}?status={status}" if status in STATUS_FILTER else url)


def _recipients(form: EinladungVersandForm) -> tuple[list, str, list[str]]:
    """The circle the form names: recipients, a label for the run, remarks (skipped lines,
    contacts left out for lack of consent)."""
    data = form.cleaned_data
    quelle = data["quelle"]
    if quelle == "forum":
        return (
            einladungen.recipients_forum(data["forum"]),
            str(data["forum"]),
            [],
        )
    if quelle == "gremium":
        return einladungen.recipients_gremium(), _("Gremium"), []
    if quelle == "kontakte":
        recipients, ohne = einladungen.recipients_kontakte(
            typen=data["typen"],
            lebensphasen=data["lebensphasen"],
            sozialraeume=data["sozialraeume"],
        )
        teile = [
            ", ".join(str(x) for x in data[k])
            for k in ("typen", "lebensphasen", "sozialraeume")
            if data[k]
        ]
        hinweise = []
        if ohne:
            hinweise.append(
                ngettext(
                    "Ein Kontakt ohne Einwilligung in Einladungen bleibt außen vor.",
                    "%(n)s Kontakte ohne Einwilligung in Einladungen bleiben außen vor.",
                    ohne,
                )
                % {"n": ohne}
            )
        return recipients, _("Kontakte: %(k)s") % {"k": "; ".join(teile)}, hinweise
    recipients, fehler = einladungen.recipients_text(data.get("liste") or "")
    label = _("Liste")
    if data.get("datei"):
        mehr, fehler_datei = einladungen.recipients_file(data["datei"])
        recipients += mehr
        fehler += fehler_datei
        label = _("Liste %(datei)s") % {"datei": data["datei"].name}
    return recipients, label, fehler


def _als_liste(recipients) -> str:
    """Recipients as lines of the pasted list, so that the preview of an uploaded file can be
    sent without uploading it again (browsers never refill a file field)."""
    return "\n".join(
        "; ".join(x for x in (r.name, r.email, r.organisation_name) if x) for r in recipients
    )


@verwaltet
def einladung_list(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    """Invite a circle (with a preview of who and how many first), watch the runs' progress,
    remind those who have not answered. The registry's contacts and the committee are the
    coordination's to invite; a forum's moderators invite their forum and lists of their own."""
    options = {
        "koordination": is_koordination(request.user),
        "forum": veranstaltung.forum,
    }
    form = EinladungVersandForm(request.POST or None, request.FILES or None, **options)
    vorschau = None
    if request.method == "POST" and form.is_valid():
        try:
            recipients, label, hinweise = _recipients(form)
        except ValidationError as error:
            form.add_error("datei", error)
        else:
            if request.POST.get("aktion") == "senden" and recipients:
                try:
                    versand, schon = einladungen.einladungen_create(
                        veranstaltung=veranstaltung, recipients=recipients, label=label,
                        user=request.user,
                    )  # fmt: skip
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                    return redirect("konferenzen:einladung-list", pk=veranstaltung.pk)
                if versand is None:
                    messages.info(
                        request,
                        ngettext(
                            "Die Person ist schon eingeladen.",
                            "Alle %(n)s sind schon eingeladen.",
                            schon,
                        )
                        % {"n": schon},
                    )
                else:
                    text = ngettext(
                        "%(n)s Einladung wird versandt.",
                        "%(n)s Einladungen werden versandt.",
                        versand.total,
                    ) % {"n": versand.total}
                    if schon:
                        text += " " + ngettext(
                            "Eine Person war schon eingeladen.",
                            "%(n)s waren schon eingeladen.",
                            schon,
                        ) % {"n": schon}
                    messages.success(request, text)
                for hinweis in hinweise:
                    messages.warning(request, hinweis)
                return redirect("konferenzen:einladung-list", pk=veranstaltung.pk)
            if form.cleaned_data.get("datei"):
                data = request.POST.copy()
                data["liste"] = _als_liste(recipients)
                form = EinladungVersandForm(data, **options)
                form.is_valid()
            schon = set(
                veranstaltung.einladungen.filter(
                    email__in=[r.email for r in recipients]
                ).values_list("email", flat=True)
            )
            vorschau = {
                "label": label,
                "neu": [r for r in recipients if r.email not in schon],
                "schon": len(schon),
                "hinweise": hinweise,
            }
    einladungen_qs = veranstaltung.einladungen.select_related("anmeldung").order_by(
        "status", "name", "email"
    )
    if fmt := export_format(request):
        return table_response(
            fmt=fmt,
            filename=f"einladungen-{veranstaltung.pk}",
            sheet=_("Einladungen"),
            headers=[
                _("Name"),
                _("E-Mail"),
                _("Organisation"),
                _("Status"),
                _("versandt"),
                _("erinnert"),
                _("beantwortet"),
            ],
            rows=(
                [
                    e.name,
                    e.email,
                    e.organisation_name,
                    e.get_status_display(),
                    lokalzeit(e.sent_at),
                    lokalzeit(e.reminded_at),
                    lokalzeit(e.answered_at),
                ]
                for e in einladungen_qs
            ),  # fmt: skip
        )
    versande = [(v, einladungen.versand_progress(v)) for v in veranstaltung.versande.all()[:10]]
    return render(
        request,
        "konferenzen/verwaltung/einladung_list.html",
        {
            "veranstaltung": veranstaltung,
            "bereich": "einladungen",
            "form": form,
            "vorschau": vorschau,
            "versande": versande,
            "einladungen": einladungen_qs[:500],
            "zahlen": selectors.einladung_zahlen(veranstaltung),
            "vorbei": veranstaltung.end < timezone.now(),
        },
    )


@require_POST
@verwaltet
def einladung_remind(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    try:
        versand = einladungen.erinnerungen_create(veranstaltung=veranstaltung, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if versand is None:
            messages.info(
                request,
                _("Niemand zu erinnern: alle haben geantwortet oder wurden heute schon erinnert."),
            )
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s Erinnerung wird versandt.",
                    "%(n)s Erinnerungen werden versandt.",
                    versand.total,
                )
                % {"n": versand.total},
            )
    return redirect("konferenzen:einladung-list", pk=veranstaltung.pk)


def versand_progress(request: HttpRequest, versand_pk: int) -> HttpResponse:
    """The progress bar of one run (htmx polls it every second until everything is delivered)."""
    versand = get_object_or_404(Versand.objects.select_related("veranstaltung"), pk=versand_pk)
    return _versand_progress(request, versand.veranstaltung.pk, versand)


@verwaltet
def _versand_progress(request: HttpRequest, veranstaltung: Veranstaltung, versand: Versand):
    return render(
        request,
        "konferenzen/verwaltung/_versand.html",
        {"v": versand, "p": einladungen.versand_progress(versand)},
    )


@require_POST
@verwaltet
def anmeldung_import(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    """Registrations that came on paper or by mail: one person per line, as for invitations;
    through the same service as every other way in (seats, waiting list, confirmations)."""
    recipients, fehler = einladungen.recipients_text(request.POST.get("liste", ""))
    for zeile in fehler:
        messages.error(request, zeile)
    if recipients:
        try:
            ergebnisse = services.anmeldungen_create(
                veranstaltung=veranstaltung,
                personen=[
                    {"name": r.name or r.email, "email": r.email,
                     "organisation_name": r.organisation_name}
                    for r in recipients
                ],
                registered_by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            neu = [a for a, created in ergebnisse if created]
            wartend = sum(a.status == Anmeldung.Status.WARTELISTE for a in neu)
            messages.success(
                request,
                _("%(n)s angemeldet, davon %(w)s auf der Warteliste; %(s)s waren schon angemeldet.")
                % {"n": len(neu), "w": wartend, "s": len(ergebnisse) - len(neu)},
            )
    elif not fehler:
        messages.info(request, _("Bitte tragen Sie mindestens eine Person ein."))
    return redirect("konferenzen:anmeldung-list", pk=veranstaltung.pk)
