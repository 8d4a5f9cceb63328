"""Pages compressed on their way out: Django's GZipMiddleware for text only.

Nothing in front of the portal compresses (docker/proxy has no gzip) and whitenoise only serves
the static files it compressed at collectstatic: without this a list page is 20-35 KB of HTML,
gzipped 4-7 KB (bench/uebertragung.py). BREACH (guessing a secret from the size of compressed
responses that also reflect the attacker's input) is countered as Django's documentation
advises: the CSRF token is masked anew in every response, GZipMiddleware pads each response with
up to 100 random bytes ("Heal the Breach"), and the session cookie is SameSite=Lax, so another
site's script cannot make the victim's browser send the many logged-in requests the attack needs.
"""

from django.middleware.gzip import GZipMiddleware


def _is_text(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    main, _, sub = media.partition("/")
    return main == "text" or sub.endswith(("json", "xml")) or sub.endswith("javascript")


class TextGZipMiddleware(GZipMiddleware):
    """GZipMiddleware for text (HTML, JSON, CSV, calendars) only: PDFs, spreadsheets, images and
    uploads are compressed already, and compressing them again costs CPU and their
    Content-Length."""

    def process_response(self, request, response):
        if not _is_text(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
