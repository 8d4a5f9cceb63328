from django import forms
from django.utils.translation import gettext_lazy as _

from netzwerk.models import Rolle

from .models import Organisation


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
