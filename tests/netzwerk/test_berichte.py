"""Status reports: what the PDF says (checked against the data), PDF/UA and the embedded typeface,
the URL fetcher's refusals, the snapshot and its checksum, failure and retry, rights, the public
link, the committee's dashboard."""

import hashlib
import io
import re
from datetime import date, timedelta

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from akteure.models import Organisationstyp
from foren.models import Beitrag
from konferenzen import services as konferenzen
from konferenzen.models import Anmeldung, Veranstaltung
from netzwerk import pdf
from netzwerk.berichte import services
from netzwerk.models import (
    Gremium,
    Handlungsfeld,
    Handlungsschwerpunkt,
    Konzept,
    Lebensphase,
    Massnahme,
    Meilenstein,
    Sachstandsbericht,
    Ziel,
)

from ..factories import AngebotFactory, BeitragFactory, UserFactory

pytestmark = pytest.mark.django_db
ALLE = Sachstandsbericht.Abschnitt.values
HEUTE = timezone.localdate()
VON, BIS = HEUTE - timedelta(days=90), HEUTE


@pytest.fixture
def gremium(welt):
    gremium = Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    gremium.members.add(welt.users["gremium"])
    return gremium


@pytest.fixture
def netz(welt, gremium):
    """A concept with three measures (40 %, 80 %, one put back at 10 %: mean 60 %), needs in a
    public and a members-only forum, a past event with three seats of which two came, an
    invited-only event, a milestone, and a Präventionskette with one filled cell of four."""
    # In Beteiligung: a draft's measures are the coordination's alone and stay out of reports.
    konzept = Konzept.objects.create(
        title="Präventionskonzept Teststadt", slug="pk", status=Konzept.Status.BETEILIGUNG
    )
    schwerpunkt = Handlungsschwerpunkt.objects.create(konzept=konzept, title="Übergänge gestalten")
    ziel = Ziel.objects.create(schwerpunkt=schwerpunkt, title="Kein Kind geht verloren")
    for title, progress, status in [
        ("Übergabebogen Kita–Grundschule", 40, Massnahme.Status.IN_UMSETZUNG),
        ("Elterncafé am Bahnhof", 80, Massnahme.Status.IN_UMSETZUNG),
        ("Lotsendienst Nord", 10, Massnahme.Status.ZURUECKGESTELLT),
    ]:
        Massnahme.objects.create(ziel=ziel, title=title, progress=progress, status=status)
    BeitragFactory(forum=welt.forum_public, art=Beitrag.Art.BEDARF, title="Schwimmkurse fehlen")
    BeitragFactory(forum=welt.forum_members, art=Beitrag.Art.BEDARF, title="Interner Engpass")
    start = timezone.now() - timedelta(days=10)
    treffen = Veranstaltung.objects.create(
        art="workshop", title="Auftaktwerkstatt Süd", start=start, end=start + timedelta(hours=3),
        visibility="public",
    )  # fmt: skip
    typ = Organisationstyp.objects.create(name="Grundschule", slug="grundschule")
    welt.organisation.typ = typ
    welt.organisation.save()
    for name in ["Anna Amsel", "Bernd Buche", "Cem Cedar"]:
        anmeldung = konferenzen.anmeldung_create(
            veranstaltung=treffen, name=name, email=f"{name.split()[0].lower()}@test.example",
            organisation=welt.organisation, now=start - timedelta(days=7),
        )[0]  # fmt: skip
        if name != "Cem Cedar":
            Anmeldung.objects.filter(pk=anmeldung.pk).update(status=Anmeldung.Status.TEILGENOMMEN)
    Veranstaltung.objects.create(
        art="workshop", title="Geheime Klausur", start=start, end=start + timedelta(hours=2),
        visibility="invited",
    )  # fmt: skip
    Meilenstein.objects.create(date=VON + timedelta(days=5), title="Lenkungskreis gegründet")
    phasen = [Lebensphase.objects.create(name=n, slug=n.lower()) for n in ["Kita", "Schule"]]
    felder = [Handlungsfeld.objects.create(name=n, slug=n.lower()) for n in ["Sprache", "Sport"]]
    AngebotFactory(
        organisation=welt.organisation, title="Lesepaten", lebensphasen=[phasen[0]],
        handlungsfelder=[felder[0]],
    )  # fmt: skip
    return konzept


