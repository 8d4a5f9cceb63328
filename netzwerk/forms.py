from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rueckmeldung


class DatumInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2026-07-01): a date in the German format
    would leave the field empty, initial values included."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up: coordinators must see who asks for access."""

    first_name = forms.CharField(label=_("Vorname"), max_length=150)
    last_name = forms.CharField(label=_("Nachname"), max_length=150)
    organisation_hint = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("Für welche Einrichtung oder welchen Verein arbeiten Sie im Netzwerk mit?"),
    )

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.organisation_hint = self.cleaned_data["organisation_hint"]
        user.save(update_fields=["first_name", "last_name", "organisation_hint"])


class RueckmeldungForm(forms.ModelForm):
    # A field people never see; bots fill it in.
    homepage = forms.CharField(label=_("Bitte leer lassen"), required=False)

    class Meta:
        model = Rueckmeldung
        fields = ["name", "email", "page_url", "message"]
        labels = {"page_url": _("Betroffene Seite (Adresse oder Name, freiwillig)")}
        help_texts = {
            "email": _("Freiwillig. Nur wenn Sie eine Antwort wünschen."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homepage"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *self.Meta.fields,
            Div("homepage", css_class="honigtopf", **{"aria-hidden": "true"}),
        )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))
