"""Every PDF the portal prints is tagged PDF/UA-1: marked, with a structure tree, the PDF/UA
identifier in its XMP, a title the viewer shows, the language, table cells bound to their header
cells and every image with alternative text. Each kind is rendered by the function that makes it
for the worker."""

import io
import logging
from datetime import timedelta

import pikepdf
import pytest
from django.utils import timezone

from akteure import heft as hefte
from konferenzen import einlass, services
from konferenzen.models import Arbeitsgruppe, Druck, Veranstaltung
from netzwerk.berichte import services as berichte
from netzwerk.models import Gremium, Sachstandsbericht, Sozialraum

pytestmark = pytest.mark.django_db


@pytest.fixture
def treffen(welt):
    start = timezone.now() + timedelta(days=2)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Netzwerktreffen Nord", start=start,
        end=start + timedelta(hours=3), place="Rathaus", capacity=10,
    )  # fmt: skip
    gruppe = Arbeitsgruppe.objects.create(veranstaltung=event, name="Übergänge")
    for name, extra in [
        ("Anna Amsel", {"arbeitsgruppen": [gruppe], "on_list": True}),
        ("Bernd Buche", {"organisation": welt.organisation}),
    ]:
        services.anmeldung_create(
            veranstaltung=event, name=name, email=f"{name.split()[0].lower()}@test.example",
            **extra,
        )  # fmt: skip
    return event


def _konferenz(art):
    def render(welt, treffen, capture):
        return einlass.pdf_bytes(treffen, art)

    return render


def _bericht(welt, treffen, capture):
    gremium = Gremium.objects.create(name="Lenkungskreis", slug="lenkungskreis")
    heute = timezone.localdate()
    with capture(execute=True):
        bericht = berichte.bericht_create(
            gremium=gremium, konzept=None, period_start=heute - timedelta(days=30),
            period_end=heute, sections=Sachstandsbericht.Abschnitt.values, summary="Kurz.",
            user=welt.users["koordination"],
        )  # fmt: skip
    bericht.refresh_from_db()
    assert bericht.status == Sachstandsbericht.Status.FERTIG, bericht.error
    return berichte.bericht_datei(bericht)


def _heft(welt, treffen, capture):
    # A district with an offer: the booklet's table of offers per district gets a row.
    welt.angebot_public.sozialraum = Sozialraum.objects.create(name="Mitte", slug="mitte")
    welt.angebot_public.save(update_fields=["sozialraum"])
    with capture(execute=True):
        heft = hefte.heft_bestellen(user=welt.users["koordination"], sozialraum=None)
    heft.refresh_from_db()
    assert heft.status == "fertig", heft.fehler
    return hefte.heft_datei(heft)


KINDS = {
    "unterschriftenliste": (
        _konferenz(Druck.Art.UNTERSCHRIFTENLISTE),
        "Unterschriftenliste – Netzwerktreffen Nord",
    ),
    "teilnehmerliste": (_konferenz(Druck.Art.TEILNEHMERLISTE), "Teilnehmende – Netzwerktreffen"),
    "namensschilder": (_konferenz(Druck.Art.NAMENSSCHILDER), "Namensschilder – Netzwerktreffen"),
    "sachstandsbericht": (_bericht, "Sachstandsbericht Nr. 1: Lenkungskreis"),
    "wegweiserheft": (_heft, "Familienwegweiser: ganze Stadt"),
}


def _elements(node, seen=None):
    """The structure elements under `node`, depth first (never up through /P)."""
    seen = set() if seen is None else seen
    if isinstance(node, pikepdf.Array):
        for item in node:
            yield from _elements(item, seen)
    elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") != "/MCR":
        key = node.objgen
        if key != (0, 0) and key in seen:
            return
        seen.add(key)
        if "/S" in node:
            yield node
        if "/K" in node:
            yield from _elements(node.K, seen)


@pytest.mark.parametrize("kind", KINDS)
def test_every_pdf_is_tagged_pdf_ua_with_title_language_headers_and_alt_text(
    kind, welt, treffen, django_capture_on_commit_callbacks, caplog
):
    render, title = KINDS[kind]
    with caplog.at_level(logging.ERROR):
        content = render(welt, treffen, django_capture_on_commit_callbacks)
    # WeasyPrint logs an image without alt text or a document without a language as errors.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []

    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root
        assert bool(root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "de"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert str(pdf.docinfo.get("/Title", "")).startswith(title)
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"

        elements = list(_elements(root.StructTreeRoot.K))
        tags = [str(e.S) for e in elements]
        assert "/Document" in tags
        figures = [e for e in elements if e.S == "/Figure"]
        assert all(str(f.get("/Alt", "")).strip() for f in figures), kind
        if kind == "namensschilder":
            alts = sorted(str(f.Alt) for f in figures)
            assert alts == [
                "QR-Code für den Einlass von Anna Amsel",
                "QR-Code für den Einlass von Bernd Buche",
            ]
        if kind != "namensschilder":  # badges are no table
            assert "/TH" in tags and "/TD" in tags
        for table in (e for e in elements if e.S == "/Table"):
            cells = list(_elements(table.K))
            if any(c.S == "/TH" for c in cells):
                # Each data cell names its header cells: a screen reader reads them with it.
                assert all(len(c.A.Headers) > 0 for c in cells if c.S == "/TD"), kind
