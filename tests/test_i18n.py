"""The portal in English (issue 17): every German text in a template marked for translation, the
language switch in the header, and the English catalogue complete."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
PO_EN = ROOT / "locale/en/LC_MESSAGES/django.po"

# Attributes a person reads or hears; every other attribute value is markup.
VISIBLE_ATTRIBUTES = {
    "alt",
    "title",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "placeholder",
    "label",
    "data-hx-confirm",
    "data-confirm",
}
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}")
# Text that is the same in every language, each with its reason.
ALLOWED = {
    "CSV": "a file format's name",
    "XLSX": "a file format's name",
    "Excel (XLSX)": "a product and file format's name",
    "Netzwerkportal": "the portal's name in 500.html/503.html, which render without context",
}
# Leichte Sprache is German by definition: the guide shows these phrasings for ?sprache=leicht
# only ({% if leicht %}), and the other languages get the {% else %} branch, which is marked.
LEICHTE_SPRACHE = re.compile(r"{%\s*if leicht\s*%}(.*?){%\s*(?:else|endif)\s*%}", re.S)


def _strip_markup(source: str, suffix: str) -> list[str]:
    """What remains of a template once everything marked, every tag and every piece of markup
    is gone: the unmarked texts a reader would see, one a line."""
    found = []
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(
        r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", " ", source, flags=re.S
    )
    source = LEICHTE_SPRACHE.sub(" ", source)
    # A block that fills a class attribute of base.html, not text.
    source = re.sub(r"{%\s*block main_class\s*%}.*?{%\s*endblock[^%]*%}", " ", source, flags=re.S)
    # Literal text printed by a variable: {{ x|default:"(keine Angabe)" }}.
    for expression in re.findall(r"{{(.*?)}}", source, flags=re.S):
        for a, b in re.findall(r'(?<!_\()(?:"([^"]*)"|\'([^\']*)\')', expression):
            if WORD.search(a or b) and not re.fullmatch(r"[\w.:/-]*", a or b):
                found.append(a or b)
    # Words in the CSS of a printed page: @page { @bottom-right { content: "Seite ..." } }.
    styles = r"<style\b.*?</style>|{%\s*block style\s*%}.*?{%\s*endblock"
    for block in re.findall(styles, source, re.S):
        for text in re.findall(r'content:\s*"([^"]*)"', block):
            text = re.sub(r"{%.*?%}|{{.*?}}", " ", text)
            if WORD.search(text):
                found.append(text.strip())
    source = re.sub(r"{%\s*block style\s*%}.*?{%\s*endblock", " ", source, flags=re.S)
    source = re.sub(r"{{.*?}}|{%.*?%}", " ", source, flags=re.S)
    if suffix == ".html":
        source = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", source, flags=re.S | re.I)
        for tag in re.findall(r"<[a-zA-Z][^>]*>", source):
            for name, value in re.findall(r'\s([\w:-]+)\s*=\s*(?:"([^"]*)"|\'[^\']*\')', tag):
                button = tag.startswith("<input") and re.search(r"type=.(submit|button|reset)", tag)
                visible = name.lower() in VISIBLE_ATTRIBUTES or (name == "value" and button)
                meta = tag.startswith("<meta") and 'name="description"' in tag
                if (visible or (meta and name == "content")) and WORD.search(value):
                    found.append(html.unescape(value).strip())
        source = re.sub(r"<[^>]*>", " ", source, flags=re.S)
    for line in html.unescape(source).splitlines():
        # A path after {{ site_url }} in a plain-text mail is an address, not a word.
        line = re.sub(r"(?<![\w/])/[\w/.-]+", " ", line).strip()
        if WORD.search(line):
            found.append(line)
    return found


def _is_allowed(text: str) -> bool:
    rest = text
    for name in sorted(ALLOWED, key=len, reverse=True):
        rest = rest.replace(name, " ")
    return not WORD.search(rest)


def _unmarked() -> dict[str, list[str]]:
    unmarked = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        texts = [t for t in _strip_markup(path.read_text(), path.suffix) if not _is_allowed(t)]
        if texts:
            unmarked[str(path.relative_to(TEMPLATES))] = texts
    return unmarked


def test_the_check_finds_unmarked_text_in_every_place_a_reader_sees_it():
    source = """{% load i18n %}{% comment %}Kommentar{% endcomment %}{# auch #}
    <p>{% translate "Markiert" %}</p><p class="bunt">Unmarkiert</p>
    {% blocktranslate with n=1 %}Auch {{ n }} markiert{% endblocktranslate %}
    <img src="x.png" alt="Ein Bild"><input type="submit" value="Senden" name="aktion">
    <button name="aktion" value="vorschau">{% translate "Vorschau" %}</button>
    {{ wert|default:"keine Angabe" }} {% if leicht %}Leicht gesagt.{% else %}x{% endif %}
    <style>@page { @bottom-right { content: "Seite " counter(page); } }</style> CSV"""
    assert _strip_markup(source, ".html") == [
        "keine Angabe",
        "Seite",
        "Ein Bild",
        "Senden",
        "Unmarkiert",
        "CSV",
    ]
    assert not _is_allowed("Unmarkiert") and _is_allowed("CSV · XLSX")


def test_no_german_template_text_is_unmarked():
    unmarked = _unmarked()
    report = "\n".join(f"{path}: {texts}" for path, texts in unmarked.items())
    assert unmarked == {}, f"Nicht zur Übersetzung markiert:\n{report}"


def test_english_is_offered_by_its_own_name_and_german_stays_the_default():
    assert settings.LANGUAGE_CODE == "de"
    assert settings.LANGUAGES == [("de", "Deutsch"), ("en", "English")]


@pytest.mark.django_db
def test_choosing_english_gives_english_pages_and_choosing_german_brings_german_back(client):
    from .factories import UserFactory

    client.force_login(UserFactory(rollen=["Partner"]))
    dashboard = reverse("netzwerk:dashboard")
    answer = client.post(reverse("set_language"), {"language": "en", "next": dashboard})
    assert answer.status_code == 302 and answer["Location"] == dashboard

    page = client.get(dashboard)
    text = page.content.decode()
    assert '<html lang="en">' in text and page["Content-Language"] == "en"
    # "Familienwegweiser" (the navigation) is translated in locale/en already.
    assert "Family guide" in text and "Familienwegweiser" not in text

    client.post(reverse("set_language"), {"language": "de", "next": dashboard})
    text = client.get(dashboard).content.decode()
    assert '<html lang="de">' in text and "Familienwegweiser" in text


@pytest.mark.django_db
def test_an_english_browser_alone_does_not_switch_the_portal_to_english(client):
    page = client.get(reverse("netzwerk:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="de">' in page.content.decode() and page["Content-Language"] == "de"


@pytest.mark.django_db
def test_the_switch_is_on_every_page_and_returns_to_it(client):
    text = client.get(reverse("akteure:angebot-list") + "?q=Kita").content.decode()
    switch = re.search(r'<div class="portal-sprache.*?</div>', text, re.S).group(0)
    assert switch.count(f'action="{reverse("set_language")}"') == 2
    assert re.search(r'lang="de"[^>]*>Deutsch</button>', switch)
    assert re.search(r'lang="en"[^>]*>English</button>', switch)
    assert 'name="next" value="/akteure/angebote/?q=Kita"' in switch


@pytest.mark.django_db
def test_on_the_family_guide_the_switch_carries_the_language_into_the_guides_own(client):
    url = reverse("wegweiser:angebot-list")
    text = client.get(url + "?sprache=tr&alter=4&page=2").content.decode()
    switch = re.search(r'<div class="portal-sprache.*?</div>', text, re.S).group(0)
    assert f'value="{url}?alter=4"' in switch
    assert f'value="{url}?sprache=en&amp;alter=4"' in switch

    client.post(reverse("set_language"), {"language": "en", "next": url + "?sprache=en"})
    page = client.get(url + "?sprache=en")
    assert '<html lang="en">' in page.content.decode() and page["Content-Language"] == "en"


def _po_entries(path: Path) -> list[tuple[str, str, bool]]:
    entries = []
    for block in path.read_text().split("\n\n"):
        fuzzy = bool(re.search(r"^#,.*\bfuzzy\b", block, re.M))
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if msgid is None:
            continue
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        join = lambda quoted: "".join(re.findall(r'"(.*)"', quoted))  # noqa: E731
        if join(msgid.group(1)):
            for msgstr in msgstrs:
                entries.append((join(msgid.group(1)), join(msgstr), fuzzy))
    return entries


# The translators' catalogue is complete as of this commit; after makemessages adds new msgids
# this fails until they are translated, as it should.
def test_every_english_msgid_has_a_translation_that_is_not_fuzzy():
    entries = _po_entries(PO_EN)
    assert len(entries) > 100
    missing = sorted({msgid for msgid, msgstr, fuzzy in entries if fuzzy or not msgstr})
    assert missing == [], f"{len(missing)} ohne fertige Übersetzung, z. B. {missing[:10]}"


@pytest.mark.django_db
def test_a_mail_set_off_from_an_english_page_goes_out_in_german():
    from django.template.loader import render_to_string
    from django.utils import translation

    from netzwerk.mail import mail_queue

    with translation.override("en"):
        english = render_to_string("emails/rueckmeldung_subject.txt", using="text").strip()
        mail = mail_queue(name="rueckmeldung", context={}, to=["koordination@example.org"])
    assert mail.subject == "Neue Rückmeldung zur Barrierefreiheit"
    assert english != mail.subject  # the catalogue has it in English: German was chosen


@pytest.mark.django_db
def test_each_recipient_reads_a_mail_in_the_language_of_her_account():
    from django.utils import translation

    from netzwerk.mail import mail_queue
    from netzwerk.models import Mail
    from tests.factories import UserFactory

    UserFactory(email="ada@example.org", sprache="en")
    UserFactory(email="bernd@example.org")  # no choice: the portal's German
    with translation.override("en"):  # whoever sets it off, on whatever page
        mail = mail_queue(
            name="rueckmeldung",
            context={},
            to=["ada@example.org", "bernd@example.org", "ohne.konto@example.org"],
        )
    by_language = {tuple(m.to): m.subject for m in Mail.objects.all()}
    assert by_language == {
        ("bernd@example.org", "ohne.konto@example.org"): "Neue Rückmeldung zur Barrierefreiheit",
        ("ada@example.org",): "New feedback on accessibility",
    }
    assert mail.to == ["bernd@example.org", "ohne.konto@example.org"]  # the German one


@pytest.mark.django_db
def test_the_switch_keeps_the_language_in_the_session_and_the_account(client, welt):
    from django.test import Client

    partner = welt.users["partner"]
    client.force_login(partner)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.sprache == "en"
    # Another device: no language cookie, but signing in brings the account's choice along.
    other = Client()
    assert '<html lang="de"' in other.get(reverse("netzwerk:home")).content.decode()
    other.force_login(partner)
    assert '<html lang="en"' in other.get(reverse("netzwerk:dashboard")).content.decode()
    # Back to German: the account follows.
    other.post(reverse("set_language"), {"language": "de", "next": "/"})
    partner.refresh_from_db()
    assert partner.sprache == "de"
    assert '<html lang="de"' in other.get(reverse("netzwerk:dashboard")).content.decode()


@pytest.mark.django_db
def test_a_pdf_stays_in_the_language_it_was_asked_for(welt, django_capture_on_commit_callbacks):
    import io
    from datetime import timedelta

    from django.utils import timezone, translation
    from pypdf import PdfReader

    from konferenzen import einlass
    from konferenzen.models import Druck, Veranstaltung

    start = timezone.now() + timedelta(days=1)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Treffen", start=start, end=start + timedelta(hours=2)
    )

    def sign_in_sheet(sprache: str) -> tuple[Druck, str]:
        """Asked for on a page in `sprache`, rendered after commit (in-process here)."""
        with translation.override(sprache), django_capture_on_commit_callbacks(execute=True):
            druck = einlass.druck_create(
                veranstaltung=event,
                art=Druck.Art.UNTERSCHRIFTENLISTE,
                runde=None,
                user=welt.users["koordination"],
            )
        druck.refresh_from_db()
        return druck, PdfReader(io.BytesIO(druck.file.read())).pages[0].extract_text()

    druck, text = sign_in_sheet("en")
    assert druck.sprache == "en" and druck.status == Druck.Status.FERTIG  # rendered in-process
    assert "Signature" in text and "Unterschrift" not in text
    _deutsch, text = sign_in_sheet("de")
    assert "Unterschrift" in text
