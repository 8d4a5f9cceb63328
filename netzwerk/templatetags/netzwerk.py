from django import template
from django.utils.translation import gettext_lazy as _

from netzwerk.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str, top: int = 3):
    """{{ beitrag.text|markdown:2 }}: rendered and sanitised (netzwerk.text); typed headings start
    at level `top`."""
    return render_markdown(text, top=int(top))


# The data-access report's keys (netzwerk.datenschutz exports) as a person reads them; the rest
# lose their underscores ("anwesend_seit" -> "anwesend seit").
AUSKUNFT_FELDER = {
    "pk": _("Nummer"),
    "id": _("Nummer"),
    "email": _("E-Mail-Adresse"),
    "verified": _("bestätigt"),
    "primary": _("Hauptadresse"),
    "status": _("Status"),
    "user": _("Konto"),
    "created_at": _("angelegt"),
}


@register.filter
def auskunft_feld(key: str) -> str:
    return str(AUSKUNFT_FELDER.get(key, str(key).replace("_", " ")))


@register.filter
def auskunft_wert(value):
    """Yes/no in German instead of Python's True/False; a list as a comma-separated line."""
    if value is True:
        return _("ja")
    if value is False:
        return _("nein")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value
