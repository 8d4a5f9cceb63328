"""Personal data in the Sozialmonitoring: only who uploaded an indicator's file. The figures are
aggregates per district, and a figure about fewer persons than the threshold is never stored."""

from django.utils.translation import gettext_lazy as _

from ..datenschutz import not_personal, register_urheber
from .models import Indikator, IndikatorImport

not_personal(Indikator, _("Name und Beschreibung einer Kennzahl der Statistik"))
register_urheber(
    IndikatorImport,
    label=_("Hochgeladene Dateien mit Indikatorwerten"),
    user_fields=["erstellt_von"],
    export=lambda v: {
        "indikator": str(v.indikator),
        "datei": v.dateiname,
        "am": v.erstellt_am.isoformat(),
    },
)
