"""PDFs from templates under templates/pdf/, by WeasyPrint, in the worker (never in a request).

WeasyPrint fetches nothing: no network, no files (everything, images and QR codes too, is inline
as data: URLs), so no text in a document can make it load a resource.
"""

from django.template.loader import render_to_string


class Pdf(bytes):
    """The document's bytes, knowing how many pages it has."""

    pages: int = 0


def render_pdf(template: str, context: dict) -> Pdf:
    import weasyprint

    html = render_to_string(template, context)
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    pdf = Pdf(document.write_pdf())
    pdf.pages = len(document.pages)
    return pdf
