"""PDFs from templates under templates/pdf/, by WeasyPrint, in the worker (never in a request).

WeasyPrint fetches nothing from outside the portal: images are inline `data:` URLs or bytes the
caller hands to render_pdf (`bilder`, served under `BILDER` from memory: the badges' 250 QR
codes, which as `data:` URLs the HTML parser would read and WeasyPrint decode again), and the
typeface comes from the pinned font package through the portal's own address (`SCHRIFTEN`).
Every other address (file://, another host, another path, even a page of the portal) is refused
and logged, so no text in a document can make the worker load a resource.
"""

import gc
import hashlib
import logging
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# The base address of every document: relative links resolve to it, and only its typeface path
# is served (from the package font-source-sans-pro, never from the system or the network).
INTERN = "https://netzwerkportal.intern/"
SCHRIFTEN = f"{INTERN}schrift/"
# Images of one document, by name: `{BILDER}<name>` is `bilder[name]` of that render_pdf call.
BILDER = f"{INTERN}bild/"


class Verweigert(ValueError):
    """An address outside the portal (or not its typeface) that a document asked for."""


def schriftdatei(name: str) -> Path:
    """The font file behind SCHRIFTEN + name; only plain .ttf names of the package."""
    import font_source_sans_pro

    folder = Path(font_source_sans_pro.font_directory)
    if "/" in name or "\\" in name or not name.endswith(".ttf"):
        raise Verweigert(name)
    path = folder / name
    if not path.is_file():
        raise Verweigert(name)
    return path


@cache
def _fetcher_class():
    import weasyprint
    from weasyprint.urls import URLFetcherResponse

    class PortalFetcher(weasyprint.URLFetcher):
        """data: URLs, the portal's typeface and the document's own images; nothing else."""

        def __init__(self, *args, bilder: dict[str, bytes] | None = None, **kwargs):
            super().__init__(*args, **kwargs)
            self.bilder = bilder or {}

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if url.startswith(SCHRIFTEN):
                path = schriftdatei(unquote(urlsplit(url).path.removeprefix("/schrift/")))
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": "font/ttf"}
                )
            if url.startswith(BILDER) and url.removeprefix(BILDER) in self.bilder:
                name = url.removeprefix(BILDER)
                art = {"Content-Type": "image/svg+xml"} if name.endswith(".svg") else {}
                return URLFetcherResponse(url, body=self.bilder[name], headers=art)
            logger.warning("PDF: Abruf verweigert: %s", url[:200])
            raise Verweigert(f"Nicht erlaubt: {url[:200]}")

    return PortalFetcher


def url_fetcher(bilder: dict[str, bytes] | None = None):
    return _fetcher_class()(
        allowed_protocols=("data", "https"), allow_redirects=False, bilder=bilder
    )


_gc_lock = threading.Lock()
_gc_renders = 0
_gc_thresholds: tuple = ()


@contextmanager
def _seltener_aufraeumen():
    """WeasyPrint builds hundreds of thousands of linked objects; Python's default collector
    thresholds scan them again and again (a fifth of a long report's time, bench/bericht.py).
    While any render runs (threads count: an in-process server), the first generation collects
    less often; the last one to finish restores the process's thresholds."""
    global _gc_renders, _gc_thresholds
    with _gc_lock:
        if _gc_renders == 0:
            _gc_thresholds = gc.get_threshold()
            gc.set_threshold(50_000, *_gc_thresholds[1:])
        _gc_renders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_renders -= 1
            if _gc_renders == 0:
                gc.set_threshold(*_gc_thresholds)


class Pruefsummenfehler(Exception):
    """The stored file is not the one that was rendered."""


def gespeichert_lesen(name: str, sha256: str, bezeichnung: str) -> bytes:
    """A stored PDF (report, printed guide), checked against the checksum taken when it was
    rendered; FileNotFoundError if it is gone."""
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        logger.error("%s: Prüfsumme stimmt nicht", bezeichnung)
        raise Pruefsummenfehler(bezeichnung)
    return content


class Pdf(bytes):
    """The document's bytes, knowing how many pages it has."""

    pages: int = 0


# Every document the portal prints is tagged (PDF/UA-1): a structure tree in reading order,
# table headers bound to their cells, alternative text for images, the language and the title
# from the template's <html lang> and <title>. For tagged output WeasyPrint also sets
# /MarkInfo /Marked and /ViewerPreferences /DisplayDocTitle (the viewer shows the title, not
# the file name), so nothing is patched afterwards.
PDF_UA = "pdf/ua-1"


def bestellsprache() -> str:
    """The language a PDF asked for now is to be rendered in, by the worker and by every later
    attempt: the active one (the page it is asked for on), if the portal offers it."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def render_pdf(
    template: str,
    context: dict,
    *,
    variant: str | None = PDF_UA,
    bilder: dict[str, bytes] | None = None,
) -> Pdf:
    """The template as a PDF, tagged for screen readers (PDF/UA-1) unless told otherwise. The
    template finds each of `bilder` at `{BILDER}<name>` (context `bilder_url`)."""
    import weasyprint

    html = render_to_string(template, {**context, "bilder_url": BILDER})
    with _seltener_aufraeumen():
        fetcher = url_fetcher(bilder)
        document = weasyprint.HTML(string=html, base_url=INTERN, url_fetcher=fetcher).render()
        if not (document.metadata.title or "").strip():
            # PDF/UA needs a title; a template without one is a bug, but still prints.
            logger.error("PDF ohne Titel: %s", template)
        pdf = Pdf(document.write_pdf(pdf_variant=variant))
    pdf.pages = len(document.pages)
    return pdf
