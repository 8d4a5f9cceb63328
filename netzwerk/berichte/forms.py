from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..forms import DatumInput
from ..konzepte.models import Gremium, Konzept
from .models import Sachstandsbericht
from .services import FRUEHESTER_BEGINN


class BerichtForm(forms.Form):
    """What a coordinator chooses: for whom, which period, which sections, and two texts."""

    gremium = forms.ModelChoiceField(
        label=_("Für das Gremium"), queryset=Gremium.objects.all(),
        error_messages={"required": _("Bitte wählen Sie das Gremium."),
                        "invalid_choice": _("Dieses Gremium gibt es nicht (mehr).")},
    )  # fmt: skip
    # The concepts a committee hears about: past the draft (a draft is the coordination's own
    # work) and not archived (a newer concept replaced it).
    konzept = forms.ModelChoiceField(
        label=_("Maßnahmen aus dem Konzept"), required=False,
        queryset=Konzept.objects.exclude(status=Konzept.Status.ENTWURF).filter(
            archived_at__isnull=True
        ),
        empty_label=_("aus allen Konzepten"),
        error_messages={"invalid_choice": _("Bitte wählen Sie ein Konzept der Liste: ein "
                                            "archiviertes oder einen Entwurf nennt der Bericht "
                                            "nicht.")},
    )  # fmt: skip
    period_start = forms.DateField(
        label=_("Berichtszeitraum von"),
        widget=DatumInput(),
        error_messages={"required": _("Bitte geben Sie den Beginn an."),
                        "invalid": _("Bitte ein Datum wie 01.07.2026 angeben.")},
    )  # fmt: skip
    period_end = forms.DateField(
        label=_("bis"), widget=DatumInput(),
        error_messages={"required": _("Bitte geben Sie das Ende an."),
                        "invalid": _("Bitte ein Datum wie 30.09.2026 angeben.")},
    )  # fmt: skip
    sections = forms.MultipleChoiceField(
        label=_("Abschnitte"), choices=Sachstandsbericht.Abschnitt.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens einen Abschnitt.")},
    )  # fmt: skip
    oeffentlich = forms.BooleanField(
        label=_("für die Öffentlichkeit"), required=False,
        help_text=_("Nennt nur, was das Portal allen zeigt (beschlossene Konzepte, öffentliche "
                    "Foren, Veranstaltungen und Angebote), und kann einen öffentlichen Link "
                    "bekommen. Ohne Haken ist der Bericht für das Gremium und nennt auch "
                    "Konzeptentwürfe und Foren nur für Mitglieder."),
    )  # fmt: skip
    summary = forms.CharField(
        label=_("Einleitung (optional)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Steht vor den Kennzahlen der Zusammenfassung. Markdown möglich."),
    )  # fmt: skip
    outlook = forms.CharField(
        label=_("Ausblick (optional)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Steht vor den kommenden Veranstaltungen und Maßnahmen. Markdown möglich."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        von, bis = data.get("period_start"), data.get("period_end")
        if von and bis and von > bis:
            self.add_error("period_end", _("Der Berichtszeitraum endet vor seinem Beginn."))
        if von and von < FRUEHESTER_BEGINN:
            self.add_error("period_start", _("Bitte einen Beginn ab dem 01.01.2000 angeben."))
        if bis and bis > timezone.localdate():
            self.add_error(
                "period_end", _("Der Bericht kann nur Vergangenes zeigen: bitte bis heute.")
            )
        return data