def _create(welt, gremium, sections=ALLE, **extra) -> Sachstandsbericht:
    return services.bericht_create(
        gremium=gremium, konzept=None, period_start=VON, period_end=BIS, sections=sections,
        user=welt.users["koordination"], **extra,
    )  # fmt: skip


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_report_says_what_the_data_says_as_a_tagged_pdf_with_its_own_typeface(
    welt, gremium, netz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bericht = _create(welt, gremium, summary="Das Netz **wächst**.", outlook="Mehr Kitas.")
    bericht.refresh_from_db()
    assert bericht.status == Sachstandsbericht.Status.FERTIG, bericht.error
    content = services.bericht_datei(bericht)
    assert hashlib.sha256(content).hexdigest() == bericht.sha256
    assert bericht.size == len(content) and bericht.pages == len(
        PdfReader(io.BytesIO(content)).pages
    )
    text = _text(content)
    zellen = Lebensphase.objects.count() * Handlungsfeld.objects.count()
    for expected in [
        "Nr. 1: Sachstand der Präventionskette",
        "Jugendhilfeausschuss",
        f"{VON:%d.%m.%Y} bis {BIS:%d.%m.%Y}",
        "Das Netz wächst.",
        "Lenkungskreis gegründet",
        "Forum Offen",
        "Schwimmkurse fehlen",
        "Auftaktwerkstatt Süd",
        "Grundschule",
        "Übergabebogen Kita–Grundschule",
        "Mittlerer Fortschritt 60 %",  # 40 and 80; the one put back does not count
        f"Lücken in der Präventionskette {zellen - 1}",  # one cell has an offer
        "Teilnehmende (eingecheckt) 2",
        "Mehr Kitas.",
    ]:
        assert expected in text, expected
    # A committee's report names every forum and draft concepts, but no members-only forum's
    # needs and no invited-only event.
    assert "Forum Intern" in text and "Präventionskonzept Teststadt" in text
    assert "Interner Engpass" not in text and "Geheime Klausur" not in text
    # The table of contents names the page each section starts on.
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    eintrag = re.search(r"5\. Maßnahmen und Fortschritt \.+\s+(\d+)", pages[1])
    assert eintrag, pages[1]
    assert pages[int(eintrag[1]) - 1].startswith("5. Maßnahmen und Fortschritt")

    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "de"
    assert b'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data()
    fonts = {
        font.get_object()["/BaseFont"].split("+")[-1]: font.get_object()
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(name.startswith("Source-Sans-Pro") for name in fonts), fonts
    for font in fonts.values():  # embedded, not named for the reader's system to supply
        descriptor = (font.get("/DescendantFonts") or [font])[0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_a_report_for_the_public_names_only_what_the_portal_shows_everybody(
    welt, gremium, netz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bericht = _create(welt, gremium, oeffentlich=True)
    bericht.refresh_from_db()
    text = _text(services.bericht_datei(bericht))
    assert "Forum Offen" in text and "Auftaktwerkstatt Süd" in text  # public: named
    for hidden in [
        "Forum Intern",  # a forum for members only
        "Präventionskonzept Teststadt",  # a draft (Entwurf)
        "Übergabebogen Kita–Grundschule",  # its measure
        "Schwimmkurse fehlen",  # a need: forums' collections are for approved accounts
        "Lenkungskreis gegründet",  # an entered milestone (the timeline is for members)
        str(welt.users["koordination"].display_name),  # who asked for it
    ]:
        assert hidden not in text, hidden
    assert "1 weiteres Forum ist nur" in text or "Ein weiteres Forum ist nur" in text


def test_the_url_fetcher_refuses_everything_but_data_and_the_typeface(tmp_path):
    fetch = pdf.url_fetcher()
    geheim = tmp_path / "geheim.txt"
    geheim.write_text("geheim")
    for url in [
        geheim.as_uri(),
        "file:///etc/passwd",
        "http://example.org/bild.png",
        "https://netzwerkportal.intern.example.org/schrift/SourceSansPro-Regular.ttf",
        f"{pdf.INTERN}media/berichte/x.pdf",
        f"{pdf.SCHRIFTEN}../../../etc/passwd",
        f"{pdf.SCHRIFTEN}%2E%2E%2Fetc%2Fpasswd",
        f"{pdf.SCHRIFTEN}SourceSansPro-Regular.otf",
        "ftp://example.org/x",
    ]:
        with pytest.raises(pdf.Verweigert):
            fetch(url)
    assert fetch("data:text/plain,ok").read() == b"ok"
    assert fetch(f"{pdf.SCHRIFTEN}SourceSansPro-Regular.ttf").read()[:4] == b"\x00\x01\x00\x00"


def test_a_document_that_asks_for_a_file_or_another_host_gets_neither(tmp_path):
    geheim = tmp_path / "geheim.png"
    geheim.write_bytes(b"\x89PNG\r\n\x1a\n")
    answers = []
    # Whatever a document says, WeasyPrint asks the fetcher, which answers with a refusal.
    html = (
        f'<html lang="de"><title>x</title><img src="{geheim.as_uri()}" alt="a">'
        '<img src="http://127.0.0.1:9/x.png" alt="b"><p>Text</p></html>'
    )
    fetcher = pdf.url_fetcher()
    original = fetcher.fetch

    def recording(url, headers=None):
        try:
            response = original(url, headers)
        except Exception as error:
            answers.append((url, type(error)))
            raise
        answers.append((url, "geliefert"))
        return response

    fetcher.fetch = recording
    weasyprint.HTML(string=html, base_url=pdf.INTERN, url_fetcher=fetcher).render().write_pdf()
    assert answers == [
        (geheim.as_uri(), pdf.Verweigert), ("http://127.0.0.1:9/x.png", pdf.Verweigert),
    ]  # fmt: skip


def test_a_failed_rendering_offers_no_file_shows_its_state_and_can_be_retried(
    welt, gremium, client_as, monkeypatch, django_capture_on_commit_callbacks
):
    def kaputt(*args, **kwargs):
        raise RuntimeError("Schrift fehlt")

    monkeypatch.setattr(pdf, "render_pdf", kaputt)
    client = client_as("koordination")
    data = {"gremium": gremium.pk, "period_start": VON, "period_end": BIS,
            "sections": ["zusammenfassung"]}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("netzwerk:bericht-list"), data)
    assert response.status_code == 302  # the request that asked for it does not fail
    bericht = Sachstandsbericht.objects.get()
    assert (bericht.status, bericht.file.name, bericht.sha256) == ("fehler", "", "")
    assert "Schrift fehlt" in bericht.error

    page = client.get(bericht.get_absolute_url())
    assert "konnte nicht erstellt werden" in page.content.decode()
    assert "Noch einmal versuchen" in page.content.decode()
    assert client.get(reverse("netzwerk:bericht-download", args=[1])).status_code == 404

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("netzwerk:bericht-retry", args=[1]))
    bericht.refresh_from_db()
    assert bericht.status == "fertig" and bericht.attempts == 2
    response = client.get(reverse("netzwerk:bericht-download", args=[1]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_file_written_before_a_failure_is_removed_not_offered(welt, gremium, monkeypatch):
    bericht = Sachstandsbericht.objects.create(
        nummer=1, gremium=gremium, period_start=VON, period_end=BIS, sections=["zusammenfassung"]
    )
    written, step = [], services._step

    def save(name, content, **kwargs):
        written.append(default_storage.__class__.save(default_storage, name, content, **kwargs))
        return written[-1]

    def step_then_someone_else_changes_the_row(bericht, key):
        step(bericht, key)
        if key == "ablage":
            Sachstandsbericht.objects.filter(pk=bericht.pk).update(status="wartet")

    monkeypatch.setattr(default_storage, "save", save)
    monkeypatch.setattr(services, "_step", step_then_someone_else_changes_the_row)
    assert services.bericht_render(bericht_id=bericht.pk) == "fehler"
    assert written and not default_storage.exists(written[0])
    bericht.refresh_from_db()
    assert bericht.file.name == "" and bericht.sha256 == ""


def _fertig(
    gremium, nummer: int, inhalt: bytes = b"%PDF-1.7 Bericht", oeffentlich: bool = False
) -> Sachstandsbericht:
    """A finished report without rendering (for rights and links): a file and its checksum."""
    name = default_storage.save(f"berichte/test-{nummer}.pdf", ContentFile(inhalt))
    return Sachstandsbericht.objects.create(
        nummer=nummer, gremium=gremium, period_start=VON, period_end=BIS, sections=ALLE,
        status="fertig", file=name, sha256=hashlib.sha256(inhalt).hexdigest(), size=len(inhalt),
        pages=1, stand=timezone.now(), oeffentlich=oeffentlich,
    )  # fmt: skip


def test_a_committee_member_sees_their_committees_reports_only(welt, gremium, client_as):
    anderes = Gremium.objects.create(name="Integrationsrat", slug="ir")
    eigener, fremder = _fertig(gremium, 1), _fertig(anderes, 2)
    client = client_as("gremium")
    dashboard = client.get(reverse("netzwerk:dashboard")).content.decode()
    assert reverse("netzwerk:bericht-download", args=[1]) in dashboard
    assert reverse("netzwerk:bericht-download", args=[2]) not in dashboard
    liste = client.get(reverse("netzwerk:bericht-list")).content.decode()
    assert "Jugendhilfeausschuss" in liste and "Integrationsrat" not in liste
    assert client.get(eigener.get_absolute_url()).status_code == 200
    assert client.get(reverse("netzwerk:bericht-download", args=[1])).content.startswith(b"%PDF")
    assert client.get(fremder.get_absolute_url()).status_code == 404
    assert client.get(reverse("netzwerk:bericht-download", args=[2])).status_code == 404
    # Neither a partner nor an approved member of no committee sees reports at all.
    for role in ["partner", "moderation"]:
        client = client_as(role)
        assert client.get(reverse("netzwerk:bericht-list")).status_code == 404
        assert client.get(reverse("netzwerk:bericht-download", args=[1])).status_code == 404
    # Only the coordination asks for reports.
    client = client_as("gremium")
    assert client.post(reverse("netzwerk:bericht-list"), {"gremium": gremium.pk}).status_code == 404
    assert client.post(reverse("netzwerk:bericht-retry", args=[1])).status_code == 404
    # A member who is no longer approved loses access.
    welt.users["gremium"].approved_at = None
    welt.users["gremium"].save()
    assert client_as("gremium").get(eigener.get_absolute_url()).status_code == 404


def test_a_file_changed_after_rendering_is_not_delivered(welt, gremium, client_as):
    bericht = _fertig(gremium, 1)
    with default_storage.open(bericht.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 gefaelscht")
    response = client_as("koordination").get(reverse("netzwerk:bericht-download", args=[1]))
    assert response.status_code == 409
    assert "Prüfsumme" in response.content.decode()


def test_a_public_link_opens_the_report_without_login_until_it_is_withdrawn(
    welt, gremium, client_as
):
    _fertig(gremium, 1, oeffentlich=True)
    _fertig(gremium, 2)  # for the committee: names drafts and members' forums
    client = client_as("koordination")
    page = client.post(reverse("netzwerk:bericht-publish", args=[2]), {"public": "1"}, follow=True)
    assert "für das Gremium geschrieben" in page.content.decode()
    assert Sachstandsbericht.objects.get(nummer=2).public_token is None
    client.post(reverse("netzwerk:bericht-publish", args=[1]), {"public": "1"})
    token = Sachstandsbericht.objects.get(nummer=1).public_token
    assert token and len(token) >= 32
    anonym = client_as("anonym")
    url = reverse("netzwerk:bericht-public", args=[token])
    assert anonym.get(url).content.startswith(b"%PDF")
    assert anonym.get(reverse("netzwerk:bericht-public", args=["x" + token])).status_code == 404
    client = client_as("koordination")
    client.post(reverse("netzwerk:bericht-publish", args=[1]), {"public": "0"})
    assert Sachstandsbericht.objects.get(nummer=1).public_token is None
    assert client_as("anonym").get(url).status_code == 404


def test_reports_are_numbered_and_earlier_ones_stay(welt, gremium, client_as):
    _fertig(gremium, 1)
    client = client_as("koordination")
    data = {
        "gremium": gremium.pk, "period_start": "2026-07-01", "period_end": "2026-09-30",
        "sections": ["zusammenfassung", "massnahmen"],
    }  # fmt: skip
    response = client.post(reverse("netzwerk:bericht-list"), data)
    assert response.status_code == 302 and response.url == reverse(
        "netzwerk:bericht-detail", args=[2]
    )
    assert list(Sachstandsbericht.objects.values_list("nummer", flat=True)) == [2, 1]
    assert Sachstandsbericht.objects.get(nummer=2).sections == ["zusammenfassung", "massnahmen"]


def test_bad_input_is_named_in_german_and_kept(welt, gremium, client_as):
    data = {"gremium": gremium.pk, "period_start": "2026-09-30", "period_end": "2026-07-01",
            "summary": "Mein Entwurf"}  # fmt: skip
    page = client_as("koordination").post(reverse("netzwerk:bericht-list"), data)
    text = page.content.decode()
    assert page.status_code == 200 and not Sachstandsbericht.objects.exists()
    assert "endet vor seinem Beginn" in text and "mindestens einen Abschnitt" in text
    assert "Mein Entwurf" in text


def test_the_report_form_offers_concepts_past_the_draft_and_not_archived(welt, gremium, client_as):
    offered = {
        status: Konzept.objects.create(title=f"Konzept {status}", slug=status, status=status)
        for status in ("entwurf", "beteiligung", "beschlussvorlage", "beschlossen")
    }
    archiviert = Konzept.objects.create(
        title="Konzept archiviert", slug="alt", status="beschlossen", archived_at=timezone.now()
    )
    client = client_as("koordination")
    page = client.get(reverse("netzwerk:bericht-list")).content.decode()
    options = set(re.findall(r'<option value="(\d+)"', page.split('name="konzept"')[1][:2000]))
    nach_dem_entwurf = ("beteiligung", "beschlussvorlage", "beschlossen")
    assert options == {str(offered[s].pk) for s in nach_dem_entwurf}
    data = {"gremium": gremium.pk, "period_start": VON.isoformat(), "period_end": BIS.isoformat(),
            "sections": ["massnahmen"]}  # fmt: skip
    for konzept in (offered["entwurf"], archiviert):
        response = client.post(reverse("netzwerk:bericht-list"), {**data, "konzept": konzept.pk})
        assert "einen Entwurf nennt der Bericht nicht" in response.content.decode()
    assert not Sachstandsbericht.objects.exists()


def test_a_report_is_claimed_once_so_a_second_delivery_renders_nothing(welt, gremium):
    bericht = Sachstandsbericht.objects.create(
        nummer=1, gremium=gremium, period_start=VON, period_end=BIS, sections=["zusammenfassung"]
    )
    assert services.bericht_render(bericht_id=bericht.pk) == "fertig"
    first = Sachstandsbericht.objects.get().sha256
    assert services.bericht_render(bericht_id=bericht.pk) == "nichts zu tun"
    assert services.bericht_retry(bericht=bericht) is False  # finished: stays as it is
    assert Sachstandsbericht.objects.get().sha256 == first


def test_the_default_period_is_the_last_full_quarter():
    assert services.standard_zeitraum(date(2026, 11, 23)) == (date(2026, 7, 1), date(2026, 9, 30))
    assert services.standard_zeitraum(date(2026, 1, 5)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_a_member_of_several_committees_gets_each_report_once(welt, gremium, client_as):
    other = Gremium.objects.create(name="Steuerungsgruppe", slug="sg")
    other.members.add(welt.users["gremium"], UserFactory())
    _fertig(gremium, 1)
    _fertig(other, 2)
    liste = client_as("gremium").get(reverse("netzwerk:bericht-list")).content.decode()
    assert liste.count("Bericht Nr. 1 herunterladen") == 1
    assert liste.count("Bericht Nr. 2 herunterladen") == 1


def test_the_polling_page_gets_nothing_until_the_state_changes_then_the_news(
    welt, gremium, client_as
):
    bericht = Sachstandsbericht.objects.create(
        nummer=1, gremium=gremium, period_start=VON, period_end=BIS, sections=ALLE,
        status="laeuft", step="satz",
    )  # fmt: skip
    client = client_as("koordination")
    url = bericht.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Schritt 2 von 3: PDF wird gesetzt" in page and "?stand=laeuft-satz" in page
    same = client.get(url, {"stand": "laeuft-satz"}, headers={"HX-Request": "true"})
    assert same.status_code == 204 and same.content == b""
    Sachstandsbericht.objects.filter(pk=bericht.pk).update(step="ablage")
    news = client.get(url, {"stand": "laeuft-satz"}, headers={"HX-Request": "true"})
    text = news.content.decode()
    assert news.status_code == 200 and "Schritt 3 von 3" in text
    assert 'id="bericht-ansage" data-hx-swap-oob="innerHTML">Datei wird gespeichert<' in text


def test_a_report_whose_worker_died_offers_a_retry_to_the_polling_page(welt, gremium, client_as):
    lange_her = timezone.now() - services.HAENGT_NACH - timedelta(minutes=1)
    bericht = Sachstandsbericht.objects.create(
        nummer=1, gremium=gremium, period_start=VON, period_end=BIS, sections=ALLE,
        status="laeuft", step="satz", started_at=lange_her, created_at=lange_her,
    )  # fmt: skip
    client = client_as("koordination")
    news = client.get(
        bericht.get_absolute_url(), {"stand": "laeuft-satz"}, headers={"HX-Request": "true"}
    )
    assert news.status_code == 200 and "Noch einmal versuchen" in news.content.decode()
    assert services.bericht_retry(bericht=bericht) is True
    bericht.refresh_from_db()
    assert (bericht.status, bericht.started_at, bericht.created_at) == ("wartet", None, lange_her)
    # Handed over again just now: not hanging, no second button yet.
    assert "Noch einmal versuchen" not in client.get(bericht.get_absolute_url()).content.decode()


def test_overlapping_renders_leave_the_collector_as_it_was():
    """Two renders in threads, the first ending while the second runs (the order that would
    leave a saved-and-restored threshold at the raised value)."""
    import gc

    before = gc.get_threshold()
    first, second = pdf._seltener_aufraeumen(), pdf._seltener_aufraeumen()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == 50_000  # the second still renders
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Nebenläufigkeit auf PostgreSQL.")
def test_two_coordinators_asking_at_once_get_two_numbers(welt, gremium, monkeypatch):
    """Both read the same highest number; the second insert then fails on the unique number and
    takes the next one. Fails without the retry in bericht_create."""
    import threading

    barrier, first_try = threading.Barrier(2, timeout=10), threading.local()
    create = Sachstandsbericht.objects.create

    def create_after_both_counted(**kwargs):
        if not getattr(first_try, "done", False):
            first_try.done = True
            barrier.wait()  # both have counted before either inserts
        return create(**kwargs)

    monkeypatch.setattr(Sachstandsbericht.objects, "create", create_after_both_counted)
    monkeypatch.setattr(services, "_dispatch", lambda bericht: None)
    results, errors = [], []

    def ask():
        try:
            results.append(_create(welt, gremium, sections=["zusammenfassung"]).nummer)
        except Exception as error:  # noqa: BLE001 - collected and checked below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(results) == [1, 2]


def test_the_report_list_needs_as_many_queries_for_20_reports_as_for_2(welt, gremium, client_as):

    def queries(role: str) -> int:
        client = client_as(role)
        client.get(reverse("netzwerk:bericht-list"))  # warm: session, permissions
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("netzwerk:bericht-list")).status_code == 200
            assert client.get(reverse("netzwerk:dashboard")).status_code == 200
        return len(captured)

    for nummer in (1, 2):
        _fertig(gremium, nummer)
    few = {role: queries(role) for role in ("koordination", "gremium")}
    for nummer in range(3, 21):
        _fertig(gremium, nummer)
    assert {role: queries(role) for role in ("koordination", "gremium")} == few


def test_a_committee_report_leaves_out_the_measures_of_drafts_and_archived_concepts(welt):
    from netzwerk.berichte import inhalt

    def konzept(slug, **extra):
        k = Konzept.objects.create(title=slug, slug=slug, **extra)
        ziel = Ziel.objects.create(
            schwerpunkt=Handlungsschwerpunkt.objects.create(konzept=k, title="S"), title="Z"
        )
        Massnahme.objects.create(ziel=ziel, title=f"Maßnahme {slug}", status="in_umsetzung")

    konzept("entwurf")
    konzept("alt", status=Konzept.Status.BESCHLOSSEN, archived_at=timezone.now())
    konzept("geltend", status=Konzept.Status.BESCHLOSSEN)
    bericht = Sachstandsbericht(nummer=9, konzept=None, oeffentlich=False)
    now = timezone.now()
    zeitraum = inhalt.Zeitraum(now.date() - timedelta(days=90), now.date())
    titel = str(inhalt._massnahmen(bericht, zeitraum, now)) + str(
        inhalt._ausblick(bericht, zeitraum, now)
    )
    assert "Maßnahme geltend" in titel
    assert "Maßnahme entwurf" not in titel and "Maßnahme alt" not in titel
