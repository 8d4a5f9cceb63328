"""Files on an S3-compatible store (moto's server on 127.0.0.1, real HTTP): uploads and rendered
PDFs land in the bucket, go out only through the portal's views after their rights checks, and
nothing the portal answers names the bucket."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from storages.backends.s3 import S3Storage

from foren.models import Dokument
from konferenzen import services as konferenzen
from konferenzen.models import Druck, Protokolldokument, Veranstaltung
from netzwerk.models import Gremium, Sachstandsbericht

from ..s3 import s3_server, s3_storage, settings_storage, storage_options

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3_endpoint():
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def s3_settings(s3_endpoint):
    return storage_options(s3_endpoint)


@pytest.fixture
def s3(s3_endpoint, s3_settings):
    with s3_storage(s3_endpoint, s3_settings) as bucket:
        assert isinstance(storages["default"], S3Storage)
        yield bucket


def _names_no_bucket(response, s3) -> None:
    """Neither the store's address nor the bucket's name reaches the browser."""
    host = s3.endpoint.removeprefix("http://")
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    body = b"" if response.streaming else response.content
    for secret in (host, s3.bucket, "X-Amz-"):
        assert secret not in headers and secret.encode() not in body, secret


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _not_on_disk(name: str) -> None:
    assert not (settings.MEDIA_ROOT / name).exists(), "the file went to MEDIA_ROOT"


def test_without_a_bucket_files_stay_on_the_local_disk():
    storage = settings_storage({})
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_with_a_bucket_urls_would_be_signed_short_lived_and_nothing_is_public(s3_settings):
    options = s3_settings["OPTIONS"]
    assert s3_settings["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["querystring_auth"] is True and options["querystring_expire"] <= 300
    assert options["default_acl"] is None and options["file_overwrite"] is False


def test_a_forum_document_lands_in_the_bucket_and_only_members_get_its_bytes(client_as, welt, s3):
    forum = welt.forum_public
    response = client_as("partner").post(
        reverse("foren:dokument-list", args=[forum.slug]),
        {"title": "Protokoll Mai", "art": "protokoll", "visibility": "members",
         "file": SimpleUploadedFile("protokoll.pdf", PDF, "application/octet-stream")},
    )  # fmt: skip
    assert response.status_code == 302
    dokument = Dokument.objects.get()
    assert s3.keys() == [dokument.file.name] and dokument.file.name.startswith(f"foren/{forum.pk}/")
    assert s3.read(dokument.file.name) == PDF
    _not_on_disk(dokument.file.name)
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=dokument.file.name)["Grants"]
    assert all(g["Grantee"].get("URI") != ALL_USERS for g in grants)
    # What a backup walks: the stored files, listed through the storage API.
    assert default_storage.listdir("foren") == ([str(forum.pk)], [])

    download = client_as("partner").get(dokument.get_absolute_url())
    assert _body(download) == PDF and download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    _names_no_bucket(download, s3)
    for role in ("gremium", "anonym"):  # the forum is public, the document for members only
        refused = client_as(role).get(dokument.get_absolute_url())
        assert refused.status_code == 404, role
        _names_no_bucket(refused, s3)

    # Had a URL been made, it would be signed and expire within a minute.
    url = default_storage.url(dokument.file.name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url

    delete = reverse("foren:dokument-delete", args=[forum.slug, dokument.pk])
    assert client_as("partner").post(delete).status_code == 302
    assert s3.keys() == []


def test_minutes_documents_of_an_event_live_in_the_bucket(
    client_as, welt, s3, django_capture_on_commit_callbacks
):
    start = timezone.now() - timedelta(days=1)
    event = Veranstaltung.objects.create(
        art="praeventionskonferenz", title="Präventionskonferenz", start=start,
        end=start + timedelta(hours=4), visibility="invited", forum=welt.forum_members,
    )  # fmt: skip
    response = client_as("koordination").post(
        reverse("konferenzen:nachbereitung", args=[event.pk]),
        {"abschnitt": "veranstaltung", "aktion": "datei",
         "veranstaltung-datei-datei": SimpleUploadedFile("folien.pdf", PDF, "application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    dokument = Protokolldokument.objects.get()
    assert s3.keys(f"konferenzen/{event.pk}/") == [dokument.file.name]
    url = reverse("konferenzen:protokoll-dokument", args=[event.pk, dokument.pk])
    assert _body(client_as("koordination").get(url)) == PDF
    refused = client_as("partner").get(url)  # not invited
    assert refused.status_code == 404
    _names_no_bucket(refused, s3)

    delete = reverse("konferenzen:protokoll-dokument-delete", args=[event.pk, dokument.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client_as("koordination").post(delete).status_code == 302
    assert s3.keys() == []


@pytest.mark.parametrize(
    ("button", "data"),
    [
        ("namensschilder-pdf", {}),
        ("teilnehmerliste-pdf", {"art": "oeffentlich"}),
        ("teilnehmerliste-pdf", {"art": "intern"}),
    ],
)
def test_badges_and_participant_lists_are_stored_in_the_bucket(client_as, welt, s3, button, data):
    start = timezone.now() + timedelta(hours=3)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Netzwerktreffen", start=start,
        end=start + timedelta(hours=2), capacity=10, forum=welt.forum_members,
    )  # fmt: skip
    konferenzen.anmeldung_create(
        veranstaltung=event, name="Anna Lotse", email="anna@test.example", on_list=True
    )
    client = client_as("moderation")  # manages the forum's events
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse(f"konferenzen:{button}", args=[event.pk]), data)
    assert response.status_code == 302
    druck = Druck.objects.get()
    assert druck.status == "fertig", druck.error
    assert s3.keys(f"konferenzen/{event.pk}/") == [druck.file.name]
    _not_on_disk(druck.file.name)

    url = reverse("konferenzen:druck", args=[event.pk, druck.pk])
    download = client.get(url)
    assert _body(download) == s3.read(druck.file.name) and druck.file.name.endswith(".pdf")
    _names_no_bucket(download, s3)
    refused = client_as("partner").get(url)
    assert refused.status_code == 404
    _names_no_bucket(refused, s3)


def test_a_status_report_is_stored_in_the_bucket_and_read_back_for_its_committee(
    client_as, welt, s3, django_capture_on_commit_callbacks
):
    gremium = Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    gremium.members.add(welt.users["gremium"])
    heute = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("koordination").post(
            reverse("netzwerk:bericht-list"),
            {"gremium": gremium.pk, "period_start": heute - timedelta(days=90),
             "period_end": heute, "sections": ["zusammenfassung"]},
        )  # fmt: skip
    assert response.status_code == 302
    bericht = Sachstandsbericht.objects.get()
    assert bericht.status == "fertig", bericht.error
    assert s3.keys("berichte/") == [bericht.file.name]
    _not_on_disk(bericht.file.name)

    url = reverse("netzwerk:bericht-download", args=[bericht.nummer])
    download = client_as("gremium").get(url)
    assert _body(download) == s3.read(bericht.file.name)  # and its checksum held
    _names_no_bucket(download, s3)
    refused = client_as("partner").get(url)
    assert refused.status_code == 404
    _names_no_bucket(refused, s3)


def test_an_organisation_logo_is_stored_in_the_bucket_and_served_by_the_portal(client_as, welt, s3):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    edit = reverse("akteure:organisation-edit", kwargs={"slug": welt.organisation.slug})
    response = client_as("partner").post(
        edit,
        {"name": "Kita Wolke", "postcode": "52146",
         "logo": SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")},
    )  # fmt: skip
    assert response.status_code == 302
    welt.organisation.refresh_from_db()
    assert s3.keys("logos/") == [welt.organisation.logo.name]
    logo = client_as("anonym").get(
        reverse("akteure:organisation-logo", kwargs={"slug": welt.organisation.slug})
    )
    assert _body(logo) == buffer.getvalue() and logo["Content-Type"] == "image/png"
    _names_no_bucket(logo, s3)
