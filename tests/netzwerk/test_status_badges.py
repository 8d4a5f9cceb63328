"""One vocabulary of states (issue 17 item 5): every status value means one thing, shown by one
badge with its text, its icon and its colour."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.template import Context, Template
from django.utils import timezone

from konferenzen.models import Anmeldung, Veranstaltung
from netzwerk import status
from tests.factories import AngebotFactory


def _status_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if isinstance(getattr(m, "Status", None), type) and issubclass(m.Status, models.Choices)
    ]


def test_every_model_with_a_status_has_a_mapping():
    kinds = {m._meta.label_lower for m in _status_models()}
    assert kinds - status.STATUS.keys() == set()
    assert {"konferenzen.anmeldung", "netzwerk.mail", "akteure.wegweiserheft"} <= kinds


@pytest.mark.parametrize("model", _status_models(), ids=lambda m: m._meta.label_lower)
def test_every_status_value_is_mapped_to_a_meaning(model):
    mapped = status.STATUS[model._meta.label_lower]
    assert set(model.Status.values) - mapped.keys() == set(), "new status value without meaning"
    assert mapped.keys() - set(model.Status.values) == set(), "meaning for a value that is gone"
    assert all(b in status.BEDEUTUNGEN for b in mapped.values())


def test_every_derived_state_is_mapped_and_labelled():
    for kind, (_state, labels) in status.ABGELEITET.items():
        assert labels.keys() == status.STATUS[kind].keys()


def test_each_meaning_has_its_own_colour_and_icon():
    assert len({b.css for b in status.BEDEUTUNGEN}) == len(status.BEDEUTUNGEN)
    assert len({b.icon for b in status.BEDEUTUNGEN}) == len(status.BEDEUTUNGEN)
    assert all(b.css.startswith("text-bg-") and b.icon for b in status.BEDEUTUNGEN)


def test_the_same_word_means_the_same_everywhere():
    """ "offen", "fertig", "wird erstellt", "abgesagt" ... in every model: one meaning per word."""
    bedeutung: dict[str, set[str]] = {}
    for kind, mapping in status.STATUS.items():
        for value, b in mapping.items():
            label = str(status.badge(value, kind).label)
            bedeutung.setdefault(label, set()).add(b.name)
    assert {word: names for word, names in bedeutung.items() if len(names) > 1} == {}


def _render(text: str, **context) -> str:
    return Template("{% load status %}" + text).render(Context(context))


def test_a_badge_shows_text_icon_and_colour():
    html = _render("{% status_badge a %}", a=Anmeldung(status=Anmeldung.Status.WARTELISTE))
    assert html == (
        '<span class="badge status-badge text-bg-light border border-secondary"'
        ' data-status="offen"><span class="status-icon" aria-hidden="true">○</span>'
        " Warteliste</span>"
    )
    html = _render('{% status_badge "failed" "netzwerk.mail" %}')
    assert "text-bg-danger" in html and ">✕</span> fehlgeschlagen</span>" in html


def test_a_derived_state_shows_only_when_it_holds():
    event = Veranstaltung(title="Treffen")
    assert _render("{% status_badge v %}", v=event) == ""
    event.cancelled_at = timezone.now()
    html = _render("{% status_badge v %}", v=event)
    assert "text-bg-danger" in html and "abgesagt</span>" in html


@pytest.mark.django_db
def test_an_offer_not_confirmed_for_a_year_warns():
    offer = AngebotFactory(confirmed_at=timezone.now() - timedelta(days=400))
    html = _render("{% status_badge a %}", a=offer)
    assert "text-bg-warning" in html and "nicht mehr bestätigt</span>" in html
    offer.confirmed_at = timezone.now()
    assert _render("{% status_badge a %}", a=offer) == ""


# --- No template shows a status any other way ----------------------------------------------------
TAG_TEMPLATE = Path(settings.BASE_DIR, "templates/netzwerk/_status_badge.html")
# Printed PDFs and e-mails have no badges: there the status stays a word.
TEMPLATES_DIR = Path(settings.BASE_DIR, "templates")
SCREEN_TEMPLATES = sorted(
    p
    for p in TEMPLATES_DIR.rglob("*.html")
    if p != TAG_TEMPLATE and p.relative_to(TEMPLATES_DIR).parts[0] not in ("pdf", "emails")
)

AD_HOC = [
    # A badge around a status text.
    re.compile(
        r'<span[^>]*class="[^"]*\bbadge\b[^"]*"[^>]*>(?:(?!</span>).)*get_status_display', re.S
    ),
    # A badge whose colour is chosen from a status.
    re.compile(r'class="[^"]*\bbadge\b[^"]*\{%\s*if [^%]*(status|is_ruhend|is_offen)'),
    # A badge for a derived state, written out by hand.
    re.compile(r"\{%\s*if [^%]*(cancelled_at|is_cancelled|is_stale)\s*%\}\s*<span[^>]*\bbadge\b"),
    # A status printed bare, without the badge (sentences use blocktranslate with s=...).
    re.compile(r"\{\{\s*[\w.]+\.get_status_display\s*\}\}"),
]


# A live region's announcement is a sentence read out, not a badge (berichte/_status.html).
ANSAGE = re.compile(r'<span id="[\w-]*ansage"[^>]*>.*?</span>', re.S)


def _ad_hoc(text: str) -> list[str]:
    text = ANSAGE.sub("", text)
    return [m.group(0)[:120] for rx in AD_HOC for m in rx.finditer(text)]


def test_the_checks_find_ad_hoc_status_badges():
    assert _ad_hoc('<span class="badge text-bg-light">{{ b.get_status_display }}</span>')
    assert _ad_hoc("<span class=\"badge {% if f.status == 'aktiv' %}text-bg-success{% endif %}\">")
    assert _ad_hoc('{% if v.cancelled_at %} <span class="badge text-bg-danger">abgesagt</span>')
    assert _ad_hoc("<td>{{ m.get_status_display }}</td>")
    assert not _ad_hoc("{% status_badge m %} {% blocktranslate with s=k.get_status_display %}")


@pytest.mark.parametrize(
    "path", SCREEN_TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_no_template_shows_a_status_without_the_tag(path):
    assert _ad_hoc(path.read_text(encoding="utf-8")) == []
