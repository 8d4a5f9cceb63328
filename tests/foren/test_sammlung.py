"""The collection: entries with sanitised Markdown, filters, comments and an edit history."""

import re

import pytest
from django.urls import reverse

from foren.models import Beitrag
from netzwerk.models import Lebensphase
from netzwerk.text import render_markdown
from tests.factories import BeitragFactory

pytestmark = pytest.mark.django_db

# (typed text, a pattern that must not appear in the HTML: a live tag or attribute)
HOSTILE = [
    ("<script>alert(1)</script>", r"<script"),
    ('<img src=x onerror="alert(1)">', r"<img"),
    ("[klick](javascript:alert(1))", r"href=\"javascript:"),
    ("[klick](JaVaScRiPt:alert(1))", r"href=\"javascript:"),
    ("[klick](data:text/html;base64,PHNjcmlwdD4=)", r"href=\"data:"),
    ('<a href="https://x.example" style="position:fixed">x</a>', r"<a [^>]*style="),
    ("<style>body{display:none}</style>", r"<style"),
    ("<iframe src=https://evil.example></iframe>", r"<iframe"),
    ('[x](https://ok.example "t" onclick="alert(1))', r"<a [^>]*onclick="),
    ('<svg onload="alert(1)">', r"<svg"),
    ("![Bild](https://tracker.example/pixel.png)", r"<img"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", r"<script"),
    ("```\n<script>alert(1)</script>\n```", r"<script"),
]


@pytest.mark.parametrize(("text", "forbidden"), HOSTILE)
def test_hostile_markdown_is_rendered_harmless(text, forbidden):
    html = render_markdown(text)
    assert not re.search(forbidden, html, re.IGNORECASE), html


def test_markdown_keeps_what_people_need():
    html = render_markdown("**wichtig**\n\n- eins\n- zwei\n\n[Stadt](https://stadt.example)")
    assert "<strong>wichtig</strong>" in html and "<li>eins</li>" in html
    assert 'href="https://stadt.example"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_a_member_adds_a_bedarf_and_the_page_shows_it_sanitised(client_as, welt):
    phase = Lebensphase.objects.create(name="3-6 Jahre", slug="3-6")
    client = client_as("partner")
    response = client.post(
        reverse("foren:beitrag-create", args=[welt.forum_public.slug]),
        {
            "art": "bedarf",
            "title": "Mehr Sprachförderung",
            "text": "**dringend** <script>alert('x')</script>",
            "lebensphasen": [phase.pk],
        },
    )
    beitrag = Beitrag.objects.get()
    assert response["Location"] == beitrag.get_absolute_url()
    assert beitrag.author == welt.users["partner"] and beitrag.status == "offen"
    page = client.get(beitrag.get_absolute_url()).content.decode()
    assert "<strong>dringend</strong>" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_an_offer_from_the_registry_belongs_to_a_bestand_only(client_as, welt):
    data = {"art": "bedarf", "title": "X", "angebot": welt.angebot_public.pk}
    response = client_as("partner").post(
        reverse("foren:beitrag-create", args=[welt.forum_public.slug]), data
    )
    assert response.status_code == 200
    assert "gehört nur zu einem Bestand" in response.content.decode()
    assert 'value="X"' in response.content.decode(), "what was typed stays in the form"
    assert not Beitrag.objects.exists()


def test_filters_by_kind_phase_and_status(client_as, welt):
    phase = Lebensphase.objects.create(name="0-3 Jahre", slug="0-3")
    forum = welt.forum_public
    wanted = BeitragFactory(forum=forum, art="bedarf", title="Gesucht", status="offen")
    wanted.lebensphasen.add(phase)
    BeitragFactory(forum=forum, art="bestand", title="Anderer Art")
    BeitragFactory(forum=forum, art="bedarf", title="Erledigter", status="erledigt")
    page = (
        client_as("partner")
        .get(
            reverse("foren:beitrag-list", args=[forum.slug]),
            {"art": "bedarf", "lebensphase": phase.pk, "status": "offen"},
        )
        .content.decode()
    )
    assert "Gesucht" in page and "Anderer Art" not in page and "Erledigter" not in page


def test_the_collection_needs_the_same_queries_for_3_or_30_entries(
    client_as, welt, django_assert_max_num_queries
):
    forum = welt.forum_public
    phase = Lebensphase.objects.create(name="0-3 Jahre", slug="0-3")
    client = client_as("partner")
    url = reverse("foren:beitrag-list", args=[forum.slug])
    for _ in range(3):
        BeitragFactory(forum=forum).lebensphasen.add(phase)
    client.get(url)
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # both counts without the cached fragment (the writes below renew it anyway)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(27):
        BeitragFactory(forum=forum).lebensphasen.add(phase)
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_the_author_edits_and_the_history_shows_who_did(client_as, welt):
    beitrag = BeitragFactory(forum=welt.forum_public, author=welt.users["partner"])
    client = client_as("partner")
    response = client.post(
        reverse("foren:beitrag-edit", args=[welt.forum_public.slug, beitrag.pk]),
        {"art": "bedarf", "title": "Neuer Titel", "text": "mehr", "status": "erledigt"},
    )
    assert response.status_code == 302
    beitrag.refresh_from_db()
    assert beitrag.title == "Neuer Titel"
    assert beitrag.status == "offen", "the status is the moderation's word, not the author's"
    assert beitrag.history.first().history_user == welt.users["partner"]


def test_the_moderation_sets_the_status(client_as, welt):
    beitrag = BeitragFactory(forum=welt.forum_members, author=welt.users["moderation"])
    client_as("koordination").post(
        reverse("foren:beitrag-edit", args=[welt.forum_members.slug, beitrag.pk]),
        {"art": "bedarf", "title": beitrag.title, "status": "aufgegriffen"},
    )
    beitrag.refresh_from_db()
    assert beitrag.status == "aufgegriffen"


def test_members_comment_and_readers_along_cannot(client_as, welt):
    beitrag = BeitragFactory(forum=welt.forum_public)
    url = reverse("foren:beitrag-detail", args=[welt.forum_public.slug, beitrag.pk])
    assert client_as("partner").post(url, {"text": "Sehe ich auch so."}).status_code == 302
    assert beitrag.kommentare.get().text == "Sehe ich auch so."
    reader = client_as("gremium")
    assert reader.get(url).status_code == 200
    assert reader.post(url, {"text": "Ich auch"}).status_code == 404
    assert beitrag.kommentare.count() == 1


def test_non_members_cannot_read_members_only_entries_even_by_id(client_as, welt):
    beitrag = BeitragFactory(forum=welt.forum_members, title="Vertraulich")
    for role in ("anonym", "partner", "gremium"):
        client = client_as(role)
        for url in (
            reverse("foren:beitrag-detail", args=[welt.forum_members.slug, beitrag.pk]),
            # the id of a members-only entry under a forum the person may read
            reverse("foren:beitrag-detail", args=[welt.forum_public.slug, beitrag.pk]),
            reverse("foren:beitrag-list", args=[welt.forum_members.slug]) + "?export=csv",
        ):
            response = client.get(url)
            assert response.status_code in (302, 404), (role, url)
            assert b"Vertraulich" not in response.content


def test_the_collection_exports_as_csv(client_as, welt):
    BeitragFactory(forum=welt.forum_public, title="=HYPERLINK(1)")
    response = client_as("partner").get(
        reverse("foren:beitrag-list", args=[welt.forum_public.slug]), {"export": "csv"}
    )
    body = response.content.decode("utf-8-sig")
    assert "Titel" in body and "'=HYPERLINK(1)" in body


def test_code_and_typed_tags_show_as_written():
    html = render_markdown("`a < b` und <b>fett</b>")
    assert "<code>a &lt; b</code>" in html and "&lt;b&gt;fett&lt;/b&gt;" in html


def test_typed_headings_fit_below_the_page_headings():
    assert render_markdown("# Titel", top=2) == "<h2>Titel</h2>"
    assert "<h1>" not in render_markdown("# Titel\n\n## Unter")


def test_the_history_says_which_fields_changed(client_as, welt):
    phase = Lebensphase.objects.create(name="0-3 Jahre", slug="0-3")
    client = client_as("partner")
    client.post(
        reverse("foren:beitrag-create", args=[welt.forum_public.slug]),
        {"art": "bedarf", "title": "Erst", "text": "a"},
    )
    beitrag = Beitrag.objects.get()
    client.post(
        reverse("foren:beitrag-edit", args=[welt.forum_public.slug, beitrag.pk]),
        {"art": "bedarf", "title": "Dann", "text": "a", "lebensphasen": [phase.pk]},
    )
    page = client.get(beitrag.get_absolute_url()).content.decode()
    assert "Geändert: Titel" in page and "Geändert: Lebensphasen" in page
