"""After an event: minutes per event and working group (sanitised Markdown, checked documents),
read by whoever may see the event; attendance figures for the managers, and their export."""

import csv
import io
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from konferenzen import selectors
from konferenzen.models import (
    Anmeldung,
    Arbeitsgruppe,
    Einladung,
    Protokoll,
    Protokolldokument,
    Veranstaltung,
)
from netzwerk.models import Lebensphase

from ..factories import AngebotFactory, OrganisationFactory, OrganisationstypFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _event(welt, *, visibility="public", days=-1, forum=None) -> Veranstaltung:
    start = timezone.now() + timedelta(days=days)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Präventionskonferenz", start=start,
        end=start + timedelta(hours=4), visibility=visibility,
        forum=welt.forum_members if forum is None else forum,
    )  # fmt: skip
    Arbeitsgruppe.objects.create(veranstaltung=event, name="Kinderarmut")
    return event


def _page(event) -> str:
    return reverse("konferenzen:nachbereitung", args=[event.pk])


def _save_text(client, event, text, *, abschnitt="veranstaltung", stand=None):
    data = {"abschnitt": abschnitt, "aktion": "text", f"{abschnitt}-text": text}
    if stand is not None:
        data[f"{abschnitt}-stand"] = stand
    return client.post(_page(event), data)


def _upload(client, event, name, content, *, abschnitt="veranstaltung"):
    return client.post(
        _page(event),
        {
            "abschnitt": abschnitt,
            "aktion": "datei",
            f"{abschnitt}-datei-datei": SimpleUploadedFile(name, content, "application/pdf"),
        },
    )


# --- Minutes -----------------------------------------------------------------------------------
def test_minutes_are_rendered_as_markdown_without_script_or_javascript_links(client_as, welt):
    event = _event(welt)
    text = (
        "## Ergebnisse\n\n**Drei Lotsen** für die Kitas.\n\n<script>alert('x')</script>\n\n"
        "[Mehr](javascript:alert('y')) und <img src=x onerror=alert('z')>"
    )
    response = _save_text(client_as("koordination"), event, text)
    assert response.status_code == 302
    assert response["Location"].endswith("#protokoll-veranstaltung")
    page = client_as("anonym").get(event.get_absolute_url()).content.decode()
    assert "<h3>Ergebnisse</h3>" in page and "<strong>Drei Lotsen</strong>" in page
    assert "<script>alert" not in page
    assert "javascript:" not in page
    assert "<img src=x" not in page and "&lt;img src=x onerror" in page, "typed HTML is text"


def test_minutes_of_a_working_group_appear_under_its_name(client_as, welt):
    event = _event(welt)
    gruppe = event.arbeitsgruppen.get()
    response = _save_text(
        client_as("moderation"), event, "Idee: Sozialpass", abschnitt=f"ag{gruppe.pk}"
    )
    assert response.status_code == 302
    protokoll = Protokoll.objects.get()
    assert protokoll.arbeitsgruppe == gruppe and protokoll.updated_by == welt.users["moderation"]
    page = client_as("anonym").get(event.get_absolute_url()).content.decode()
    assert "Arbeitsgruppe „Kinderarmut“" in page and "Idee: Sozialpass" in page


def test_nothing_written_shows_no_minutes_section(client_as, welt):
    event = _event(welt)
    Protokoll.objects.create(veranstaltung=event, text="")
    page = client_as("anonym").get(event.get_absolute_url()).content.decode()
    assert "Protokoll und Ergebnisse" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [("partner", 404), ("gremium", 404), ("wartend", 404), ("moderation", 200),
     ("koordination", 200)],
)  # fmt: skip
def test_only_those_who_manage_the_event_open_the_page(client_as, welt, role, status):
    event = _event(welt)
    assert client_as(role).get(_page(event)).status_code == status


