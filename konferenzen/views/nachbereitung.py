"""After an event: minutes and results of the event and of each working group (text and
documents), the attendance figures with their export; and the download of a minutes' document
for everyone who may read the event."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from netzwerk.access import get_object_for_user
from netzwerk.dateien import dokument_response
from netzwerk.exports import export_format, table_response

from .. import selectors
from ..models import Arbeitsgruppe, Protokoll, Protokolldokument, Veranstaltung
from ..nachbereitung import (
    ProtokolldokumentForm,
    ProtokollForm,
    dokument_add,
    dokument_delete,
    protokoll_save,
    stand,
)
from . import verwaltet


def _key(arbeitsgruppe_id: int | None) -> str:
    return f"ag{arbeitsgruppe_id}" if arbeitsgruppe_id else "veranstaltung"


@dataclass
class Abschnitt:
    """The minutes of the event (arbeitsgruppe None) or of one working group, with its two forms
    (text, document), bound when this section was posted."""

    arbeitsgruppe: Arbeitsgruppe | None
    protokoll: Protokoll | None
    titel: str
    label: str
    datei_label: str
    text_form: ProtokollForm | None = None
    datei_form: ProtokolldokumentForm | None = None

    @property
    def key(self) -> str:
        return _key(self.arbeitsgruppe.pk if self.arbeitsgruppe else None)

    @property
    def anker(self) -> str:
        return f"protokoll-{self.key}"

    def forms(self, data=None, files=None) -> None:
        text = self.protokoll.text if self.protokoll else ""
        self.text_form = ProtokollForm(
            data, prefix=self.key, label=self.label, initial={"text": text, "stand": stand(text)}
        )
        self.datei_form = ProtokolldokumentForm(
            data, files, prefix=f"{self.key}-datei", label=self.datei_label
        )


def _abschnitte(veranstaltung: Veranstaltung) -> list[Abschnitt]:
    protokolle = {p.arbeitsgruppe_id: p for p in selectors.protokolle_of(veranstaltung)}
    abschnitte = [
        Abschnitt(
            arbeitsgruppe=None,
            protokoll=protokolle.get(None),
            titel=_("Die ganze Veranstaltung"),
            label=_("Protokoll und Ergebnisse der Veranstaltung"),
            datei_label=_("Dokument zum Protokoll der Veranstaltung"),
        )
    ]
    for gruppe in veranstaltung.arbeitsgruppen.all():
        name = {"name": gruppe.name}
        abschnitte.append(
            Abschnitt(
                arbeitsgruppe=gruppe,
                protokoll=protokolle.get(gruppe.pk),
                titel=_("Arbeitsgruppe „%(name)s“") % name,
                label=_("Protokoll und Ergebnisse der Arbeitsgruppe „%(name)s“") % name,
                datei_label=_("Dokument zum Protokoll der Arbeitsgruppe „%(name)s“") % name,
            )
        )
    for abschnitt in abschnitte:
        abschnitt.forms()
    return abschnitte


def _post(request: HttpRequest, veranstaltung: Veranstaltung, abschnitt: Abschnitt) -> bool:
    """Save the text or store the document the POST brings for this section; False with the
    bound form's errors (and what was typed) when it cannot."""
    abschnitt.forms(request.POST, request.FILES)
    gruppe = abschnitt.arbeitsgruppe
    if request.POST.get("aktion") == "datei":
        form = abschnitt.datei_form
        abschnitt.text_form = ProtokollForm(  # the text form stays as saved
            prefix=abschnitt.key, label=abschnitt.label, initial=abschnitt.text_form.initial
        )
        if not form.is_valid():
            return False
        dokument = dokument_add(
            veranstaltung=veranstaltung, arbeitsgruppe=gruppe, upload=form.cleaned_data["datei"],
            typ=form.typ, by=request.user,
        )  # fmt: skip
        messages.success(request, _("„%(name)s“ ist hochgeladen.") % {"name": dokument.filename})
        return True
    form = abschnitt.text_form
    abschnitt.datei_form = ProtokolldokumentForm(
        prefix=f"{abschnitt.key}-datei", label=abschnitt.datei_label
    )
    if not form.is_valid():
        return False
    try:
        protokoll_save(
            veranstaltung=veranstaltung, arbeitsgruppe=gruppe, text=form.cleaned_data["text"],
            by=request.user, gelesen=form.cleaned_data["stand"] or None,
        )  # fmt: skip
    except ValidationError as error:
        form.add_error("text", error)
        # The next save starts from the version now shown above the field.
        data = form.data.copy()
        data[form.add_prefix("stand")] = form.initial["stand"]
        form.data = data
        return False
    messages.success(request, _("Gespeichert: %(titel)s.") % {"titel": abschnitt.titel})
    return True


