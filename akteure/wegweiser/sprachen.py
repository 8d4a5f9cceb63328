"""The languages of the family guide, chosen per request by ?sprache= (the guide's links and
form carry it on). The rest of the portal stays German (settings.LANGUAGES); the guide's views
switch the language for their own rendering only."""

from contextlib import contextmanager

from django.http import HttpRequest
from django.utils import translation

DEUTSCH = "de"
LEICHT = "leicht"
# (value of ?sprache=, name in its own language, language tag of the page)
SPRACHEN = [
    (DEUTSCH, "Deutsch", "de"),
    (LEICHT, "Leichte Sprache", "de"),
    ("en", "English", "en"),
    ("tr", "Türkçe", "tr"),
    ("ar", "العربية", "ar"),
    ("uk", "Українська", "uk"),
]
_TAG = {code: tag for code, _, tag in SPRACHEN}


def sprache_aus(request: HttpRequest) -> str:
    """The language asked for, German if none or an unknown one."""
    code = request.GET.get("sprache", "")
    return code if code in _TAG else DEUTSCH


@contextmanager
def aktiv(code: str):
    """Translate everything rendered inside into the guide's language (Leichte Sprache: the
    German catalogue; the templates phrase some things more plainly)."""
    with translation.override(_TAG[code]):
        yield


def query(code: str) -> str:
    """ "?sprache=ar" for links that do not carry the whole query string, "" for German."""
    return "" if code == DEUTSCH else f"?sprache={code}"
