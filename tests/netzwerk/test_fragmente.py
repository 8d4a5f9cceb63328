"""The concept page and the measures tree are drawn from cached fragments (netzwerk.fragmente):
each is keyed by what it shows, so every change shows at once, a second request draws nothing
anew, and no fragment carries one viewer's CSRF token or rights to another."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from netzwerk.fragmente import CSRF_PLATZHALTER
from netzwerk.konzepte import services
from netzwerk.models import Massnahme

pytestmark = pytest.mark.django_db


@pytest.fixture
def konzept(welt):
    koordination = welt.users["koordination"]
    konzept = services.konzept_create(title="Präventionskonzept", user=koordination)
    for title, text in (
        ("Ausgangslage", "Jedes vierte Kind."),
        ("Leitbild", "Kein Kind geht verloren."),
    ):
        kapitel = services.kapitel_create(konzept=konzept, title=title, user=koordination)
        services.kapitel_save(
            kapitel=kapitel, title=title, text=text, base_version=0, user=koordination
        )
    services.konzept_status_set(konzept=konzept, status="beteiligung")
    return konzept


def _drawn(response, name: str) -> int:
    return sum(t.name == name for t in response.templates)


def test_a_second_request_draws_no_chapter_and_every_change_shows_at_once(client_as, welt, konzept):
    url = konzept.get_absolute_url()
    client = client_as("koordination")
    first = client.get(url)
    assert _drawn(first, "netzwerk/konzepte/_kapitel.html") == 2
    again = client.get(url)
    assert _drawn(again, "netzwerk/konzepte/_kapitel.html") == 0
    assert _ohne_token(again) == _ohne_token(first)  # the same page, each with its own tokens

    ausgangslage = konzept.kapitel.get(title="Ausgangslage")
    kommentar = services.kommentar_create(
        kapitel=ausgangslage, text="Bitte die Kitas nennen.", user=welt.users["partner"]
    )
    page = client.get(url)
    assert _drawn(page, "netzwerk/konzepte/_kapitel.html") == 1  # only the changed chapter
    assert "Bitte die Kitas nennen." in page.content.decode()

    services.kommentar_answer(
        kommentar=kommentar,
        status="aufgenommen",
        answer="Ergänzt.",
        user=welt.users["koordination"],
    )
    welt.users["partner"].first_name = "Umbenannt"
    welt.users["partner"].save()
    services.kapitel_save(
        kapitel=ausgangslage, title="Ausgangslage", text="Jedes fünfte Kind.", base_version=1,
        user=welt.users["koordination"],
    )  # fmt: skip
    text = client.get(url).content.decode()
    assert "Ergänzt." in text and "Umbenannt" in text and "Jedes fünfte Kind." in text
    assert "Jedes vierte Kind." not in text


def _ohne_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_a_cached_chapter_carries_each_viewers_own_csrf_token_and_rights(welt, konzept):
    url = konzept.get_absolute_url()
    koordination, partner = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    koordination.force_login(welt.users["koordination"])
    partner.force_login(welt.users["partner"])
    assert "Antwort speichern" not in koordination.get(url).content.decode()  # no comment yet
    kapitel = konzept.kapitel.get(title="Leitbild")
    services.kommentar_create(kapitel=kapitel, text="Erste Frage", user=welt.users["partner"])
    assert "Antwort speichern" in koordination.get(url).content.decode()

    page = partner.get(url)  # the same chapters, drawn for a partner
    text = page.content.decode()
    assert "Antwort speichern" not in text and CSRF_PLATZHALTER not in text
    create = reverse("netzwerk:kommentar-create", args=[konzept.slug, kapitel.pk])
    sent = partner.post(create, {"text": "Zweite Frage", "csrfmiddlewaretoken": _token(page)})
    assert sent.status_code == 302  # a token from the coordinator's fragment would be a 403
    assert kapitel.kommentare.filter(text="Zweite Frage").exists()


def test_the_measures_tree_draws_only_the_focal_point_that_changed(client_as, welt, konzept):
    eins = services.schwerpunkt_create(konzept=konzept, title="Übergänge gestalten")
    zwei = services.schwerpunkt_create(konzept=konzept, title="Familien früh erreichen")
    ziel = services.ziel_create(schwerpunkt=eins, title="Kita und Schule stimmen sich ab")
    services.ziel_create(schwerpunkt=zwei, title="Lotsinnen in den Kliniken")
    massnahme = Massnahme.objects.create(ziel=ziel, title="Übergabebogen", progress=10)
    url = reverse("netzwerk:massnahme-list", args=[konzept.slug])
    client = client_as("koordination")
    assert _drawn(client.get(url), "netzwerk/konzepte/_schwerpunkt.html") == 2
    assert _drawn(client.get(url), "netzwerk/konzepte/_schwerpunkt.html") == 0

    massnahme.organisationen.add(welt.organisation)
    Massnahme.objects.filter(pk=massnahme.pk).update(progress=60)
    page = client.get(url)
    assert _drawn(page, "netzwerk/konzepte/_schwerpunkt.html") == 1
    text = page.content.decode()
    assert 'value="60"' in text and welt.organisation.name in text
    assert "Ziel hinzufügen" in text  # the coordinator's tools ...
    reader = client_as("gremium").get(url).content.decode()
    assert 'value="60"' in reader and "Ziel hinzufügen" not in reader  # ... not a reader's
