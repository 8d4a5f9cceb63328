"""Documents: the type is read from the content; members-only files stay with the members."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from foren.models import Dokument

pytestmark = pytest.mark.django_db


def _zip(parts: dict[str, bytes]) -> bytes:
    """The same bytes on every run: xdist's workers must collect the same parameters."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})

GOOD = [
    ("protokoll.pdf", PDF, "application/pdf"),
    (
        "bericht.docx",
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("liste.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("text.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("foto.png", _png(), "image/png"),
    ("foto.jpeg", _jpeg(), "image/jpeg"),
]
BAD = [
    ("programm.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60, "keine PDF-"),
    ("seite.pdf", b"<html><script>alert(1)</script></html>", "keine PDF-"),
    ("bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "keine PDF-"),
    ("archiv.docx", _zip({"readme.txt": b"hallo"}), "keine PDF-"),
    ("kaputt.docx", b"PK\x03\x04 not really a zip", "keine PDF-"),
    ("bild.pdf", _png(), "nicht auf das, was die Datei enthält (PNG)"),
    ("tabelle.docx", XLSX, "nicht auf das, was die Datei enthält (Excel (XLSX))"),
]


def _upload(client, forum, name, content, **extra):
    data = {"title": "Protokoll Mai", "art": "protokoll", "visibility": "members", **extra}
    data["file"] = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("foren:dokument-list", args=[forum.slug]), data)


@pytest.mark.parametrize(("name", "content", "content_type"), GOOD, ids=[g[0] for g in GOOD])
def test_allowed_files_are_stored_with_the_type_their_content_shows(
    client_as, welt, name, content, content_type
):
    response = _upload(client_as("partner"), welt.forum_public, name, content)
    assert response.status_code == 302
    dokument = Dokument.objects.get()
    assert dokument.content_type == content_type and dokument.original_name == name
    assert not dokument.file.name.endswith(name), "the stored name is the portal's own"
    download = client_as("partner").get(dokument.get_absolute_url())
    assert download["Content-Type"] == content_type
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_other_files_are_refused_with_a_clear_message(client_as, welt, name, content, message):
    response = _upload(client_as("partner"), welt.forum_public, name, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Protokoll Mai"' in page, "the title typed stays in the form"
    assert not Dokument.objects.exists()


def test_files_over_the_limit_are_refused(client_as, welt, settings):
    settings.FOREN_DOKUMENT_MAX_BYTES = 2_000_000
    big = PDF + b"0" * 2_500_000
    response = _upload(client_as("partner"), welt.forum_public, "gross.pdf", big)
    assert "Die Datei ist 2,5 MB groß; erlaubt sind höchstens 2 MB." in response.content.decode()
    assert not Dokument.objects.exists()


def test_members_only_files_are_not_for_non_members_public_ones_are(client_as, welt):
    client = client_as("partner")
    _upload(client, welt.forum_public, "intern.pdf", PDF, title="Intern")
    _upload(client, welt.forum_public, "offen.pdf", PDF, title="Offen", visibility="public")
    intern = Dokument.objects.get(title="Intern")
    offen = Dokument.objects.get(title="Offen")
    for role in ("anonym", "gremium", "moderation"):
        other = client_as(role)
        assert other.get(intern.get_absolute_url()).status_code == 404, role
        assert other.get(offen.get_absolute_url()).status_code == 200, role
        listing = other.get(reverse("foren:dokument-list", args=[welt.forum_public.slug]))
        assert "Intern" not in listing.content.decode() and "Offen" in listing.content.decode()


def test_a_document_of_another_forum_is_not_found_under_this_forum(client_as, welt):
    _upload(client_as("moderation"), welt.forum_members, "p.pdf", PDF)
    dokument = Dokument.objects.get()
    url = reverse("foren:dokument-download", args=[welt.forum_public.slug, dokument.pk])
    assert client_as("partner").get(url).status_code == 404


def test_non_members_cannot_upload(client_as, welt):
    response = _upload(client_as("gremium"), welt.forum_public, "p.pdf", PDF)
    assert response.status_code == 404
    assert not Dokument.objects.exists()


def test_a_zip_bomb_posing_as_odt_is_checked_without_unpacking_it():
    import tracemalloc

    from netzwerk.dateien import typ_erkennen

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" + b" " * 50_000_000)
    assert len(bomb.getvalue()) < 1_000_000
    tracemalloc.start()
    typ_erkennen(bomb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5_000_000, f"{peak} bytes: the entry was unpacked"


def test_the_uploader_deletes_their_file_another_member_cannot(client_as, welt):
    from foren.models import Mitgliedschaft

    _upload(client_as("partner"), welt.forum_public, "p.pdf", PDF)
    dokument = Dokument.objects.get()
    path = dokument.file.path
    url = reverse("foren:dokument-delete", args=[welt.forum_public.slug, dokument.pk])
    Mitgliedschaft.objects.create(forum=welt.forum_public, user=welt.users["gremium"])
    assert client_as("gremium").post(url).status_code == 404
    assert client_as("partner").post(url).status_code == 302
    assert not Dokument.objects.exists()
    import os

    assert not os.path.exists(path)


def test_downloads_run_no_script(client_as, welt):
    _upload(client_as("partner"), welt.forum_public, "p.pdf", PDF)
    response = client_as("partner").get(Dokument.objects.get().get_absolute_url())
    assert response["Content-Security-Policy"] == "sandbox"
