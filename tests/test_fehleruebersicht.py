"""A form sent back with errors starts with one summary of them (WCAG 3.3.1, 3.3.3; GOV.UK's
error summary): every error listed, each linked to its field, the field carrying the id the link
names. crispy's error template brings it to every crispy form (templates/bootstrap5/errors.html),
pages that lay out their fields one by one include it themselves."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _summaries(html: str) -> list[str]:
    return re.findall(r'<div class="alert alert-danger fehleruebersicht".*?</div>', html, re.S)


def _linked_fields(summary: str, html: str) -> list[str]:
    ids = re.findall(r'<a href="#([\w-]+)">', summary)
    for field_id in ids:
        assert f'id="{field_id}"' in html, f"Die Übersicht verlinkt #{field_id}, das es nicht gibt"
    return ids


@pytest.mark.parametrize(
    ("role", "url", "data", "fields"),
    [
        ("koordination", reverse("foren:forum-create"), {"name": ""}, {"id_name"}),
        ("koordination", reverse("konferenzen:veranstaltung-create"), {"title": ""}, {"id_title"}),
        ("anonym", reverse("account_signup"), {"email": "kein-name"}, {"id_email"}),
        ("anonym", reverse("netzwerk:barrierefreiheit"), {"nachricht": ""}, None),
    ],
    ids=["crispy-form", "field-by-field", "allauth", "public"],
)
def test_an_invalid_form_starts_with_one_summary_linked_to_its_fields(
    client_as, role, url, data, fields
):
    response = client_as(role).post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    summaries = _summaries(html)
    assert len(summaries) == 1, f"{len(summaries)} Fehlerübersichten"
    assert 'role="alert"' in summaries[0] and 'tabindex="-1"' in summaries[0]
    linked = _linked_fields(summaries[0], html)
    assert linked, "Kein Fehler ist mit seinem Feld verlinkt"
    if fields:
        assert fields <= set(linked)


def test_a_form_error_that_belongs_to_no_field_is_in_the_summary_too(client_as, welt):
    response = client_as("anonym").post(
        reverse("account_login"), {"login": welt.users["partner"].email, "password": "falsch"}
    )
    summaries = _summaries(response.content.decode())
    assert len(summaries) == 1
    assert "nicht korrekt" in summaries[0] or "falsch" in summaries[0].lower()


def test_a_valid_page_shows_no_summary(client_as):
    assert not _summaries(
        client_as("koordination").get(reverse("foren:forum-create")).content.decode()
    )
