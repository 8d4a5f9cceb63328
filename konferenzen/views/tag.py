"""On the day: the lists to print (the signature sheet by working group, the public participant
list, name badges with the check-in QR, CSV/XLSX) and the check-in at the entrance, by name or by
the code a handheld scanner or a phone's camera reads from the badge."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netzwerk.exports import export_format, lokalzeit, table_response

from .. import einlass, selectors
from ..models import Anmeldung, Druck, Veranstaltung
from . import verwaltet

# More hits than this and the desk should type more of the name.
TREFFER = 100
# Bookings shown under "Zuletzt am Einlass".
BUCHUNGEN = 10


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _tag_url(veranstaltung: Veranstaltung, **params) -> str:
    url = reverse("konferenzen:tag", kwargs={"pk": veranstaltung.pk})
    return f"{url}?{urlencode(params)}" if params else url


def _uhrzeit(anmeldung: Anmeldung) -> str:
    return date_format(timezone.localtime(anmeldung.attended_at), "H:i")


def _melden(request: HttpRequest, text: str, level: str) -> None:
    getattr(messages, level)(request, text)


def _attend(request: HttpRequest, anmeldung: Anmeldung, *, trotzdem: bool = False):
    """Mark present; the message for the desk, its level, and whether it waits for a
    confirmation (more than a day before the start)."""
    try:
        marked = einlass.anmeldung_attend(anmeldung=anmeldung, by=request.user, trotzdem=trotzdem)
    except ValidationError as error:
        frueh = getattr(error, "code", None) == "zu_frueh"
        return " ".join(error.messages), "warning" if frueh else "error", frueh
    if marked:
        text = _("%(name)s ist eingetragen: anwesend seit %(zeit)s Uhr.")
        return text % {"name": anmeldung.name, "zeit": _uhrzeit(anmeldung)}, "success", False
    text = _("%(name)s ist bereits anwesend seit %(zeit)s Uhr.")
    return text % {"name": anmeldung.name, "zeit": _uhrzeit(anmeldung)}, "info", False


def _undo(request: HttpRequest, anmeldung: Anmeldung) -> tuple[str, str, bool]:
    if einlass.anmeldung_attend_undo(anmeldung=anmeldung, by=request.user):
        return (
            _("%(name)s ist nicht mehr als anwesend eingetragen.") % {"name": anmeldung.name},
            "success",
            False,
        )
    text = _("%(name)s war nicht als anwesend eingetragen.")
    return text % {"name": anmeldung.name}, "info", False


def _trotzdem(request: HttpRequest) -> bool:
    return request.POST.get("trotzdem") == "1"


def _pk_param(request: HttpRequest, name: str) -> str | None:
    pk = request.GET.get(name, "")
    return pk if pk.isascii() and pk.isdecimal() else None


@verwaltet
def tag(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    """Lists and check-in. The search field's POST marks a scanned or pasted code at once (and
    comes back with an empty field for the next scan); any other text is a search (GET)."""
    if request.method == "POST":
        text = request.POST.get("q", "").strip()
        code = einlass.code_in(text)
        if code is None:
            return redirect(_tag_url(veranstaltung, q=text))
        anmeldung = einlass.anmeldung_for_code(code)
        if anmeldung is None:
            messages.error(
                request,
                _("Dieser Code ist ungültig. Bitte noch einmal scannen oder nach dem Namen "
                  "suchen."),
            )  # fmt: skip
            return redirect(_tag_url(veranstaltung, q=""))
        if anmeldung.veranstaltung_id != veranstaltung.pk:
            messages.error(request, _("Dieser Code gehört zu einer anderen Veranstaltung."))
            return redirect(_tag_url(veranstaltung, q=""))
        text, level, frueh = _attend(request, anmeldung)
        if frueh:  # the page asks, next to the person's confirm button
            return redirect(_tag_url(veranstaltung, q="", bestaetigen=anmeldung.pk))
        _melden(request, text, level)
        return redirect(_tag_url(veranstaltung, q="", zuletzt=anmeldung.pk))

    q = request.GET.get("q", "").strip()
    treffer = list(einlass.suche(veranstaltung, q)[: TREFFER + 1])
    context = {
        "veranstaltung": veranstaltung,
        "q": q,
        "treffer": treffer[:TREFFER],
        "mehr": len(treffer) > TREFFER,
        # Typed by a scanner into the live search: the Enter that follows will mark it.
        "code": einlass.code_in(q) is not None,
        "zahlen": selectors.zahlen(veranstaltung),
    }
    if _htmx(request):
        return render(request, "konferenzen/verwaltung/_einlass_treffer.html", context)
    # The one just scanned, with its undo button, while the field waits for the next scan; or
    # the one scanned too early, with the button that confirms.
    zuletzt = bestaetigen = None
    if pk := _pk_param(request, "zuletzt"):
        zuletzt = einlass.teilnehmende_of(veranstaltung).filter(pk=pk).first()
    if pk := _pk_param(request, "bestaetigen"):
        bestaetigen = (
            einlass.teilnehmende_of(veranstaltung)
            .filter(pk=pk, status=Anmeldung.Status.BESTAETIGT)
            .first()
        )
    return render(
        request,
        "konferenzen/verwaltung/tag.html",
        {
            **context,
            **_drucke_context(veranstaltung),
            "bereich": "tag",
            "zuletzt": zuletzt,
            "bestaetigen": bestaetigen,
            "frueh_text": einlass.zu_frueh_text(bestaetigen) if bestaetigen else "",
            "einlass_vorab": einlass.zu_frueh(veranstaltung),
            "buchungen": _buchungen(veranstaltung),
            "runden": einlass.runden_of(veranstaltung),
            "suche_aktiv": "q" in request.GET,
        },
    )


@require_POST
@verwaltet
def anwesend(request: HttpRequest, veranstaltung: Veranstaltung, anmeldung_pk: int):
    """The button in a hit's row: mark present, or take it back. With htmx the row (and the count,
    out of band) comes back; without, the page with the same search."""
    anmeldungen = einlass.mit_buchungen(
        veranstaltung.anmeldungen.select_related("organisation").prefetch_related("arbeitsgruppen")
    )
    anmeldung = get_object_or_404(anmeldungen, pk=anmeldung_pk)
    aktion = request.POST.get("aktion")
    frueh = False
    if aktion == "anwesend":
        text, level, frueh = _attend(request, anmeldung, trotzdem=_trotzdem(request))
    elif aktion == "zuruecknehmen":
        text, level, frueh = _undo(request, anmeldung)
    else:
        text, level = _("Unbekannte Aktion."), "error"
    q = request.POST.get("q", "")
    if _htmx(request):
        return render(
            request,
            "konferenzen/verwaltung/_einlass_antwort.html",
            {
                "veranstaltung": veranstaltung,
                "a": anmeldungen.get(pk=anmeldung.pk),  # with the booking just made
                "q": q,
                "zeile": "zuletzt" if request.POST.get("zeile") == "zuletzt" else "treffer",
                "meldung": text,
                "fehler": level == "error",
                "frueh": frueh,
                "zahlen": selectors.zahlen(veranstaltung),
                "buchungen": _buchungen(veranstaltung),
            },
        )
    if frueh:
        return redirect(_tag_url(veranstaltung, q=q, bestaetigen=anmeldung.pk))
    _melden(request, text, level)
    return redirect(_tag_url(veranstaltung, q=q))


def _buchungen(veranstaltung: Veranstaltung) -> list:
    """The latest bookings at the door, for the day page's "Zuletzt am Einlass"."""
    return list(einlass.buchungen_of(veranstaltung)[:BUCHUNGEN])


