"""The public interest form: honeypot, rate limit, and double opt-in before anyone is told."""

import re

import pytest
from django.urls import reverse

from foren.models import Interessensbekundung
from netzwerk.models import Mail

pytestmark = pytest.mark.django_db

DATA = {
    "name": "Ida Beispiel",
    "organisation": "Ausbildungsverbund",
    "email": "ida@beispiel.example",
    "message": "Ich möchte das Forum mit aufbauen.",
    "consent": "on",
}


def _url(welt) -> str:
    return reverse("foren:interesse-create", args=[welt.forum_other.slug])


def test_the_sender_confirms_by_mail_and_only_then_the_coordination_hears_of_it(client, welt):
    response = client.post(_url(welt), DATA)
    assert response.status_code == 200 and "Fast geschafft" in response.content.decode()
    interesse = Interessensbekundung.objects.get()
    assert interesse.confirmed_at is None and interesse.consent_at is not None
    [mail] = Mail.objects.all()
    assert mail.template == "foren_interesse_bestaetigen" and mail.to == [DATA["email"]]

    link = re.search(r"/foren/interesse/bestaetigen/[^/\s]+/", mail.body_text).group(0)
    # A mail scanner opening the link confirms nothing: only the button on the page does.
    assert "Ja, ich möchte mitmachen" in client.get(link).content.decode()
    interesse.refresh_from_db()
    assert interesse.confirmed_at is None and Mail.objects.count() == 1
    assert client.post(link).status_code == 200
    assert client.post(link).status_code == 200  # a second click is harmless
    interesse.refresh_from_db()
    assert interesse.confirmed_at is not None
    [notice] = Mail.objects.filter(template="foren_interesse_neu")
    assert welt.users["koordination"].email in notice.to and "Ida Beispiel" in notice.body_text


def test_the_overview_highlights_a_dormant_forum_with_new_interest(client, client_as, welt):
    forum = welt.forum_other
    forum.status = "ruhend"
    forum.save()
    client.post(_url(welt), DATA)
    overview = reverse("foren:forum-overview")
    assert (
        "neue Interessensbekundung" not in client_as("koordination").get(overview).content.decode()
    )
    mail = Mail.objects.get()
    client.post(re.search(r"/foren/interesse/bestaetigen/[^/\s]+/", mail.body_text).group(0))
    page = client_as("koordination").get(overview).content.decode()
    assert "Ruht – jemand möchte es aufgreifen" in page and "1 neue Interessensbekundung" in page
    assert "Ida Beispiel" in page
    interesse = Interessensbekundung.objects.get()
    client_as("koordination").post(reverse("foren:interesse-handle", args=[interesse.pk]))
    page = client_as("koordination").get(overview).content.decode()
    assert "Ruht – jemand" not in page and "Keine offenen Interessensbekundungen" in page


def test_a_broken_or_forged_link_confirms_nothing(client, welt):
    client.post(_url(welt), DATA)
    url = reverse("foren:interesse-confirm", args=["gefaelscht:abc"])
    assert client.get(url).status_code == 400
    response = client.post(url)
    assert response.status_code == 400
    assert "gilt nicht" in response.content.decode()
    assert Interessensbekundung.objects.get().confirmed_at is None


def test_the_honeypot_swallows_bots_without_telling_them(client, welt):
    response = client.post(_url(welt), {**DATA, "homepage": "https://spam.example"})
    assert response.status_code == 200 and "Fast geschafft" in response.content.decode()
    assert not Interessensbekundung.objects.exists() and not Mail.objects.exists()


def test_without_consent_nothing_is_stored_and_the_form_keeps_the_input(client, welt):
    response = client.post(_url(welt), {**DATA, "consent": ""})
    page = response.content.decode()
    assert "Ohne Ihre Einwilligung" in page and 'value="Ida Beispiel"' in page
    assert not Interessensbekundung.objects.exists()


def test_the_sixth_submission_in_an_hour_is_refused_and_keeps_the_input(client, welt, settings):
    settings.FOREN_INTERESSE_PRO_STUNDE = 5
    for i in range(5):
        assert (
            client.post(_url(welt), {**DATA, "email": f"p{i}@beispiel.example"}).status_code == 200
        )
    response = client.post(_url(welt), DATA)
    assert response.status_code == 429
    page = response.content.decode()
    assert "später noch einmal" in page and 'value="Ida Beispiel"' in page
    assert Interessensbekundung.objects.count() == 5
    other = client.post(_url(welt), DATA, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200, "another address is not affected"


def test_unconfirmed_interest_is_deleted_when_its_link_expires(client, welt):
    from datetime import timedelta

    from django.utils import timezone

    from foren.services import interessen_cleanup

    client.post(_url(welt), DATA)
    confirmed = Interessensbekundung.objects.create(
        forum=welt.forum_other, name="Bea", email="bea@x.example",
        consent_at=timezone.now(), confirmed_at=timezone.now(),
    )  # fmt: skip
    assert interessen_cleanup(now=timezone.now() + timedelta(days=6)) == 0
    assert interessen_cleanup(now=timezone.now() + timedelta(days=8)) == 1
    assert list(Interessensbekundung.objects.all()) == [confirmed]


def test_a_partners_request_for_a_dormant_forum_is_highlighted_too(client_as, welt):
    forum = welt.forum_other
    forum.status = "ruhend"
    forum.save()
    client_as("gremium").post(reverse("foren:beitritt-request", args=[forum.slug]))
    page = client_as("koordination").get(reverse("foren:forum-overview")).content.decode()
    assert "Ruht – jemand möchte es aufgreifen" in page and "1 offene Beitrittsanfrage" in page


def test_behind_the_tls_proxy_the_limit_counts_per_client_not_per_proxy(client, welt, settings):
    settings.FOREN_INTERESSE_PRO_STUNDE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = client.post(_url(welt), DATA, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    other = client.post(_url(welt), DATA, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    again = client.post(_url(welt), DATA, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", **proxy)
    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)
