"""What keeps the badges fast (issue 18, bench/teilnehmerliste.py): one WeasyPrint document for
all of them, each typeface embedded once for every page, and the QR codes handed to WeasyPrint as
bytes by name, as eight-bit grey PNGs it embeds as they are (a one-bit PNG in a data: URL it
would decode from the HTML, convert to RGB and encode twice more)."""

import io
from datetime import timedelta

import pikepdf
import pytest
from django.utils import timezone

from konferenzen import einlass, services
from konferenzen.models import Druck, Veranstaltung
from netzwerk import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def konferenz(welt):
    start = timezone.now() + timedelta(days=2)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Netzwerktreffen Süd", start=start,
        end=start + timedelta(hours=3), place="Rathaus",
    )  # fmt: skip
    for i in range(11):  # two sheets of badges
        services.anmeldung_create(
            veranstaltung=event, name=f"Gast Nummer {i}", email=f"gast{i}@test.example"
        )
    return event


def _objects(document: pikepdf.Pdf, subtype: str) -> list:
    return [
        o
        for o in document.objects
        if isinstance(o, pikepdf.Dictionary | pikepdf.Stream) and o.get("/Subtype") == subtype
    ]


def test_the_badges_are_one_document_with_each_typeface_embedded_once(konferenz):
    content = einlass.pdf_bytes(konferenz, Druck.Art.NAMENSSCHILDER)
    assert content.pages == 2
    with pikepdf.open(io.BytesIO(content)) as document:
        fonts = _objects(document, "/Type0")
        names = [str(f.BaseFont) for f in fonts]
        # Regular and bold, each once for both sheets, not once per sheet or per badge.
        assert len(names) == len(set(names)) == 2, names
        files = [o for o in document.objects if isinstance(o, pikepdf.Dictionary) and (
            "/FontFile2" in o or "/FontFile3" in o
        )]  # fmt: skip
        assert len(files) == 2


def test_each_qr_code_is_embedded_once_as_eight_bit_grey(konferenz):
    content = einlass.pdf_bytes(konferenz, Druck.Art.NAMENSSCHILDER)
    with pikepdf.open(io.BytesIO(content)) as document:
        images = _objects(document, "/Image")
        assert len(images) == 11  # one per badge, none twice
        assert {(str(i.ColorSpace), int(i.BitsPerComponent)) for i in images} == {
            ("/DeviceGray", 8)
        }
        assert all("/SMask" not in i for i in images)  # no alpha channel split off


def test_the_badges_html_carries_no_image_data(konferenz, monkeypatch):
    seen = []
    original = pdf.render_to_string

    def spy(template, context):
        html = original(template, context)
        seen.append(html)
        return html

    monkeypatch.setattr(pdf, "render_to_string", spy)
    einlass.pdf_bytes(konferenz, Druck.Art.NAMENSSCHILDER)
    [html] = seen
    assert "data:" not in html
    assert html.count(f'src="{pdf.BILDER}qr-') == 11


def test_a_documents_images_are_served_by_name_and_nothing_else():
    fetch = pdf.url_fetcher({"qr-1.png": b"\x89PNG eins"})
    assert fetch(f"{pdf.BILDER}qr-1.png").read() == b"\x89PNG eins"
    for url in [
        f"{pdf.BILDER}qr-2.png",
        f"{pdf.BILDER}",
        f"{pdf.BILDER}../schrift/SourceSansPro-Regular.ttf",
        f"{pdf.BILDER}qr-1.png/../qr-1.png",
        "https://example.org/bild/qr-1.png",
    ]:
        with pytest.raises(pdf.Verweigert):
            fetch(url)
    # Another document's fetcher knows none of them.
    with pytest.raises(pdf.Verweigert):
        pdf.url_fetcher()(f"{pdf.BILDER}qr-1.png")