@verwaltet
def nachbereitung(request: HttpRequest, veranstaltung: Veranstaltung) -> HttpResponse:
    if fmt := export_format(request):
        return table_response(
            fmt=fmt,
            filename=f"statistik-{veranstaltung.pk}",
            sheet=_("Statistik"),
            headers=[_("Auswertung"), _("Gruppe"), _("Anzahl")],
            rows=_statistik_rows(_statistik(veranstaltung))
            + _einlass_rows(selectors.einlass_statistik(veranstaltung)),
        )
    abschnitte = _abschnitte(veranstaltung)
    if request.method == "POST":
        key = request.POST.get("abschnitt")
        abschnitt = next((a for a in abschnitte if a.key == key), None)
        if abschnitt is None:
            raise Http404
        if _post(request, veranstaltung, abschnitt):
            return _back(veranstaltung, abschnitt.key)
    statistik = _statistik(veranstaltung)
    return render(
        request,
        "konferenzen/verwaltung/nachbereitung.html",
        {
            "veranstaltung": veranstaltung,
            "bereich": "nachbereitung",
            "abschnitte": abschnitte,
            "statistik": statistik,
            "einlass": selectors.einlass_statistik(veranstaltung),
            # title, header of the first column, note, rows
            "tabellen": [
                (
                    _("Teilnahme nach Organisationstyp"),
                    _("Organisationstyp"),
                    "",
                    statistik.nach_typ,
                ),
                (
                    _("Teilnahme nach Lebensphase"),
                    _("Lebensphase"),
                    _(
                        "Eine Organisation zählt für jede Lebensphase ihrer Angebote, die Zeilen "
                        "können zusammen also mehr als alle Teilnehmenden ergeben. „nicht "
                        "zugeordnet“: ohne Organisation, oder mit einer Organisation, deren "
                        "Angebote keine Lebensphase haben."
                    ),
                    statistik.nach_lebensphase,
                ),
            ],
        },
    )


def _statistik(veranstaltung: Veranstaltung) -> selectors.Teilnahmestatistik:
    return selectors.teilnahme_statistik(Veranstaltung.objects.filter(pk=veranstaltung.pk))


def _statistik_rows(statistik: selectors.Teilnahmestatistik) -> list[list]:
    rows = [
        ["Anmeldungen", "alle Anmeldungen (auch abgesagte)", statistik.angemeldet],
        ["Anmeldungen", "bestätigt (mit Platz)", statistik.bestaetigt],
        ["Anmeldungen", "teilgenommen", statistik.teilgenommen],
        ["Anmeldungen", "nicht erschienen", statistik.nicht_erschienen],
        ["Anmeldungen", "Warteliste", statistik.warteliste],
        ["Anmeldungen", "abgesagt", statistik.storniert],
        ["Anmeldungen", "Organisationen der Teilnehmenden", statistik.organisationen],
    ]
    for name, gruppen in (
        ("Organisationstyp", statistik.nach_typ),
        ("Lebensphase", statistik.nach_lebensphase),
    ):
        rows += [[f"{name}: mit Platz angemeldet", g.name, g.angemeldet] for g in gruppen]
        rows += [[f"{name}: teilgenommen", g.name, g.teilgenommen] for g in gruppen]
    return rows


def _einlass_rows(einlass: selectors.Einlassstatistik) -> list[list]:
    """Who checked people in, and arrivals per quarter of an hour (the bookings at the door)."""
    rows = [["Einlass", "eingelassen", einlass.eingelassen]]
    rows += [["Einlass", "zurückgenommen", einlass.zurueckgenommen]]
    rows += [["Einlass: eingelassen von", z.name, z.anzahl] for z in einlass.nach_person]
    rows += [["Einlass: Ankunft je Viertelstunde", z.name, z.anzahl] for z in einlass.ankunft]
    return rows


@require_POST
@verwaltet
def protokoll_dokument_delete(
    request: HttpRequest, veranstaltung: Veranstaltung, dokument_pk: int
) -> HttpResponse:
    dokument = get_object_or_404(
        Protokolldokument.objects.select_related("protokoll"),
        pk=dokument_pk,
        protokoll__veranstaltung=veranstaltung,
    )
    dokument_delete(dokument=dokument)
    messages.success(request, _("„%(name)s“ ist gelöscht.") % {"name": dokument.filename})
    return _back(veranstaltung, _key(dokument.protokoll.arbeitsgruppe_id))


def _back(veranstaltung: Veranstaltung, key: str) -> HttpResponse:
    url = reverse("konferenzen:nachbereitung", kwargs={"pk": veranstaltung.pk})
    return redirect(f"{url}#protokoll-{key}")


def protokoll_dokument(request: HttpRequest, pk: int, dokument_pk: int) -> HttpResponse:
    """A document of the minutes, for whoever may read the event."""
    veranstaltung = get_object_for_user(
        request, Veranstaltung.objects.all(), "konferenzen.read_veranstaltung", pk=pk
    )
    dokument = get_object_or_404(
        Protokolldokument, pk=dokument_pk, protokoll__veranstaltung=veranstaltung
    )
    return dokument_response(
        dokument.file, content_type=dokument.content_type, filename=dokument.filename
    )
