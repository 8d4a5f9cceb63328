from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from netzwerk.models import Rolle

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
        help_text=_("Partner bearbeiten später die Angaben ihrer eigenen Organisation."),
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


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "description",
            "street",
            "postcode",
            "city",
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
            "languages",
            "cost",
            "contact",
            "website",
            "is_public",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "lebensphasen": forms.CheckboxSelectMultiple,
            "handlungsfelder": forms.CheckboxSelectMultiple,
            "zielgruppen": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = organisation.personen.active()
        self.fields["website"].widget.attrs["placeholder"] = "https://"


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
