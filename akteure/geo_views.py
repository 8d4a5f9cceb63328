"""Coordinators' pages for the district maps: import Sozialraum boundaries (upload, preview,
confirm) and the map of organisations per Sozialraum with the same figures as a table."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from netzwerk.access import require_perm

from . import geo, karten


class GrenzenUploadForm(forms.Form):
    datei = forms.FileField(
        label=gettext_lazy("GeoJSON-Datei mit den Sozialräumen"),
        help_text=gettext_lazy(
            "Eine FeatureCollection mit einer Fläche je Sozialraum, in EPSG:4326 oder EPSG:25832 "
            "(so veröffentlichen viele Städte ihre Grenzen); höchstens 20 MB."
        ),
    )


class GrenzenOptionenForm(forms.Form):
    """What the file itself cannot say for sure: its reference system and the name property."""

    token = forms.CharField(widget=forms.HiddenInput)
    crs = forms.TypedChoiceField(
        label=gettext_lazy("Koordinatensystem der Datei"),
        coerce=int,
        choices=list(geo.CRS.items()),
    )
    namensfeld = forms.ChoiceField(label=gettext_lazy("Eigenschaft mit dem Namen des Sozialraums"))
    neue_anlegen = forms.BooleanField(
        label=gettext_lazy("Flächen ohne passenden Sozialraum als neue Sozialräume anlegen"),
        required=False,
    )

    def __init__(self, *args, datei: geo.Grenzdatei, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["namensfeld"].choices = [(n, n) for n in datei.eigenschaften]


def _optionen(token: str, datei: geo.Grenzdatei, data=None) -> GrenzenOptionenForm:
    initial = {"token": token, "crs": datei.crs, "namensfeld": datei.namensfeld}
    return GrenzenOptionenForm(data, initial=initial, datei=datei)


@require_perm("akteure.manage_grenzen")
def grenzen_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload. POST with a file: read it, show the choices and the preview. POST with
    the choices: preview again, or (aktion=importieren) import and go to the map."""
    context: dict = {"upload": GrenzenUploadForm()}
    status = 200
    if request.method == "POST" and "datei" in request.FILES:
        upload = GrenzenUploadForm(request.POST, request.FILES)
        context["upload"] = upload
        if upload.is_valid():
            data = upload.cleaned_data["datei"].read()
            try:
                datei = geo.grenzen_lesen(data)
            except geo.GeoFehler as exc:
                upload.add_error("datei", str(exc))
            else:
                token = geo.datei_merken(data, user_id=request.user.pk)
                context.update(_vorschau(_optionen(token, datei), datei))
        status = 400 if upload.errors or context.get("fehler") else 200
    elif request.method == "POST":
        token = request.POST.get("token", "")
        data = geo.datei_holen(token, user_id=request.user.pk)
        if data is None:
            messages.error(
                request, _("Die hochgeladene Datei ist nicht mehr da. Bitte laden Sie sie erneut.")
            )
            return redirect("akteure:grenzen-import")
        datei = geo.grenzen_lesen(data)  # read and checked when it was uploaded
        optionen = _optionen(token, datei, request.POST)
        if optionen.is_valid() and request.POST.get("aktion") == "importieren":
            try:
                ergebnis = geo.grenzen_importieren(
                    data=data,
                    crs=optionen.cleaned_data["crs"],
                    namensfeld=optionen.cleaned_data["namensfeld"],
                    neue_anlegen=optionen.cleaned_data["neue_anlegen"],
                    user=request.user,
                )
            except geo.GeoFehler as exc:
                context.update({"optionen": optionen, "fehler": str(exc)})
                return render(request, "akteure/geo/grenzen_import.html", context, status=400)
            messages.success(request, _meldung(ergebnis))
            return redirect("akteure:sozialraum-karte")
        context.update(_vorschau(optionen, datei))
        status = 400 if optionen.errors or context.get("fehler") else 200
    return render(request, "akteure/geo/grenzen_import.html", context, status=status)


def _vorschau(optionen: GrenzenOptionenForm, datei: geo.Grenzdatei) -> dict:
    context = {"optionen": optionen, "datei": datei}
    werte = optionen.cleaned_data if optionen.is_bound and optionen.is_valid() else None
    crs = werte["crs"] if werte else datei.crs
    namensfeld = werte["namensfeld"] if werte else datei.namensfeld
    if crs is None:
        context["fehler"] = _(
            "Das Koordinatensystem ließ sich nicht erkennen. Bitte wählen Sie es aus."
        )
        return context
    try:
        context["vorschau"] = geo.vorschau(datei, crs=crs, namensfeld=namensfeld or "")
    except geo.GeoFehler as exc:
        context["fehler"] = str(exc)
    return context


def _meldung(ergebnis: geo.Ergebnis) -> str:
    teile = [
        _("Grenzen importiert: %(n)d Sozialräume aktualisiert") % {"n": len(ergebnis.aktualisiert)}
    ]
    if ergebnis.angelegt:
        teile.append(_("%(n)d neu angelegt") % {"n": len(ergebnis.angelegt)})
    if ergebnis.uebersprungen:
        teile.append(
            _("%(n)d ohne passenden Sozialraum übersprungen (%(namen)s)")
            % {"n": len(ergebnis.uebersprungen), "namen": ", ".join(ergebnis.uebersprungen)}
        )
    teile.append(
        _("%(n)d Organisationen nach ihren Koordinaten zugeordnet") % {"n": ergebnis.organisationen}
    )
    return "; ".join(teile) + "."


@require_perm("akteure.manage_grenzen")
def sozialraum_karte(request: HttpRequest) -> HttpResponse:
    rows = karten.uebersicht()
    liste = reverse("akteure:organisation-list")
    svg = karten.uebersicht_karte(rows, link=lambda s: f"{liste}?sozialraum={s.pk}")
    return render(
        request,
        "akteure/geo/sozialraum_karte.html",
        {
            "rows": rows,
            "karte": svg,
            "ohne_grenze": [r for r in rows if not r.auf_karte],
            "hat_karte": any(r.auf_karte for r in rows),
        },
    )
