from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Anmeldung, Veranstaltung


class AnmeldungForm(forms.ModelForm):
    """Name and address come from the account; one working group per time slot, as radio lists."""

    class Meta:
        model = Anmeldung
        fields = ["needs", "on_list"]
        widgets = {"needs": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, veranstaltung: Veranstaltung, gruppen, **kwargs):
        super().__init__(*args, **kwargs)
        self.gruppen = {g.pk: g for g in gruppen}
        runden = sorted({g.runde for g in gruppen})
        for runde in runden:
            choices = [("", _("keine Arbeitsgruppe"))] + [
                (g.pk, self._label(g)) for g in gruppen if g.runde == runde
            ]
            label = (
                _("Arbeitsgruppe")
                if len(runden) == 1
                else _("Arbeitsgruppe, Zeitfenster %(n)s") % {"n": runde}
            )
            self.fields[f"runde_{runde}"] = forms.TypedChoiceField(
                label=label, choices=choices, coerce=int, empty_value=None, required=False,
                widget=forms.RadioSelect,
            )  # fmt: skip
        # Consent fields come last, as people read the form.
        self.order_fields([f"runde_{r}" for r in runden] + ["needs", "on_list"])
        self.helper = FormHelper()
        self.helper.form_tag = False

    @staticmethod
    def _label(gruppe) -> str:
        if gruppe.capacity is None:
            return gruppe.name
        frei = max(gruppe.capacity - gruppe.belegt, 0)
        return _("%(name)s (%(frei)s von %(cap)s Plätzen frei)") % {
            "name": gruppe.name, "frei": frei, "cap": gruppe.capacity,
        }  # fmt: skip

    def chosen(self) -> list:
        return [
            self.gruppen[pk]
            for name, pk in self.cleaned_data.items()
            if name.startswith("runde_") and pk is not None
        ]
