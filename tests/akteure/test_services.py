import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from akteure.models import Angebot
from akteure.services import angebote_remind_stale
from akteure.tasks import remind_stale_angebote
from tests.factories import HandlungsfeldFactory

pytestmark = pytest.mark.django_db


def _age(angebot, days: int) -> None:
    Angebot.objects.filter(pk=angebot.pk).update(confirmed_at=timezone.now() - timedelta(days=days))


def test_the_owner_of_a_stale_offer_is_reminded_once_per_period(
    welt, django_capture_on_commit_callbacks
):
    _age(welt.angebot_public, 400)
    _age(welt.angebot_intern, 100)  # still current: no reminder
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_stale_angebote.delay().get() == 1
    assert [m.to for m in mail.outbox] == [["partner@test.example"]]
    assert "Sprachspiele" in mail.outbox[0].subject
    # The beat runs daily: the next days send nothing more.
    assert angebote_remind_stale() == 0
    assert angebote_remind_stale(now=timezone.now() + timedelta(days=29)) == 0
    assert len(mail.outbox) == 1
    # After the reminder period, a still-stale offer is reminded again.
    assert angebote_remind_stale(now=timezone.now() + timedelta(days=31)) == 1


def test_confirming_makes_a_stale_offer_current_and_resets_the_reminder(client_as, welt):
    _age(welt.angebot_public, 400)
    angebote_remind_stale()
    response = client_as("partner").post(
        reverse("akteure:angebot-confirm", kwargs={"slug": welt.angebot_public.slug})
    )
    assert response.status_code == 302
    welt.angebot_public.refresh_from_db()
    assert not welt.angebot_public.is_stale() and welt.angebot_public.reminder_sent_at is None
    assert welt.angebot_public.history.first().history_user == welt.users["partner"]


def test_another_partner_can_neither_edit_nor_confirm(client, welt):
    from tests.factories import OrganisationFactory, PersonFactory, UserFactory

    other = UserFactory(email="andere@test.example", rollen=["Partner"])
    PersonFactory(organisation=OrganisationFactory(), user=other)
    client.force_login(other)
    slug = welt.angebot_public.slug
    assert client.get(reverse("akteure:angebot-edit", kwargs={"slug": slug})).status_code == 404
    assert client.post(reverse("akteure:angebot-confirm", kwargs={"slug": slug})).status_code == 404


def test_a_partner_edits_an_offer_and_every_change_is_attributed(client_as, welt):
    feld = HandlungsfeldFactory()
    from netzwerk.models import Lebensphase

    phase = Lebensphase.objects.create(name="Kita", slug="kita")
    client = client_as("partner")
    url = reverse("akteure:angebot-edit", kwargs={"slug": welt.angebot_public.slug})
    response = client.post(
        url,
        {
            "title": "Sprachspiele am Nachmittag",
            "lebensphasen": [phase.pk],
            "handlungsfelder": [feld.pk],
            "cost": "kostenlos",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    angebot = Angebot.objects.get(pk=welt.angebot_public.pk)
    assert angebot.title == "Sprachspiele am Nachmittag"
    latest = angebot.history.first()
    assert latest.history_user == welt.users["partner"] and latest.title == angebot.title
    page = client_as("koordination").get(angebot.get_absolute_url()).content.decode()
    assert "Änderungsverlauf" in page
    assert (
        "Änderungsverlauf"
        not in client_as("partner").get(angebot.get_absolute_url()).content.decode()
    )


def _png(size=(4, 4)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("logo.svg", b"<svg onload='alert(1)'/>", "image/svg+xml"),
            "kein Bild im Format PNG oder JPEG",
        ),
        (
            SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", "image/png"),
            "kein Bild im Format PNG oder JPEG",
        ),
        (
            SimpleUploadedFile("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
            "",
        ),
    ],
)
def test_logos_other_than_png_or_jpeg_are_refused_with_a_german_message(
    client_as, welt, upload, message
):
    response = client_as("partner").post(
        reverse("akteure:organisation-edit", kwargs={"slug": welt.organisation.slug}),
        {"name": "Kita Wolke", "postcode": "52146", "logo": upload},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "PNG oder JPEG" in page and message in page
    welt.organisation.refresh_from_db()
    assert not welt.organisation.logo


def test_an_oversized_logo_is_refused(client_as, welt, settings):
    settings.LOGO_MAX_BYTES = 100
    response = client_as("partner").post(
        reverse("akteure:organisation-edit", kwargs={"slug": welt.organisation.slug}),
        {"name": "Kita Wolke", "logo": SimpleUploadedFile("l.png", _png((64, 64)), "image/png")},
    )
    assert response.status_code == 400 and "zu groß" in response.content.decode()


def test_a_png_logo_is_stored(client_as, welt, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_as("partner").post(
        reverse("akteure:organisation-edit", kwargs={"slug": welt.organisation.slug}),
        {"name": "Kita Wolke", "logo": SimpleUploadedFile("l.png", _png(), "image/png")},
    )
    assert response.status_code == 302
    welt.organisation.refresh_from_db()
    assert welt.organisation.logo.name.startswith("logos/")


def test_bad_contact_data_gets_german_messages_and_keeps_the_input(client_as, welt):
    response = client_as("partner").post(
        reverse("akteure:organisation-edit", kwargs={"slug": welt.organisation.slug}),
        {
            "name": "Kita Wolke",
            "postcode": "5214",
            "phone": "ruf mich an",
            "website": "kein link",
            "email": "kita@",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "fünfstellige Postleitzahl" in page
    assert "Telefonnummer aus Ziffern" in page
    assert "Bitte eine gültige Adresse eingeben." in page
    assert "Bitte gültige E-Mail-Adresse eingeben." in page
    assert 'value="ruf mich an"' in page
