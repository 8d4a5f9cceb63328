from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Lebensphase
from .models import Indikator


class IndikatorForm(forms.ModelForm):
    class Meta:
        model = Indikator
        fields = [
            "name", "einheit", "quelle", "beschreibung", "art", "lebensphase", "richtung",
            "zaehlt_personen",
        ]  # fmt: skip
        widgets = {
            "beschreibung": forms.Textarea(attrs={"rows": 3}),
            "art": forms.RadioSelect,
            "richtung": forms.RadioSelect,
        }
        help_texts = {
            "name": _(
                "Zum Beispiel „Anteil Kinder unter 15 in SGB-II-Bedarfsgemeinschaften“; das "
                "Kürzel der Adresse entsteht daraus."
            ),
            "lebensphase": _(
                "Nur für eine Bevölkerungszahl: die Kinder welcher Lebensphase sie zählt. Daraus "
                "rechnet das Portal die Angebote je 1.000 Kinder."
            ),
            "zaehlt_personen": _(
                "Ankreuzen, wenn der Wert selbst eine Zahl von Personen ist (Kinder 0–6, Fälle): "
                "Werte unter der Mindestzahl werden dann nicht gespeichert."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lebensphase"].queryset = Lebensphase.objects.filter(active=True)
        self.fields["lebensphase"].required = False

    def clean(self):
        data = super().clean()
        art, phase = data.get("art"), data.get("lebensphase")
        if art == Indikator.Art.BEVOELKERUNG and phase is None:
            self.add_error(
                "lebensphase", _("Eine Bevölkerungszahl braucht die Lebensphase, die sie zählt.")
            )
        if art == Indikator.Art.BEDARF and phase is not None:
            self.add_error(
                "lebensphase",
                _(
                    "Nur eine Bevölkerungszahl gehört zu einer Lebensphase; lassen Sie das Feld "
                    "leer."
                ),
            )
        return data

    def validate_unique(self):
        pass  # the service says it in German, with the existing indicator


class ImportForm(forms.Form):
    datei = forms.FileField(
        label=_("Datei (CSV oder Excel)"),
        help_text=_(
            "Eine Zeile je Sozialraum und Jahr, mit den Spalten „Sozialraum“ (Name oder "
            "Schlüssel), „Jahr“, „Wert“ und wahlweise „Anzahl“ (wie viele Personen der Wert "
            "beschreibt). Vorhandene Werte desselben Jahres werden ersetzt."
        ),
    )
