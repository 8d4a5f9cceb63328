"""The printed family guide: ordered, rendered through the real task as a tagged PDF, downloaded
against its checksum, and claimed once however many workers get the task."""

import hashlib
import io
import re
import threading
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from akteure import heft as hefte
from akteure import services
from akteure.models import Einwilligung, Person, Wegweiserheft
from akteure.selectors import betroffene_for
from netzwerk import datenschutz
from netzwerk.models import Lebensphase, Sozialraum

from ..factories import AngebotFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db
Status = Wegweiserheft.Status


class Stadt:
    pass


@pytest.fixture
def stadt(welt):
    """Two districts, three life phases (in this order), and offers that test every rule: one in
    two phases, contacts with, without and with withdrawn consent, an internal offer, one hidden
    as long outdated and one only marked as outdated."""
    s = Stadt()
    now = timezone.now()
    s.nord = Sozialraum.objects.create(name="Heft-Nord", slug="heft-nord", position=1)
    s.sued = Sozialraum.objects.create(name="Heft-Süd", slug="heft-sued", position=2)
    s.krippe, s.kita, s.schule = (
        Lebensphase.objects.create(name=name, slug=slug, position=90 + i)
        for i, (name, slug) in enumerate(
            [("Heft-Krippe", "heft-krippe"), ("Heft-Kita", "heft-kita"),
             ("Heft-Schule", "heft-schule")]
        )
    )  # fmt: skip
    nord_org = OrganisationFactory(
        name="Familienzentrum Nord", sozialraum=s.nord, phone="0241 111222",
        street="Lindenweg 3", postcode="52062", city="Musterstadt",
    )  # fmt: skip
    ohne = PersonFactory(organisation=nord_org, first_name="Olga", last_name="Ohnezustimmung")
    mit = PersonFactory(organisation=nord_org, first_name="Karla", last_name="Zustimmung")
    Einwilligung.objects.create(person=mit, purpose="verzeichnis", method="formular")
    widerruf = PersonFactory(organisation=nord_org, first_name="Wilma", last_name="Widerruf")
    Einwilligung.objects.create(
        person=widerruf, purpose="verzeichnis", method="formular", withdrawn_at=now
    )
    s.krabbel = AngebotFactory(
        organisation=nord_org, title="Krabbelgruppe Nord", sozialraum=s.nord, contact=ohne,
        lebensphasen=[s.kita, s.krippe],
    )  # fmt: skip
    s.lesen = AngebotFactory(
        organisation=nord_org,
        title="Lesepaten Nord",
        contact=mit,
        lebensphasen=[s.schule],
        confirmed_at=now - timedelta(days=3),
    )  # fmt: skip  (no district of its own: its organisation's, Nord)
    AngebotFactory(
        organisation=nord_org, title="Elterncafé Nord", sozialraum=s.nord, contact=widerruf,
        lebensphasen=[s.kita],
    )  # fmt: skip
    s.sprachcafe = AngebotFactory(
        organisation=OrganisationFactory(name="Verein Süd"), title="Sprachcafé Süd",
        sozialraum=s.sued, lebensphasen=[s.kita],
    )  # fmt: skip
    AngebotFactory(
        organisation=nord_org, title="Internes Fallgespräch", sozialraum=s.nord, is_public=False,
        lebensphasen=[s.kita],
    )  # fmt: skip
    AngebotFactory(
        organisation=nord_org, title="Uraltes Angebot", sozialraum=s.nord, lebensphasen=[s.kita],
        confirmed_at=hefte.ausgeblendet_vor(now) - timedelta(days=1),
    )  # fmt: skip
    AngebotFactory(
        organisation=nord_org, title="Etwas älteres Angebot", sozialraum=s.nord,
        lebensphasen=[s.schule], confirmed_at=now - timedelta(days=400),
    )  # fmt: skip
    return s


def _bestellen(welt, sozialraum, capture) -> Wegweiserheft:
    with capture(execute=True):  # the task runs in-process (CELERY_TASK_ALWAYS_EAGER)
        heft = hefte.heft_bestellen(user=welt.users["koordination"], sozialraum=sozialraum)
    heft.refresh_from_db()
    assert heft.status == Status.FERTIG, heft.fehler
    return heft


