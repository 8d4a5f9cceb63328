"""htmx attributes carry the data- prefix (issue 17): the W3C Nu checker rejects a bare hx-get,
while htmx 2 reads data-hx-* exactly as hx-*."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from akteure.models import Import
from konferenzen import services
from konferenzen.models import Veranstaltung

# An attribute name starting with hx- that is not the tail of data-hx- (or of another name).
BARE_HX = re.compile(r"(?<![\w-])hx-[a-z]")

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))


def _bare(html: str) -> list[str]:
    return [html[max(m.start() - 40, 0) : m.end() + 20] for m in BARE_HX.finditer(html)]


def test_the_pattern_tells_bare_from_prefixed_attributes():
    assert _bare('<div hx-get="/x">') and _bare('<div\n  hx-swap="outerHTML">')
    assert not _bare('<div data-hx-get="/x" data-hx-on--click="y">')
    assert not _bare('<meta name="htmx-config">')


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_has_a_bare_hx_attribute(path):
    assert not _bare(path.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_the_check_in_page_and_its_htmx_answers_use_data_hx(client_as, welt):
    start = timezone.now() + timedelta(hours=3)
    event = Veranstaltung.objects.create(
        art="netzwerktreffen", title="Netzwerktreffen", start=start,
        end=start + timedelta(hours=4), place="Kreishaus Coesfeld", capacity=5,
        forum=welt.forum_members,
    )  # fmt: skip
    anna = services.anmeldung_create(veranstaltung=event, name="Anna Lotse", email="a@t.example")[0]
    client = client_as("moderation")
    page = client.get(reverse("konferenzen:tag", args=[event.pk]), {"q": "anna"})
    html = page.content.decode()
    assert page.status_code == 200 and "data-hx-get=" in html and "data-hx-post=" in html
    assert not _bare(html)
    answer = client.post(
        reverse("konferenzen:tag-anwesend", args=[event.pk, anna.pk]),
        {"aktion": "anwesend", "q": "anna"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-hx-swap-oob="innerHTML"' in answer and not _bare(answer)


@pytest.mark.django_db
def test_a_running_import_polls_with_data_hx(client_as, welt):
    imp = Import.objects.create(
        art=Import.Art.ORGANISATIONEN, filename="viele.csv", status=Import.Status.LAEUFT,
        rows_total=40,
    )  # fmt: skip
    client = client_as("koordination")
    for url in (imp.get_absolute_url(), reverse("akteure:import-progress", args=[imp.pk])):
        html = client.get(url).content.decode()
        assert 'data-hx-trigger="every 1s"' in html and not _bare(html)
