"""allauth's German in the formal "Sie" (locale/de, written by scripts/allauth_sie.py)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale/de/LC_MESSAGES/django.po"


def _po_entries() -> list[tuple[str, str]]:
    def join(quoted: str) -> str:
        raw = "".join(re.findall(r'"(.*)"', quoted))
        return raw.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")

    entries = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', PO.read_text(), re.M)
    return [(join(a), join(b)) for a, b in entries if join(a)]


def test_every_override_is_compiled_and_wins_over_allauths_own_catalogue():
    entries = _po_entries()
    assert len(entries) >= 30
    with translation.override("de"):
        stale = [msgid for msgid, msgstr in entries if translation.gettext(msgid) != msgstr]
    assert stale == [], "django.mo passt nicht zu django.po: msgfmt erneut ausführen"


def test_no_override_says_du():
    informal = re.compile(r"\b(du|dein\w*|dich|dir)\b", re.I)
    assert [s for _, s in _po_entries() if informal.search(s)] == []


@pytest.mark.django_db
def test_the_login_page_addresses_people_formally(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "Sie haben noch kein Konto?" in page
    assert "Du hast" not in page
    # The submit button says what it does: a verb ("Anmelden"), not allauth's noun "Anmeldung".
    assert re.search(r'<button[^>]*type="submit"[^>]*>\s*Anmelden\s*</button>', page)


@pytest.mark.django_db
def test_password_reset_pages_address_people_formally(client):
    page = client.get(reverse("account_reset_password")).content.decode()
    assert "Bitte wenden Sie sich an uns" in page and "kontaktiere" not in page
    with translation.override("de"):
        assert (
            translation.gettext("Your password is now changed.") == "Ihr Passwort wurde geändert."
        )


def test_an_english_browser_gets_the_german_pages_whole_not_mixed(client, db):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = page.content.decode()
    assert '<html lang="de">' in text
    assert "Sie haben noch kein Konto?" in text and "Sign In" not in text