def test_a_partner_cannot_write_minutes_and_the_public_is_sent_to_log_in(client_as, welt):
    event = _event(welt)
    assert _save_text(client_as("partner"), event, "Fremder Text").status_code == 404
    response = _save_text(client_as("anonym"), event, "Fremder Text")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Protokoll.objects.exists()


def test_the_moderator_of_another_forum_does_not_manage_the_event(client_as, welt):
    event = _event(welt, forum=welt.forum_other)
    assert client_as("moderation").get(_page(event)).status_code == 404


def test_a_save_from_an_outdated_page_keeps_both_texts(client_as, welt):
    event = _event(welt)
    client = client_as("koordination")
    page = client.get(_page(event)).content.decode()
    assert 'name="veranstaltung-stand"' in page
    from konferenzen.nachbereitung import protokoll_save, stand

    opened = stand("")
    protokoll_save(veranstaltung=event, text="Fassung der Moderation", by=welt.users["moderation"])
    response = _save_text(client, event, "Meine Fassung", stand=opened)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Während Sie geschrieben haben" in html
    assert "Meine Fassung</textarea>" in html, "what was typed stays in the field"
    assert Protokoll.objects.get().text == "Fassung der Moderation"
    again = _save_text(client, event, "Zusammengeführt", stand=stand("Fassung der Moderation"))
    assert again.status_code == 302
    assert Protokoll.objects.get().text == "Zusammengeführt"


