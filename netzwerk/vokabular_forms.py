"""Forms of the vocabulary pages: one form per vocabulary for a term's fields, and the merge."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models import Vokabular
from .sortierung import deutsch
from .vokabular import term_label

EXTRA_FIELDS = {
    "lebensphase": ["alter_von", "alter_bis"],
    "sprache": ["code"],
    "sozialraum": ["schluessel"],
}
code_validator = RegexValidator(
    r"^[A-Za-z]{2,3}$",
    _("Bitte geben Sie den Sprachcode mit zwei (oder drei) Buchstaben an, z. B. „tr“."),
)


class TermBaseForm(forms.ModelForm):
    """A term's name and, per vocabulary, its own fields. Duplicate names (in any spelling) are
    refused by the service (netzwerk.vokabular), which the view asks; the unique index's English
    check is not run here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("Das Kürzel für Adressen entsteht aus dem Namen.")
        if "alter_von" in self.fields:
            self.fields["alter_von"].help_text = _("in Monaten, z. B. 36 für 3 Jahre; leer: offen")
            self.fields["alter_bis"].help_text = _(
                "in Monaten, ausschließlich, z. B. 72 für „bis 6 Jahre“; leer: offen"
            )
        if "code" in self.fields:
            self.fields["code"].help_text = _("ISO 639-1, zwei Buchstaben, z. B. de, tr, ar")
            self.fields["code"].validators.append(code_validator)

    def clean_schluessel(self):
        """The key the indicator import finds a district by, compared as it compares (case,
        spaces and punctuation aside): no other district's key or name."""
        from .text import norm_name

        value = self.cleaned_data.get("schluessel", "").strip()
        if not value:
            return value
        andere = type(self.instance)._default_manager.exclude(pk=self.instance.pk)
        for name, schluessel in andere.values_list("name", "schluessel"):
            if norm_name(value) == norm_name(schluessel):
                raise forms.ValidationError(
                    _("Diesen Schlüssel hat schon „%(name)s“.") % {"name": name}
                )
            if norm_name(value) == norm_name(name):
                raise forms.ValidationError(
                    _("So heißt schon ein anderer Sozialraum: „%(name)s“.") % {"name": name}
                )
        return value

    def clean_code(self):
        return self.cleaned_data.get("code", "").strip().lower()

    def clean(self):
        data = super().clean()
        von, bis = data.get("alter_von"), data.get("alter_bis")
        if von is not None and bis is not None and von >= bis:
            self.add_error("alter_bis", _("Das Alter „bis“ muss größer sein als das Alter „von“."))
        return data

    def validate_unique(self):
        pass  # the service's case-insensitive check says it in German, with the existing term

    def values(self) -> dict:
        """The term's fields for term_create / term_update."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def term_form_class(model: type[Vokabular]) -> type[TermBaseForm]:
    return forms.modelform_factory(
        model,
        form=TermBaseForm,
        fields=["name", *EXTRA_FIELDS.get(model._meta.model_name, [])],
    )


class MergeForm(forms.Form):
    ziel = forms.ModelChoiceField(
        label=_("Zusammenführen mit"),
        queryset=None,
        empty_label=_("– Begriff wählen –"),
        error_messages={"required": _("Bitte wählen Sie den Begriff, der bleiben soll.")},
        help_text=_("Dieser Begriff bleibt; alle Verwendungen gehen auf ihn über."),
    )
    bestaetigt = forms.BooleanField(
        label=_("Ja, zusammenführen. Das lässt sich nicht rückgängig machen."),
        error_messages={"required": _("Bitte bestätigen Sie das Zusammenführen.")},
    )

    def __init__(self, *args, term: Vokabular, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["ziel"]
        # Every term validates (so merging into itself gets its own message from the service);
        # the list offers the others.
        field.queryset = type(term).objects.order_by("position", deutsch("name"))
        field.label_from_instance = term_label
        field.widget.choices = [c for c in field.choices if c[0] != term.pk]