def checkin(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code leads: the person and one big button, for those who manage the event.
    Anonymous visitors log in first and come back here; anyone else gets 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    anmeldung = einlass.anmeldung_for_code(code)
    if anmeldung is None:
        return render(request, "konferenzen/einlass_ungueltig.html", status=404)
    veranstaltung = anmeldung.veranstaltung
    if not request.user.has_perm("konferenzen.manage_veranstaltung", veranstaltung):
        raise Http404
    if request.method == "POST":
        if request.POST.get("aktion") == "zuruecknehmen":
            text, level, frueh = _undo(request, anmeldung)
        else:
            text, level, frueh = _attend(request, anmeldung, trotzdem=_trotzdem(request))
        if not frueh:  # else the page asks again, with the confirm button
            _melden(request, text, level)
        return redirect("konferenzen:checkin", code=code)
    anmeldung = einlass.mit_buchungen(Anmeldung.objects.filter(pk=anmeldung.pk)).get()
    return render(
        request,
        "konferenzen/einlass.html",
        {
            "anmeldung": anmeldung,
            "veranstaltung": veranstaltung,
            # Early, the button itself confirms: the warning stands right above it.
            "frueh_text": einlass.zu_frueh_text(anmeldung)
            if anmeldung.status == Anmeldung.Status.BESTAETIGT and einlass.zu_frueh(veranstaltung)
            else "",
        },
    )


@require_POST
@verwaltet
def teilnehmerliste_pdf(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    """Ask for the signature sheet (art=intern, ?runde= picks the time slot) or the public list
    (art=oeffentlich); the worker renders it, the page offers it when ready."""
    if request.POST.get("art") == "oeffentlich":
        art, runde = Druck.Art.TEILNEHMERLISTE, None
    else:
        art = Druck.Art.UNTERSCHRIFTENLISTE
        runde = request.POST.get("runde", "")
        runde = int(runde) if runde.isascii() and runde.isdecimal() else None
    return _druck(request, veranstaltung, art, runde)


@require_POST
@verwaltet
def namensschilder_pdf(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    return _druck(request, veranstaltung, Druck.Art.NAMENSSCHILDER, None)


def _druck(request, veranstaltung, art, runde) -> HttpResponse:
    einlass.druck_create(veranstaltung=veranstaltung, art=art, runde=runde, user=request.user)
    messages.info(request, _("Die PDF-Datei wird erstellt; sie steht gleich unter „Erstellt“."))
    return redirect(reverse("konferenzen:tag", kwargs={"pk": veranstaltung.pk}) + "#drucke")


@verwaltet
def druck(request: HttpRequest, veranstaltung: Veranstaltung, druck_pk: int) -> HttpResponse:
    """A rendered PDF, for those who manage the event."""
    druck = get_object_or_404(veranstaltung.drucke, pk=druck_pk, status=Druck.Status.FERTIG)
    try:
        handle = druck.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type="application/pdf", filename=druck.filename)
    response["Cache-Control"] = "private, no-store"
    return response


@verwaltet
def drucke(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    """The list of requested PDFs (htmx asks again every second while one is being made)."""
    return render(request, "konferenzen/verwaltung/_drucke.html", _drucke_context(veranstaltung))


def _drucke_context(veranstaltung: Veranstaltung) -> dict:
    drucke = list(veranstaltung.drucke.select_related("created_by")[:8])
    return {
        "veranstaltung": veranstaltung,
        "drucke": drucke,
        "drucke_laufen": any(d.status == Druck.Status.WARTET for d in drucke),
    }


@verwaltet
def teilnehmerliste(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    """The participant list for the office (CSV unless ?export=xlsx): everyone with a seat."""
    teilnehmende = sorted(
        einlass.teilnehmende_of(veranstaltung), key=lambda a: einlass.sort_key(a.name)
    )
    return table_response(
        fmt=export_format(request) or "csv",
        filename=f"teilnehmende-{veranstaltung.pk}",
        sheet=_("Teilnehmende"),
        headers=[
            _("Name"),
            _("Organisation"),
            _("Arbeitsgruppen"),
            _("Status"),
            _("Anwesend seit"),
            _("Barrierefreiheit, Ernährung"),
            _("Auf der öffentlichen Liste"),
        ],
        rows=(
            [
                a.name,
                a.organisation_label,
                ", ".join(g.name for g in a.arbeitsgruppen.all()),
                a.get_status_display(),
                lokalzeit(a.attended_at),
                a.needs,
                "ja" if a.on_list else "nein",
            ]
            for a in teilnehmende
        ),
    )