# --- Documents ---------------------------------------------------------------------------------
def test_a_document_is_stored_by_its_content_and_listed_on_the_event_page(client_as, welt):
    event = _event(welt)
    response = _upload(client_as("koordination"), event, "ergebnisse.pdf", PDF)
    assert response.status_code == 302
    dokument = Protokolldokument.objects.get()
    assert dokument.content_type == "application/pdf" and dokument.filename == "ergebnisse.pdf"
    assert not dokument.file.name.endswith("ergebnisse.pdf"), "the stored name is the portal's"
    page = client_as("anonym").get(event.get_absolute_url()).content.decode()
    url = reverse("konferenzen:protokoll-dokument", args=[event.pk, dokument.pk])
    assert url in page and "ergebnisse.pdf" in page
    download = client_as("anonym").get(url)
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Security-Policy"] == "sandbox"
    assert "no-store" in download["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("seite.pdf", b"<html><script>alert(1)</script></html>", "keine PDF-, Word-"),
        ("bild.pdf", PNG, "Der Dateiname endet nicht auf das, was die Datei enthält (PNG)"),
    ],
)
def test_other_files_are_refused_with_a_german_message(client_as, welt, name, content, message):
    event = _event(welt)
    response = _upload(client_as("koordination"), event, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Protokolldokument.objects.exists()


def test_files_over_the_forum_limit_are_refused(client_as, welt, settings):
    settings.FOREN_DOKUMENT_MAX_BYTES = 1_000_000
    event = _event(welt)
    response = _upload(client_as("koordination"), event, "gross.pdf", PDF + b"0" * 1_500_000)
    assert "erlaubt sind höchstens 1 MB" in response.content.decode()
    assert not Protokolldokument.objects.exists()


def test_the_download_needs_the_right_to_read_the_event(client_as, welt):
    event = _event(welt, visibility="members")
    _upload(client_as("koordination"), event, "intern.pdf", PDF)
    url = reverse(
        "konferenzen:protokoll-dokument", args=[event.pk, Protokolldokument.objects.get().pk]
    )
    assert client_as("anonym").get(url).status_code == 404
    assert client_as("wartend").get(url).status_code == 404
    assert client_as("partner").get(url).status_code == 200
    other = _event(welt)
    wrong = reverse(
        "konferenzen:protokoll-dokument", args=[other.pk, Protokolldokument.objects.get().pk]
    )
    assert client_as("partner").get(wrong).status_code == 404, "a document under another event"


def test_minutes_of_an_invited_only_event_stay_with_the_invited(client_as, welt):
    event = _event(welt, visibility="invited")
    _save_text(client_as("koordination"), event, "Vertrauliche Ergebnisse")
    _upload(client_as("koordination"), event, "vertraulich.pdf", PDF)
    url = reverse(
        "konferenzen:protokoll-dokument", args=[event.pk, Protokolldokument.objects.get().pk]
    )
    for role in ("anonym", "partner", "gremium"):
        client = client_as(role)
        assert client.get(event.get_absolute_url()).status_code == 404, role
        assert client.get(url).status_code == 404, role
    Einladung.objects.create(veranstaltung=event, email=welt.users["partner"].email)
    client = client_as("partner")
    assert "Vertrauliche Ergebnisse" in client.get(event.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 200


def test_a_manager_deletes_a_document_with_its_file(
    client_as, welt, django_capture_on_commit_callbacks
):
    event = _event(welt)
    _upload(client_as("koordination"), event, "falsch.pdf", PDF)
    dokument = Protokolldokument.objects.get()
    path = dokument.file.path
    url = reverse("konferenzen:protokoll-dokument-delete", args=[event.pk, dokument.pk])
    assert client_as("partner").post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("moderation").post(url)
    assert response.status_code == 302
    assert not Protokolldokument.objects.exists() and not os.path.exists(path)


# --- Statistics --------------------------------------------------------------------------------
@pytest.fixture
def teilnahme(welt):
    """Kita Sonne (offers for 0-3 and 3-6, two for 3-6), Schule Mond (6-10), Kita Regen (no
    offers), and someone without an organisation, at an event that has ended."""
    event = _event(welt)
    kita = OrganisationstypFactory(name="Kita", position=1)
    schule = OrganisationstypFactory(name="Schule", position=2)
    phasen = {
        name: Lebensphase.objects.create(name=name, slug=f"p{i}", position=i)
        for i, name in enumerate(["0-3 Jahre", "3-6 Jahre", "6-10 Jahre", "10-16 Jahre"])
    }
    sonne = OrganisationFactory(name="Kita Sonne", typ=kita)
    mond = OrganisationFactory(name="Schule Mond", typ=schule)
    regen = OrganisationFactory(name="Kita Regen", typ=kita)
    AngebotFactory(organisation=sonne, lebensphasen=[phasen["0-3 Jahre"], phasen["3-6 Jahre"]])
    AngebotFactory(organisation=sonne, lebensphasen=[phasen["3-6 Jahre"]])
    AngebotFactory(organisation=mond, lebensphasen=[phasen["6-10 Jahre"]])
    for i, (organisation, status) in enumerate(
        [
            (sonne, "teilgenommen"),
            (sonne, "bestaetigt"),  # did not come
            (mond, "teilgenommen"),
            (regen, "teilgenommen"),
            (None, "teilgenommen"),
            (mond, "storniert"),
            (sonne, "warteliste"),
        ]
    ):
        Anmeldung.objects.create(
            veranstaltung=event, name=f"P{i}", email=f"p{i}@test.example",
            organisation=organisation, status=status,
        )  # fmt: skip
    return event


def _rows(gruppen) -> dict[str, tuple[int, int, int]]:
    return {g.name: (g.angemeldet, g.teilgenommen, g.anteil) for g in gruppen}


def test_the_figures_count_by_status_type_and_lebensphase(teilnahme):
    stats = selectors.teilnahme_statistik(Veranstaltung.objects.filter(pk=teilnahme.pk))
    assert (stats.angemeldet, stats.bestaetigt, stats.teilgenommen) == (7, 5, 4)
    assert (stats.nicht_erschienen, stats.warteliste, stats.storniert) == (1, 1, 1)
    assert stats.organisationen == 3
    assert [g.name for g in stats.nach_typ] == ["Kita", "Schule", "ohne Organisation"]
    assert _rows(stats.nach_typ) == {
        "Kita": (3, 2, 50),
        "Schule": (1, 1, 25),
        "ohne Organisation": (1, 1, 25),
    }
    assert _rows(stats.nach_lebensphase) == {
        "0-3 Jahre": (2, 1, 25),
        "3-6 Jahre": (2, 1, 25),  # Kita Sonne's two offers for 3-6 count its people once
        "6-10 Jahre": (1, 1, 25),
        "10-16 Jahre": (0, 0, 0),
        "nicht zugeordnet": (2, 2, 50),  # Kita Regen has no offers; one person no organisation
    }


def test_no_show_counts_only_once_the_event_has_ended(teilnahme):
    stats = selectors.teilnahme_statistik(
        Veranstaltung.objects.filter(pk=teilnahme.pk), now=teilnahme.start
    )
    assert stats.nicht_erschienen == 0 and stats.bestaetigt == 5


def test_the_figures_need_the_same_queries_for_few_or_many_registrations(teilnahme):
    events = Veranstaltung.objects.filter(pk=teilnahme.pk)
    with CaptureQueriesContext(connection) as few:
        selectors.teilnahme_statistik(events)
    typ = OrganisationstypFactory(name="Verein")
    phase = Lebensphase.objects.get(name="10-16 Jahre")
    for i in range(20):
        organisation = OrganisationFactory(typ=typ)
        AngebotFactory(organisation=organisation, lebensphasen=[phase])
        Anmeldung.objects.create(
            veranstaltung=teilnahme, name=f"M{i}", email=f"m{i}@test.example",
            organisation=organisation, status="teilgenommen",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        stats = selectors.teilnahme_statistik(events)
    assert len(few) == len(many) <= 4
    assert _rows(stats.nach_typ)["Verein"] == (20, 20, 83)


def test_the_page_shows_the_figures_as_bars_and_needs_no_more_queries_for_more_people(
    client_as, welt, teilnahme
):
    client = client_as("koordination")
    with CaptureQueriesContext(connection) as few:
        page = client.get(_page(teilnahme)).content.decode()
    assert "Teilnahme nach Lebensphase" in page and "nicht zugeordnet" in page
    assert '<progress class="balken" max="4" value="2" aria-hidden="true"></progress> 50 %' in page
    _upload(client, teilnahme, "a.pdf", PDF)
    _upload(client, teilnahme, "b.pdf", PDF)
    _save_text(client, teilnahme, "Text")
    for i in range(10):
        Anmeldung.objects.create(
            veranstaltung=teilnahme, name=f"N{i}", email=f"n{i}@test.example",
            status="teilgenommen",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(_page(teilnahme))
    assert len(many) <= len(few) + 1, "the minutes' documents are one prefetch, not one per file"


def test_the_figures_export_as_csv(client_as, welt, teilnahme):
    response = client_as("koordination").get(_page(teilnahme), {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert f"statistik-{teilnahme.pk}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Auswertung", "Gruppe", "Anzahl"]
    assert ["Anmeldungen", "nicht erschienen", "1"] in rows
    assert ["Organisationstyp: teilgenommen", "Kita", "2"] in rows
    assert ["Lebensphase: mit Platz angemeldet", "0-3 Jahre", "2"] in rows
    assert ["Lebensphase: teilgenommen", "nicht zugeordnet", "2"] in rows


def test_the_export_is_for_managers_only(client_as, welt, teilnahme):
    assert client_as("partner").get(_page(teilnahme), {"export": "csv"}).status_code == 404


def test_the_back_office_shows_the_minutes_with_their_documents(client_as, welt):
    event = _event(welt)
    _upload(client_as("koordination"), event, "ergebnisse.pdf", PDF)
    protokoll = Protokoll.objects.get()
    # The back office is the operator's: a superuser (with TOTP, as the coordinator here).
    welt.users["koordination"].is_superuser = True
    welt.users["koordination"].save(update_fields=["is_superuser"])
    response = client_as("koordination").get(
        reverse("admin:konferenzen_protokoll_change", args=[protokoll.pk])
    )
    assert response.status_code == 200
    assert "ergebnisse.pdf" in response.content.decode()
