import re
from difflib import SequenceMatcher

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from netzwerk.models import Rolle
from netzwerk.vokabular import nur_aktive_begriffe

from .geo import koordinate_lesen
from .importer import FELDER
from .models import Angebot, Import, Organisation

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()/\-]{4,28}[0-9]$",
    _("Bitte geben Sie eine Telefonnummer aus Ziffern an, z. B. 02405 123456."),
)
postcode_validator = RegexValidator(
    r"^[0-9]{5}$", _("Bitte geben Sie eine fünfstellige Postleitzahl an, z. B. 52146.")
)
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def _vergleichbar(text: str) -> str:
    """Lower case, letters and digits only, single spaces: "Kita Wolke e.V." -> kita wolke e v."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def organisation_vorschlag(hint: str, organisationen: list[tuple[int, str]]) -> int | None:
    """The organisation that best fits what an applicant typed at sign-up: the same name, else
    the longest name contained in it (or containing it), else the most similar name (difflib,
    at least 0.6 alike). None if nothing fits."""
    gesucht = _vergleichbar(hint)
    if len(gesucht) < 3:
        return None
    namen = [(pk, _vergleichbar(name)) for pk, name in organisationen]
    for pk, name in namen:
        if name == gesucht:
            return pk
    enthalten = [
        (len(name), pk)
        for pk, name in namen
        if len(name) >= 4 and (f" {name} " in f" {gesucht} " or f" {gesucht} " in f" {name} ")
    ]
    if enthalten:
        return max(enthalten)[1]
    aehnlich = [(SequenceMatcher(None, gesucht, name).ratio(), pk) for pk, name in namen]
    bester = max(aehnlich, default=(0.0, None))
    return bester[1] if bester[0] >= 0.6 else None


class FreigabeForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("approve", _("freigeben")), ("reject", _("ablehnen"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    rolle = forms.ChoiceField(label=_("Rolle"), choices=Rolle.choices, initial=Rolle.PARTNER)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.RadioSelect,
        blank=True,  # a radio list keeps its "none" entry
        empty_label=_("– keine Organisation (etwa für Koordination oder Gremium) –"),
        help_text=_("Partner bearbeiten später die Angaben ihrer eigenen Organisation."),
    )

    def __init__(self, *args, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The organisation named at sign-up is preselected and listed first; the long list
        # scrolls in a box with a filter field (portal.js, class "auswahlliste").
        field = self.fields["organisation"]
        vorschlag = organisation_vorschlag(hint, list(field.queryset.values_list("pk", "name")))
        self.vorschlag = vorschlag
        field.queryset = field.queryset.order_by(
            Case(When(pk=vorschlag, then=0), default=1), "name"
        )
        if vorschlag is not None:
            field.initial = vorschlag
            field.label_from_instance = lambda o: (
                _("%(name)s (passt zur Angabe bei der Registrierung)") % {"name": o.name}
                if o.pk == vorschlag
                else o.name
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has its token
        self.helper.layout = Layout(
            "decision", "rolle", Field("organisation", wrapper_class="auswahlliste")
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == "approve"
            and data.get("rolle") == Rolle.PARTNER
            and not data.get("organisation")
        ):
            self.add_error(
                "organisation", _("Bitte wählen Sie die Organisation, für die der Partner spricht.")
            )
        return data


class LoeschantragForm(forms.Form):
    message = forms.CharField(
        label=_("Anmerkung (freiwillig)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zum Beispiel, ob Sie nur bestimmte Angaben gelöscht haben möchten."),
    )
    bestaetigt = forms.BooleanField(
        label=_("Ja, ich möchte, dass mein Konto und meine Daten gelöscht werden."),
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie die Löschung beantragen.")},
    )


class AntragEntscheidungForm(forms.Form):
    entscheidung = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("loeschen", _("Daten jetzt löschen")), ("ablehnen", _("ablehnen"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Begründung (bei Ablehnung nötig)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Geht per E-Mail an die Person, zum Beispiel eine gesetzliche Aufbewahrungspflicht."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("entscheidung") == "ablehnen" and not data.get("answer", "").strip():
            self.add_error("answer", _("Bitte begründen Sie die Ablehnung."))
        return data


class KoordinateField(forms.CharField):
    """Latitude or longitude as typed in German ("51,5134"); a dot works too (akteure.geo)."""

    def __init__(self, *, art: str, **kwargs):
        self.art = art
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        # Show stored values the German way: 51,513400.
        return str(value).replace(".", ",") if value not in (None, "") else value

    def to_python(self, value):
        try:
            return koordinate_lesen(super().to_python(value), self.art)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class OrganisationForm(forms.ModelForm):
    # Coordinates (WGS84) put the organisation on the district map; without a chosen Sozialraum
    # the one whose boundary contains the point is set on saving (akteure.services).
    breite = KoordinateField(
        art="breite", label=_("Breitengrad"), help_text=_("z. B. 51,513400 (WGS84, Dezimalgrad)")
    )
    laenge = KoordinateField(
        art="laenge", label=_("Längengrad"), help_text=_("z. B. 7,465300 (WGS84, Dezimalgrad)")
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "description",
            "street",
            "postcode",
            "city",
            "breite",
            "laenge",
            "sozialraum",
            "website",
            "email",
            "phone",
            "logo",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"logo": _("PNG oder JPEG, höchstens 1 MB.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].validators.append(postcode_validator)
        self.fields["phone"].validators.append(phone_validator)
        self.fields["website"].widget.attrs["placeholder"] = "https://"
        nur_aktive_begriffe(self)  # inactive terms: only where the organisation has them
        self.fields["sozialraum"].help_text = _(
            "Leer lassen: mit Koordinaten wählt das Portal den Sozialraum nach den Grenzen."
        )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("breite") is None) != (cleaned.get("laenge") is None) and not (
            self.has_error("breite") or self.has_error("laenge")
        ):
            self.add_error(
                "laenge" if cleaned.get("laenge") is None else "breite",
                _("Bitte geben Sie Breiten- und Längengrad an (oder keinen von beiden)."),
            )
        return cleaned

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):
            return logo  # unchanged
        if logo.size > settings.LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("Das Logo ist zu groß (höchstens %(mb)s MB)."),
                params={"mb": settings.LOGO_MAX_BYTES // 1_000_000},
            )
        try:
            with Image.open(logo) as image:
                kind = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise forms.ValidationError(
                _("Diese Datei ist kein Bild im Format PNG oder JPEG.")
            ) from exc
        if kind not in LOGO_TYPES:
            raise forms.ValidationError(
                _("Bitte laden Sie das Logo als PNG oder JPEG hoch (SVG und andere Formate nicht).")
            )
        logo.seek(0)
        return logo


class AngebotForm(forms.ModelForm):
    class Meta:
        model = Angebot
        fields = [
            "title",
            "description",
            "lebensphasen",
            "handlungsfelder",
            "zielgruppen",
            "sozialraum",
            "sprachen",
            "languages",
            "cost",
            "barrierefrei",
            "leichte_sprache",
            "contact",
            "website",
            "is_public",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "leichte_sprache": forms.Textarea(attrs={"rows": 3}),
            "lebensphasen": forms.CheckboxSelectMultiple,
            "handlungsfelder": forms.CheckboxSelectMultiple,
            "zielgruppen": forms.CheckboxSelectMultiple,
            "sprachen": forms.CheckboxSelectMultiple,
        }
        labels = {"languages": _("Weitere Sprachen")}
        help_texts = {
            "languages": _("Nur Sprachen, die oben fehlen (frühere Angaben stehen ebenfalls hier).")
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = organisation.personen.active()
        self.fields["website"].widget.attrs["placeholder"] = "https://"
        nur_aktive_begriffe(self)  # inactive terms: only where the offer has them


class ImportUploadForm(forms.Form):
    art = forms.ChoiceField(label=_("Was importieren Sie?"), choices=[])
    datei = forms.FileField(
        label=_("Datei"),
        help_text=_("Excel (.xlsx) oder CSV mit einer Kopfzeile; höchstens 10 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["art"].choices = Import.Art.choices


class ImportMappingForm(forms.Form):
    """One choice per field: which column of the file holds it."""

    def __init__(self, *args, imp, **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", _("– nicht importieren –"))] + [
            (str(i), h) for i, h in enumerate(imp.headers)
        ]
        for feld in FELDER[imp.art]:
            self.fields[feld.name] = forms.ChoiceField(
                label=f"{feld.label}{' *' if feld.required else ''}",
                choices=columns,
                required=False,
                initial=str(imp.mapping[feld.name]) if feld.name in imp.mapping else "",
            )

    def mapping(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.cleaned_data.items() if v != ""}
