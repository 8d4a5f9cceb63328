from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Gremium, Kapitel, Kommentar, Konzept, Massnahme


class KonzeptForm(forms.ModelForm):
    class Meta:
        model = Konzept
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class KapitelForm(forms.ModelForm):
    """The chapter's text; `version` is the version the editor started from (conflict check)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Kapitel
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 18})}
        help_texts = {
            "text": _("Markdown: **fett**, *kursiv*, Listen mit „- “, Überschriften mit „## “.")
        }


class KapitelNeuForm(forms.Form):
    title = forms.CharField(label=_("Überschrift des neuen Kapitels"), max_length=200)


class KommentarForm(forms.Form):
    text = forms.CharField(
        label=_("Ihr Kommentar zu diesem Kapitel"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class AntwortForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[
            (Kommentar.Status.AUFGENOMMEN, _("aufgenommen")),
            (Kommentar.Status.NICHT_AUFGENOMMEN, _("nicht aufgenommen")),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Antwort"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class BeschlussForm(forms.Form):
    gremium = forms.ModelChoiceField(label=_("Gremium"), queryset=Gremium.objects.all())
    decided_on = forms.DateField(
        label=_("beschlossen am"), widget=forms.DateInput(attrs={"type": "date"})
    )
    resolution = forms.CharField(
        label=_("Beschlussnummer"), max_length=100, help_text=_("zum Beispiel VO/22/0594")
    )
    resolution_url = forms.URLField(
        label=_("Link zum Ratsinformationssystem"), required=False, assume_scheme="https"
    )


class NotizForm(forms.Form):
    text = forms.CharField(
        label=_("Was ist passiert?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    progress = forms.IntegerField(label=_("Fortschritt in Prozent"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Status"), choices=Massnahme.Status.choices)
