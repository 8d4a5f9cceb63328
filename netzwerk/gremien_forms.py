"""Forms of the coordination's pages for committees and accounts."""

import re

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .konten import ROLLEN, Status
from .models import Gremium, Rolle, User


class GremiumForm(forms.ModelForm):
    class Meta:
        model = Gremium
        fields = ["name", "art", "description", "url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "name": _(
                "Zum Beispiel „Jugendhilfeausschuss“; das Kürzel der Adresse entsteht daraus."
            ),
        }


_IN_KLAMMERN = re.compile(r"[<(]\s*([^<>()\s]+@[^<>()\s]+)\s*[>)]")


class MitgliedForm(forms.Form):
    """An existing account, found by typing part of its name or address (a datalist offers
    every approved account: value is the address, the label the name)."""

    DATALIST_ID = "gremium-konten"

    konto = forms.CharField(
        label=_("Konto"),
        max_length=320,
        help_text=_(
            "Name oder E-Mail-Adresse eingeben und aus der Liste wählen. Wer noch kein Konto hat, "
            "laden Sie unten per E-Mail ein."
        ),
    )

    def __init__(self, *args, kandidaten: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.kandidaten = kandidaten
        self.fields["konto"].widget.attrs.update({"list": self.DATALIST_ID, "autocomplete": "off"})

    def clean_konto(self) -> User:
        text = self.cleaned_data["konto"].strip()
        match = _IN_KLAMMERN.search(text)
        email = match.group(1) if match else text
        user = self.kandidaten.filter(email__iexact=email).first()
        if user is None and "@" not in email:
            # A full name typed without choosing from the list: fine if it names one account.
            by_name = [u for u in self.kandidaten if u.get_full_name().lower() == text.lower()]
            user = by_name[0] if len(by_name) == 1 else None
        if user is None:
            raise forms.ValidationError(
                _(
                    "Kein freigegebenes Konto passt zu „%(text)s“. Wählen Sie einen Eintrag aus "
                    "der Liste oder laden Sie die Person per E-Mail ein."
                ),
                params={"text": text},
            )
        return user


class EinladungForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_(
            "Die Person bekommt einen Link. Mit dieser Adresse meldet sie sich an oder "
            "registriert sich und wird Mitglied mit der Rolle Gremium."
        ),
    )


class KontoFilterForm(forms.Form):
    suche = forms.CharField(label=_("Name oder E-Mail-Adresse"), required=False, max_length=200)
    rolle = forms.ChoiceField(
        label=_("Rolle"),
        required=False,
        choices=[
            ("", _("alle")),
            *[(r, Rolle(r).label) for r in ROLLEN],
            ("ohne", _("ohne Rolle")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle")), *Status.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css


class RollenForm(forms.Form):
    rollen = forms.MultipleChoiceField(
        label=_("Rollen"),
        required=False,
        choices=[(r, Rolle(r).label) for r in ROLLEN],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Moderation vergeben Sie im jeweiligen Forum."),
    )