def _seiten(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _inhalt(seiten: list[str]) -> dict[str, int]:
    """The table of contents: entry -> page number."""
    return {
        name.strip(): int(page)
        for name, page in re.findall(r"^(.+?) \.{3,}\s*(\d+)$", seiten[1], re.MULTILINE)
    }


def test_the_whole_towns_booklet_is_a_tagged_pdf_grouped_by_life_phase(
    welt, stadt, django_capture_on_commit_callbacks
):
    heft = _bestellen(welt, None, django_capture_on_commit_callbacks)
    content = hefte.heft_datei(heft)
    assert hashlib.sha256(content).hexdigest() == heft.sha256
    reader = PdfReader(io.BytesIO(content))
    assert heft.seiten == len(reader.pages) and heft.datei.name.startswith("wegweiser/")
    # Krabbelgruppe, Lesepaten, Elterncafé, Sprachcafé, Etwas älteres, and the welt's Sprachspiele.
    assert heft.angebote == 6
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "de"
    assert b'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data()
    assert reader.metadata.title.startswith("Familienwegweiser: ganze Stadt")

    seiten = _seiten(content)
    text = "\n".join(seiten)
    flach = text.replace("\n", "")
    inhalt = _inhalt(seiten)
    # The chapters in the vocabulary's order, each on the page the contents name; an offer
    # without a phase comes last, under "Für alle Lebensphasen"; then the map.
    kapitel = [k for k in inhalt if k.startswith("Heft-") or k == "Für alle Lebensphasen"]
    assert kapitel == ["Heft-Krippe", "Heft-Kita", "Heft-Schule", "Für alle Lebensphasen"]
    assert "Karte der Sozialräume" in inhalt

    def kapiteltext(name: str) -> str:
        start = inhalt[name]
        ende = min([p for p in inhalt.values() if p > start], default=len(seiten) + 1)
        return "\n".join(seiten[start - 1 : ende - 1])

    assert "Krabbelgruppe Nord" in kapiteltext("Heft-Krippe")
    kita = kapiteltext("Heft-Kita")
    assert "Sprachcafé Süd" in kita and "Elterncafé Nord" in kita
    # The offer for two phases is printed once, under its first; the second refers to its page.
    verweis = re.search(r"Krabbelgruppe Nord \(Familienzentrum Nord\), Seite (\d+)", kita)
    assert verweis and "Krabbelgruppe Nord" in seiten[int(verweis[1]) - 1]
    assert int(verweis[1]) < inhalt["Heft-Kita"]
    assert text.count("zuletzt bestätigt am") == 6
    assert "Lesepaten Nord" in kapiteltext("Heft-Schule")
    assert "Sprachspiele" in kapiteltext("Für alle Lebensphasen")
    assert f"zuletzt bestätigt am {timezone.localtime(stadt.lesen.confirmed_at):%d.%m.%Y}" in text
    assert "länger nicht bestätigt" in kapiteltext("Heft-Schule")  # the 400 days old one
    assert f"Stand: {timezone.localdate():%d.%m.%Y}" in text

    # Each offer's guide page, printed and linked (the QR code encodes the same address).
    url = hefte.angebot_url(stadt.sprachcafe)
    assert url.endswith(f"/wegweiser/{stadt.sprachcafe.uuid}/") and url in flach
    links = {
        a.get_object()["/A"].get("/URI")
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    }
    assert url in links and hefte.angebot_url(stadt.krabbel) in links
    qr_alt = f"QR-Code zur Seite des Angebots: {url}"
    assert qr_alt.encode() in _struktur_alt(reader)

    # Contacts only with consent; the organisation's own number is fine.
    assert "Karla Zustimmung" in text
    assert "Ohnezustimmung" not in text and "Widerruf" not in text
    assert "0241 111222" in text
    # Only what the public guide shows.
    for verborgen in ["Internes Fallgespräch", "Fallbesprechung", "Uraltes Angebot"]:
        assert verborgen not in text, verborgen


def _struktur_alt(reader: PdfReader) -> bytes:
    """Every /Alt text of the structure tree (the QR codes' and the map's text alternatives)."""
    found = []

    def walk(node, depth=0):
        node = node.get_object()
        if depth > 50:
            return
        if isinstance(node, dict):
            if "/Alt" in node:
                found.append(str(node["/Alt"]).encode())
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object") or isinstance(kid, dict | list):
                        walk(kid, depth + 1)
        elif isinstance(node, list):
            for kid in node:
                walk(kid, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return b"\n".join(found)


def test_a_districts_booklet_has_its_offers_only(welt, stadt, django_capture_on_commit_callbacks):
    heft = _bestellen(welt, stadt.nord, django_capture_on_commit_callbacks)
    text = "\n".join(_seiten(hefte.heft_datei(heft)))
    assert heft.angebote == 4
    # Lesepaten names no district: its organisation's counts.
    for title in ["Krabbelgruppe Nord", "Lesepaten Nord", "Elterncafé Nord"]:
        assert title in text
    assert "Sprachcafé Süd" not in text and "Sprachspiele" not in text
    assert "FAMILIENWEGWEISER\nHeft-Nord" in text  # the title page (CSS capitals)
    assert "Für alle Lebensphasen" not in text  # no chapter without offers
    assert heft.datei.name.startswith("wegweiser/wegweiser-heft-nord-")


def test_the_newest_booklet_is_public_older_ones_are_the_coordinations(
    welt, stadt, client_as, django_capture_on_commit_callbacks
):
    alt = _bestellen(welt, None, django_capture_on_commit_callbacks)
    neu = _bestellen(welt, None, django_capture_on_commit_callbacks)
    nord = _bestellen(welt, stadt.nord, django_capture_on_commit_callbacks)
    for heft in (neu, nord):  # the newest of each scope: anyone, without login
        response = client_as("anonym").get(reverse("akteure:heft-download", args=[heft.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert hashlib.sha256(response.content).hexdigest() == heft.sha256
    url = reverse("akteure:heft-download", args=[alt.pk])
    assert client_as("anonym").get(url).status_code == 302  # to the login
    assert client_as("partner").get(url).status_code == 404
    assert client_as("koordination").get(url).status_code == 200
    assert hefte.heft_aktuell(None) == neu and hefte.heft_aktuell(stadt.nord) == nord
    assert hefte.heft_aktuell(stadt.sued) is None


def test_a_file_changed_after_rendering_is_not_delivered(
    welt, stadt, client_as, django_capture_on_commit_callbacks
):
    heft = _bestellen(welt, None, django_capture_on_commit_callbacks)
    default_storage.delete(heft.datei.name)
    default_storage.save(heft.datei.name, ContentFile(b"%PDF-1.7 fremd"))
    response = client_as("anonym").get(reverse("akteure:heft-download", args=[heft.pk]))
    assert response.status_code == 409
    assert "Prüfsumme" in response.content.decode()


def test_a_waiting_booklet_offers_nothing_to_download(welt, client_as):
    heft = Wegweiserheft.objects.create()
    url = reverse("akteure:heft-download", args=[heft.pk])
    assert client_as("koordination").get(url).status_code == 404


def test_a_booklet_is_claimed_once_so_a_second_delivery_renders_nothing(welt, stadt):
    heft = Wegweiserheft.objects.create(sozialraum=stadt.sued)
    assert hefte.heft_rendern(heft.pk) == "fertig"
    assert hefte.heft_rendern(heft.pk) == "nichts zu tun"
    heft.refresh_from_db()
    assert hefte.heft_wiederholen(heft=heft) is False  # finished: stays as it is


def test_a_failed_rendering_keeps_no_file_shows_its_error_and_can_be_retried(
    welt, stadt, client_as, monkeypatch, django_capture_on_commit_callbacks
):
    from netzwerk import pdf

    def kaputt(*args, **kwargs):
        raise RuntimeError("Schrift fehlt")

    with monkeypatch.context() as m:
        m.setattr(pdf, "render_pdf", kaputt)
        with django_capture_on_commit_callbacks(execute=True):
            heft = hefte.heft_bestellen(user=welt.users["koordination"], sozialraum=None)
    heft.refresh_from_db()
    assert heft.status == Status.FEHLER and not heft.datei and "Schrift fehlt" in heft.fehler
    client = client_as("koordination")
    page = client.get(reverse("akteure:heft-detail", args=[heft.pk])).content.decode()
    assert "konnte nicht erstellt werden" in page and "Noch einmal versuchen" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("akteure:heft-retry", args=[heft.pk]))
    assert response.status_code == 302
    heft.refresh_from_db()
    assert heft.status == Status.FERTIG and heft.fehler == ""


def test_a_booklet_whose_worker_died_can_be_started_again(welt, stadt):
    lange_her = timezone.now() - hefte.HAENGT_NACH - timedelta(minutes=1)
    heft = Wegweiserheft.objects.create(status=Status.LAEUFT, started_at=lange_her)
    assert hefte.heft_haengt(heft)
    frisch = Wegweiserheft.objects.create(status=Status.LAEUFT, started_at=timezone.now())
    assert hefte.heft_wiederholen(heft=frisch) is False
    assert hefte.heft_wiederholen(heft=heft) is True  # eager: rendered on commit (none here)
    heft.refresh_from_db()
    assert heft.status == Status.WARTET and heft.started_at is None
    # The dead worker's attempt, waking up, no longer owns the row: nothing it writes counts.
    assert hefte.heft_rendern(heft.pk) == "fertig"


def test_the_coordination_orders_and_the_status_page_polls_until_it_changes(
    welt, stadt, client_as, django_capture_on_commit_callbacks
):
    client = client_as("koordination")
    page = client.get(reverse("akteure:heft-list")).content.decode()
    assert "Heft-Nord" in page and "die ganze Stadt" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("akteure:heft-list"), {"sozialraum": stadt.nord.pk})
    heft = Wegweiserheft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "akteure:heft-detail", args=[heft.pk]
    )
    assert heft.sozialraum == stadt.nord and heft.created_by == welt.users["koordination"]
    assert heft.status == Status.FERTIG
    url = reverse("akteure:heft-detail", args=[heft.pk])
    page = client.get(url, follow=True).content.decode()
    # (Rendered on the commit after the view answered: its message still said "wird erstellt".)
    assert "Heft herunterladen (PDF)" in page and heft.sha256 in page
    assert "ohne Anmeldung abrufbar" in page
    htmx = {"HTTP_HX_REQUEST": "true"}
    assert client.get(url, {"stand": "fertig"}, **htmx).status_code == 204
    news = client.get(url, {"stand": "laeuft"}, **htmx)
    assert news.status_code == 200 and 'id="heft-ansage"' in news.content.decode()
    # A waiting one polls; the finished one does not.
    wartet = Wegweiserheft.objects.create()
    assert (
        'data-hx-trigger="every 1s"'
        in client.get(reverse("akteure:heft-detail", args=[wartet.pk])).content.decode()
    )
    assert 'hx-trigger="every 1s"' not in page  # data-hx-trigger neither
    # The coordination's dropdown and dashboard lead here.
    assert (
        reverse("akteure:heft-list") in client.get(reverse("netzwerk:dashboard")).content.decode()
    )


def test_deleting_a_booklet_removes_its_file(
    welt, stadt, client_as, django_capture_on_commit_callbacks
):
    heft = _bestellen(welt, stadt.sued, django_capture_on_commit_callbacks)
    name = heft.datei.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("koordination").post(reverse("akteure:heft-delete", args=[heft.pk]))
    assert response.status_code == 302
    assert not Wegweiserheft.objects.exists() and not default_storage.exists(name)


def test_withdrawn_consent_replaces_every_booklet_that_names_the_contact(
    welt, stadt, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    alt = _bestellen(welt, stadt.nord, capture)  # an older edition: the coordination's archive
    neu = _bestellen(welt, stadt.nord, capture)  # the public one
    sued = _bestellen(welt, stadt.sued, capture)  # names nobody
    karla = Person.objects.get(last_name="Zustimmung")
    assert alt.kontakte == neu.kontakte == [karla.pk] and sued.kontakte == []
    assert "Karla Zustimmung" in "\n".join(_seiten(hefte.heft_datei(neu)))
    dateien = [alt.datei.name, neu.datei.name]
    with capture(execute=True):
        services.einwilligung_withdraw(einwilligung=karla.einwilligungen.get())
    assert not Wegweiserheft.objects.filter(pk__in=[alt.pk, neu.pk]).exists()
    assert not any(default_storage.exists(name) for name in dateien)
    ersatz = hefte.heft_aktuell(stadt.nord)
    assert ersatz.status == Status.FERTIG and ersatz.kontakte == []
    assert ersatz.created_by == welt.users["koordination"]  # in the name of the old order
    text = "\n".join(_seiten(hefte.heft_datei(ersatz)))
    assert "Lesepaten Nord" in text and "Zustimmung" not in text
    assert list(Wegweiserheft.objects.exclude(pk=ersatz.pk)) == [sued]


def test_erasing_a_contact_deletes_the_booklets_naming_her_and_keeps_the_orders(
    welt, stadt, django_capture_on_commit_callbacks
):
    karla = Person.objects.get(last_name="Zustimmung")
    now = timezone.now()

    def fertig(kontakte, alter, **kwargs):
        name = default_storage.save("wegweiser/test.pdf", ContentFile(b"%PDF-1.7"))
        return Wegweiserheft.objects.create(
            status=Status.FERTIG, datei=name, kontakte=kontakte, sozialraum=stadt.nord,
            finished_at=now - timedelta(days=alter), **kwargs,
        )  # fmt: skip

    genannt = fertig([karla.pk], alter=30)
    # The public edition no longer names her: nothing is ordered again.
    ohne = fertig([], alter=1)
    plan = datenschutz.plan(betroffene_for(person=karla))  # the confirmation page's counts
    assert {s.datenart.model: s.anzahl for s in plan}[Wegweiserheft] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.person_erase(person=karla)
    assert not Wegweiserheft.objects.filter(pk=genannt.pk).exists()
    assert not default_storage.exists(genannt.datei.name)
    assert list(Wegweiserheft.objects.all()) == [ohne]


def test_the_list_needs_as_many_queries_for_12_booklets_as_for_2(welt, client_as):
    client = client_as("koordination")
    nord = Sozialraum.objects.create(name="Heft-Nord", slug="heft-nord")

    def zaehlen() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("akteure:heft-list")).status_code == 200
        return len(queries)

    for sozialraum in (None, nord):
        Wegweiserheft.objects.create(sozialraum=sozialraum, created_by=welt.users["koordination"])
    zwei = zaehlen()
    for i in range(10):
        Wegweiserheft.objects.create(
            sozialraum=nord if i % 2 else None, status=Status.FERTIG,
            finished_at=timezone.now(), created_by=welt.users["partner"],
        )  # fmt: skip
    assert zaehlen() == zwei


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_render_the_booklet_once(monkeypatch):
    """Both workers start the same booklet at the same moment. The conditional UPDATE lets one
    have it; the other finds it taken. Without it, both reach the renderer: the spy waits for a
    second one, so the count is 2 and the test fails."""
    if connection.vendor != "postgresql":
        pytest.skip("Nebenläufige Worker brauchen PostgreSQL (DATABASE_URL).")
    from netzwerk import pdf

    AngebotFactory(title="Krabbelgruppe")
    heft = Wegweiserheft.objects.create()
    real = pdf.render_pdf
    calls, zweiter = [], threading.Event()

    def spy(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            zweiter.set()
        zweiter.wait(timeout=3)  # a second renderer, if there is one, arrives meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", spy)
    barrier, results, errors = threading.Barrier(2, timeout=10), [], []

    def worker():
        try:
            barrier.wait()
            results.append(hefte.heft_rendern(heft.pk))
        except Exception as error:  # noqa: BLE001 - collected and checked below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(calls) == 1 and sorted(results) == ["fertig", "nichts zu tun"]
    heft.refresh_from_db()
    assert heft.status == Status.FERTIG and default_storage.exists(heft.datei.name)
