"""Concepts, issue 14 part 3: who sees which status, a new concept from another one's outline,
renaming, reordering, removing (versions kept) and restoring chapters, the archive, co-authors of
a draft, the chapter number shown once, the first save as Version 1, and no progress reminders
for a draft's or an archived concept's measures."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netzwerk.datenschutz import Betroffene, auskunft
from netzwerk.konzepte import erinnerung, selectors, services
from netzwerk.models import (
    Gremium,
    Handlungsschwerpunkt,
    Kapitel,
    KapitelVersion,
    Kommentar,
    Konzept,
    Mail,
    Massnahme,
    Ziel,
)

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def _konzept(welt, title="Präventionskonzept", kapitel=("Ausgangslage", "Leitbild", "Ziele")):
    """A draft; every chapter but the last has a text (Version 1)."""
    koordination = welt.users["koordination"]
    konzept = services.konzept_create(title=title, user=koordination)
    for i, t in enumerate(kapitel):
        k = services.kapitel_create(konzept=konzept, title=t, user=koordination)
        if i < len(kapitel) - 1:
            services.kapitel_save(
                kapitel=k, title=t, text=f"Text zu {t}.", base_version=0, user=koordination
            )
    return konzept


def _titel(konzept) -> list[str]:
    return list(konzept.kapitel.values_list("title", flat=True))


def _status(konzept, status: str) -> None:
    Konzept.objects.filter(pk=konzept.pk).update(status=status)
    konzept.refresh_from_db()


# --- Who sees which status ----------------------------------------------------------------------

SICHTBAR = {
    # status: the roles that open the concept (the others get 404)
    "entwurf": {"koordination"},
    "beteiligung": {"koordination", "partner", "moderation", "gremium"},
    "beschlussvorlage": {"koordination", "partner", "moderation", "gremium"},
    "beschlossen": {"koordination", "partner", "moderation", "gremium", "wartend", "anonym"},
}


@pytest.mark.parametrize("status", SICHTBAR)
def test_each_status_is_read_by_its_readers_only_on_the_page_and_in_the_list(
    client_as, welt, status
):
    konzept = _konzept(welt, title="Konzept im Test")
    _status(konzept, status)
    for role in ("anonym", "wartend", "partner", "moderation", "gremium", "koordination"):
        client = client_as(role)
        darf = role in SICHTBAR[status]
        assert client.get(konzept.get_absolute_url()).status_code == (200 if darf else 404), role
        massnahmen = reverse("netzwerk:massnahme-list", args=[konzept.slug])
        assert client.get(massnahmen).status_code == (200 if darf else 404), role
        liste = client.get(reverse("netzwerk:konzept-list")).content.decode()
        assert ("Konzept im Test" in liste) == darf, role


def test_a_committee_member_does_not_open_a_draft_but_its_co_author_does(client_as, welt):
    konzept = _konzept(welt)
    url = konzept.get_absolute_url()
    assert client_as("gremium").get(url).status_code == 404
    konzept.mitwirkende.add(welt.users["gremium"])
    assert client_as("gremium").get(url).status_code == 200
    liste = client_as("gremium").get(reverse("netzwerk:konzept-list")).content.decode()
    assert "Präventionskonzept" in liste and "Sie wirken an diesem Entwurf mit" in liste
    # Other drafts stay hidden from the co-author.
    _konzept(welt, title="Anderer Entwurf")
    assert "Anderer Entwurf" not in client_as("gremium").get(reverse("netzwerk:konzept-list"))


def test_a_milestone_links_a_draft_only_for_those_who_may_read_it(client_as, welt):
    from netzwerk.models import Meilenstein

    konzept = _konzept(welt)
    Meilenstein.objects.create(date="2026-01-10", title="Entwurf begonnen", konzept=konzept)
    zeitleiste = reverse("netzwerk:zeitleiste")
    assert konzept.get_absolute_url() not in client_as("gremium").get(zeitleiste).content.decode()
    seite = client_as("koordination").get(zeitleiste).content.decode()
    assert konzept.get_absolute_url() in seite


def test_the_concept_list_needs_as_many_queries_for_12_concepts_as_for_2(client_as, welt):
    for i in range(2):
        _status(_konzept(welt, title=f"Konzept {i}"), "beteiligung")
    client = client_as("partner")
    url = reverse("netzwerk:konzept-list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(2, 12):
        k = _konzept(welt, title=f"Konzept {i}")
        _status(k, "beteiligung" if i % 2 else "beschlossen")
        if i % 3 == 0:
            services.konzept_archive(konzept=k, archiviert=True, user=welt.users["koordination"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Konzept 11" in page and "Archiv" in page
    assert len(many) == len(few)


# --- Numbers and versions -----------------------------------------------------------------------


def test_a_chapter_is_numbered_once_whether_or_not_its_title_carries_a_number(client_as, welt):
    konzept = _konzept(welt, kapitel=("1. Ausgangslage", "2.1 Leitbild", "2030 Ziele"))
    # The title is kept as typed; the page leaves the typed number out where it numbers them.
    assert _titel(konzept) == ["1. Ausgangslage", "2.1 Leitbild", "2030 Ziele"]
    Kapitel.objects.filter(title="2.1 Leitbild").update(title="2. Leitbild")
    page = client_as("koordination").get(konzept.get_absolute_url()).content.decode()
    assert ">1. Ausgangslage</h2>" in page and ">2. Leitbild</h2>" in page
    assert ">3. 2030 Ziele</h2>" in page
    assert "1. 1." not in page and "2. 2." not in page


def test_the_first_save_of_a_new_chapter_is_version_1(client_as, welt):
    konzept = _konzept(welt, kapitel=())
    client = client_as("koordination")
    response = client.post(
        reverse("netzwerk:kapitel-create", args=[konzept.slug]), {"title": "Ausgangslage"}
    )
    kapitel = konzept.kapitel.get()
    assert response["Location"] == reverse("netzwerk:kapitel-edit", args=[konzept.slug, kapitel.pk])
    assert kapitel.version == 0 and not kapitel.versionen.exists()
    page = client.get(konzept.get_absolute_url()).content.decode()
    assert "Noch kein Text gespeichert." in page and "Version 0" not in page
    client.post(
        reverse("netzwerk:kapitel-edit", args=[konzept.slug, kapitel.pk]),
        {"title": "Ausgangslage", "text": "Erste Fassung", "version": 0},
    )
    kapitel.refresh_from_db()
    assert kapitel.version == 1
    assert list(kapitel.versionen.values_list("number", "text")) == [(1, "Erste Fassung")]
    assert "Version 1 vom" in client.get(konzept.get_absolute_url()).content.decode()


# --- A new concept from another one's outline ---------------------------------------------------


def test_a_new_concept_takes_the_outline_of_another_with_empty_chapters(client_as, welt):
    alt = _konzept(welt, title="Präventionskonzept 2019")
    services.kapitel_move(
        kapitel=alt.kapitel.get(title="Ziele"), richtung="hoch", user=welt.users["koordination"]
    )
    _status(alt, "beteiligung")
    Kommentar.objects.create(kapitel=alt.kapitel.first(), text="Gut so.")
    client = client_as("koordination")
    seite = client.get(reverse("netzwerk:konzept-list"), {"vorlage": alt.slug}).content.decode()
    assert f'<option value="{alt.pk}" selected>' in seite
    response = client.post(
        reverse("netzwerk:konzept-list"),
        {"title": "Präventionskonzept 2026", "vorlage": alt.pk},
        follow=True,
    )
    neu = Konzept.objects.get(title="Präventionskonzept 2026")
    assert "mit der Gliederung von „Präventionskonzept 2019“" in response.content.decode()
    assert neu.status == "entwurf" and _titel(neu) == ["Ausgangslage", "Ziele", "Leitbild"]
    assert set(neu.kapitel.values_list("text", "version")) == {("", 0)}
    assert not KapitelVersion.objects.filter(kapitel__konzept=neu).exists()
    assert not Kommentar.objects.filter(kapitel__konzept=neu).exists()
    assert _titel(alt) == ["Ausgangslage", "Ziele", "Leitbild"]  # the template is unchanged


def test_a_new_concept_may_take_the_texts_as_its_version_1(welt):
    alt = _konzept(welt, title="Integrationskonzept 2024")
    partner_version = alt.kapitel.get(title="Leitbild")
    services.kapitel_save(
        kapitel=partner_version, title="Leitbild", text="Neuer Text.", base_version=1, user=None
    )
    neu = services.konzept_create(
        title="Integrationskonzept 2028", vorlage=alt, mit_text=True,
        user=welt.users["koordination"],
    )  # fmt: skip
    assert list(neu.kapitel.values_list("title", "text", "version")) == [
        ("Ausgangslage", "Text zu Ausgangslage.", 1),
        ("Leitbild", "Neuer Text.", 1),
        ("Ziele", "", 0),
    ]
    version = KapitelVersion.objects.get(kapitel__konzept=neu, kapitel__title="Leitbild")
    assert (version.number, version.author) == (1, welt.users["koordination"])


def test_taking_texts_without_an_outline_is_explained_and_nothing_is_lost(client_as, welt):
    client = client_as("koordination")
    page = client.post(
        reverse("netzwerk:konzept-list"),
        {"title": "Ohne Vorlage", "description": "Mein Text", "mit_text": "on"},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Texte lassen sich nur mit einer Gliederung übernehmen." in text
    assert "Mein Text" in text and 'value="Ohne Vorlage"' in text
    assert not Konzept.objects.filter(title="Ohne Vorlage").exists()


def test_only_the_coordination_creates_a_concept_in_the_service(welt):
    with pytest.raises(PermissionDenied, match="Berechtigung"):
        services.konzept_create(title="Meins", user=welt.users["partner"])
    assert not Konzept.objects.exists()


# --- Rename, reorder, delete --------------------------------------------------------------------


def test_renaming_a_chapter_with_text_is_a_version_and_a_bad_title_keeps_what_was_typed(
    client_as, welt
):
    konzept = _konzept(welt)
    kapitel = konzept.kapitel.get(title="Ausgangslage")
    client = client_as("koordination")
    url = reverse("netzwerk:kapitel-rename", args=[konzept.slug, kapitel.pk])
    response = client.post(url, {"title": "Lage in Musterstadt"})
    assert response["Location"].endswith(f"#kapitel-{kapitel.pk}")
    kapitel.refresh_from_db()
    assert (kapitel.title, kapitel.version, kapitel.text) == (
        "Lage in Musterstadt", 2, "Text zu Ausgangslage."
    )  # fmt: skip
    assert list(kapitel.versionen.values_list("title", flat=True)) == [
        "Lage in Musterstadt", "Ausgangslage",
    ]  # fmt: skip
    page = client.post(url, {"title": "   "})
    assert page.status_code == 200
    assert "Bitte geben Sie eine Überschrift an." in page.content.decode()
    page = client.post(url, {"title": "x" * 201})
    text = page.content.decode()
    assert "höchstens 200 Zeichen" in text and 'value="' + "x" * 201 + '"' in text
    kapitel.refresh_from_db()
    assert kapitel.title == "Lage in Musterstadt"
    # A chapter without text yet changes its title without a version.
    leer = konzept.kapitel.get(title="Ziele")
    client.post(reverse("netzwerk:kapitel-rename", args=[konzept.slug, leer.pk]), {"title": "Z"})
    leer.refresh_from_db()
    assert (leer.title, leer.version) == ("Z", 0)


def test_chapters_move_up_and_down_with_buttons(client_as, welt):
    konzept = _konzept(welt)
    client = client_as("koordination")
    page = client.get(reverse("netzwerk:konzept-gliederung", args=[konzept.slug])).content.decode()
    assert page.count("disabled") == 2  # up for the first chapter, down for the last
    ziele = konzept.kapitel.get(title="Ziele")
    move = reverse("netzwerk:kapitel-move", args=[konzept.slug, ziele.pk])
    response = client.post(move, {"richtung": "hoch"}, follow=True)
    assert "„Ziele“ ist jetzt Kapitel 2." in response.content.decode()
    assert _titel(konzept) == ["Ausgangslage", "Ziele", "Leitbild"]
    client.post(move, {"richtung": "hoch"})
    client.post(move, {"richtung": "hoch"})  # already first: stays
    assert _titel(konzept) == ["Ziele", "Ausgangslage", "Leitbild"]
    assert list(konzept.kapitel.values_list("position", flat=True)) == [1, 2, 3]
    client.post(move, {"richtung": "runter"})
    assert _titel(konzept) == ["Ausgangslage", "Ziele", "Leitbild"]
    response = client.post(move, {"richtung": "quer"}, follow=True)
    assert "nach oben oder nach unten" in response.content.decode()


def test_rows_sharing_a_position_still_move(welt):
    konzept = _konzept(welt)
    Kapitel.objects.filter(konzept=konzept).update(position=0)  # as older rows may be
    ziele = konzept.kapitel.get(title="Ziele")
    services.kapitel_move(kapitel=ziele, richtung="hoch", user=welt.users["koordination"])
    assert _titel(konzept) == ["Ausgangslage", "Ziele", "Leitbild"]


def _entfernen(konzept, title="Leitbild"):
    """Removes a chapter with text (two versions and a comment) from the draft."""
    kapitel = konzept.kapitel.get(title=title)
    services.kapitel_save(
        kapitel=kapitel, title=title, text="Zweite Fassung", base_version=1, user=None
    )
    Kommentar.objects.create(kapitel=kapitel, text="Früher kommentiert.", version=1)
    return kapitel


def test_removing_a_chapter_with_text_keeps_it_with_its_versions_on_the_outline_only(
    client_as, welt
):
    konzept = _konzept(welt)
    leitbild = _entfernen(konzept)
    client = client_as("koordination")
    response = client.post(
        reverse("netzwerk:kapitel-delete", args=[konzept.slug, leitbild.pk]), follow=True
    )
    text = response.content.decode()
    assert "„Leitbild“ ist aus dem Konzept entfernt. Seine Versionen bleiben lesbar" in text
    assert response.redirect_chain[-1][0].endswith("#entfernt")
    assert _titel(konzept) == ["Ausgangslage", "Ziele"]
    assert list(konzept.kapitel.values_list("position", flat=True)) == [1, 2]
    # The chapter stays in its concept, marked, with its versions and its comment; no stand-in
    # concept holds it.
    leitbild = Kapitel.alle.get(pk=leitbild.pk)
    assert leitbild.konzept == konzept and leitbild.entfernt_am is not None
    assert not Kapitel.objects.filter(pk=leitbild.pk).exists()
    assert list(leitbild.versionen.values_list("number", "text")) == [
        (2, "Zweite Fassung"), (1, "Text zu Leitbild."),
    ]  # fmt: skip
    assert leitbild.kommentare.count() == 1
    assert Konzept.objects.count() == 1
    # The outline lists it with the date, a link to its versions and a restore button.
    gliederung = client.get(reverse("netzwerk:konzept-gliederung", args=[konzept.slug]))
    seite = gliederung.content.decode()
    versionen = reverse("netzwerk:kapitel-versionen", args=[konzept.slug, leitbild.pk])
    entfernt = timezone.localtime(leitbild.entfernt_am)
    assert "Entfernte Kapitel" in seite and f"entfernt am {entfernt:%d.%m.%Y}" in seite
    assert versionen in seite
    assert reverse("netzwerk:kapitel-restore", args=[konzept.slug, leitbild.pk]) in seite
    assert reverse("netzwerk:kapitel-rename", args=[konzept.slug, leitbild.pk]) not in seite
    versionen_seite = client.get(versionen, {"a": 1, "b": 2}).content.decode()
    assert "Zweite Fassung" in versionen_seite and "aus dem Konzept entfernt" in versionen_seite
    # Nowhere else: not on the concept's page, not in its open comments, not in the list's count,
    # not in a new concept taken from its outline.
    detail = client.get(konzept.get_absolute_url()).content.decode()
    assert "Leitbild" not in detail and "Zweite Fassung" not in detail and versionen not in detail
    assert "Kommentar ist noch nicht beantwortet" not in detail
    assert "2 Kapitel" in client.get(reverse("netzwerk:konzept-list")).content.decode()
    kopie = services.konzept_create(
        title="Kopie", vorlage=konzept, mit_text=True, user=welt.users["koordination"]
    )
    assert _titel(kopie) == ["Ausgangslage", "Ziele"]
    edit = reverse("netzwerk:kapitel-edit", args=[konzept.slug, leitbild.pk])
    assert client.get(edit).status_code == 302
    # Its versions are the coordination's: a partner reading the concept later gets a 404.
    _status(konzept, "beteiligung")
    assert client_as("partner").get(konzept.get_absolute_url()).status_code == 200
    assert client_as("partner").get(versionen).status_code == 404
    kommentieren = reverse("netzwerk:kommentar-create", args=[konzept.slug, leitbild.pk])
    assert client_as("partner").post(kommentieren, {"text": "Noch da?"}).status_code == 404


def test_a_chapter_that_never_had_text_is_deleted_outright(client_as, welt):
    konzept = _konzept(welt)
    ziele = konzept.kapitel.get(title="Ziele")
    response = client_as("koordination").post(
        reverse("netzwerk:kapitel-delete", args=[konzept.slug, ziele.pk]), follow=True
    )
    assert "„Ziele“ ist gelöscht." in response.content.decode()
    assert not Kapitel.alle.filter(pk=ziele.pk).exists()
    assert 'id="entfernt"' not in response.content.decode()  # no removed chapters listed
    # A chapter that was commented on is kept, even without text.
    leer = services.kapitel_create(konzept=konzept, title="Offen", user=None)
    Kommentar.objects.create(kapitel=leer, text="Was kommt hierhin?")
    assert services.kapitel_delete(kapitel=leer, user=welt.users["koordination"]) == leer
    assert Kapitel.alle.get(pk=leer.pk).entfernt_am is not None


def test_the_managers_hide_removed_chapters_but_versions_and_comments_reach_them(welt):
    konzept = _konzept(welt)
    leitbild = _entfernen(konzept)
    services.kapitel_delete(kapitel=leitbild, user=welt.users["koordination"])
    assert Kapitel._default_manager is Kapitel.objects
    assert Kapitel.objects.filter(pk=leitbild.pk).count() == 0
    assert Kapitel.alle.filter(pk=leitbild.pk).count() == 1
    # The related manager subclasses the default manager: konzept.kapitel leaves it out, also
    # when prefetched.
    assert leitbild.pk not in konzept.kapitel.values_list("pk", flat=True)
    assert konzept.kapitel.count() == 2
    prefetched = Konzept.objects.prefetch_related("kapitel").get(pk=konzept.pk)
    assert [k.title for k in prefetched.kapitel.all()] == ["Ausgangslage", "Ziele"]
    # The base manager stays unfiltered: a version's and a comment's chapter is still there.
    version = KapitelVersion.objects.filter(kapitel_id=leitbild.pk).first()
    assert version.kapitel.pk == leitbild.pk
    kommentar = Kommentar.objects.get(kapitel_id=leitbild.pk)
    assert kommentar.kapitel.title == "Leitbild"
    assert KapitelVersion.objects.select_related("kapitel").get(pk=version.pk).kapitel.pk == (
        leitbild.pk
    )
    # Deleting the concept deletes its removed chapters too.
    konzept.delete()
    assert not Kapitel.alle.exists() and not KapitelVersion.objects.exists()


def test_a_removed_chapter_is_restored_as_the_last_one_in_the_draft_only(client_as, welt):
    konzept = _konzept(welt)
    leitbild = _entfernen(konzept)
    koordination = welt.users["koordination"]
    services.kapitel_delete(kapitel=leitbild, user=koordination)
    client = client_as("koordination")
    restore = reverse("netzwerk:kapitel-restore", args=[konzept.slug, leitbild.pk])
    # Not in Beteiligung: no button, and a POST explains why.
    _status(konzept, "beteiligung")
    seite = client.get(reverse("netzwerk:konzept-gliederung", args=[konzept.slug])).content
    assert "Leitbild" in seite.decode() and restore not in seite.decode()
    response = client.post(restore, follow=True)
    assert "nur im Entwurf wiederherstellen" in response.content.decode()
    assert Kapitel.alle.get(pk=leitbild.pk).entfernt_am is not None
    # In the draft: back as the last chapter, with its versions and comment.
    _status(konzept, "entwurf")
    response = client.post(restore, follow=True)
    assert "„Leitbild“ ist wieder im Konzept, als Kapitel 3" in response.content.decode()
    assert _titel(konzept) == ["Ausgangslage", "Ziele", "Leitbild"]
    assert list(konzept.kapitel.values_list("position", flat=True)) == [1, 2, 3]
    leitbild = konzept.kapitel.get(pk=leitbild.pk)
    assert (leitbild.version, leitbild.versionen.count(), leitbild.kommentare.count()) == (2, 2, 1)
    assert "Zweite Fassung" in client.get(konzept.get_absolute_url()).content.decode()
    # Twice is once; the service asks for the right as well.
    assert services.kapitel_restore(kapitel=leitbild, user=koordination).position == 3
    with pytest.raises(PermissionDenied):
        services.kapitel_restore(kapitel=leitbild, user=welt.users["partner"])


def test_a_save_on_a_chapter_removed_meanwhile_keeps_the_typed_text(client_as, welt):
    konzept = _konzept(welt)
    leitbild = konzept.kapitel.get(title="Leitbild")
    client = client_as("koordination")
    edit = reverse("netzwerk:kapitel-edit", args=[konzept.slug, leitbild.pk])
    assert client.get(edit).status_code == 200  # the editor is open ...
    services.kapitel_delete(kapitel=leitbild, user=welt.users["koordination"])  # ... meanwhile
    response = client.post(edit, {"title": "Leitbild", "text": "Mein neuer Absatz", "version": 1})
    text = response.content.decode()
    assert response.status_code == 200
    assert "inzwischen aus dem Konzept entfernt worden" in text and "Mein neuer Absatz" in text
    assert Kapitel.alle.get(pk=leitbild.pk).version == 1
    # Who last wrote it stays in the person's data (Auskunft), removed or not.
    daten = auskunft(Betroffene(user_id=welt.users["koordination"].pk))
    assert {"kapitel": "Leitbild", "konzept": "Präventionskonzept"} in (
        daten["netzwerk.kapitel"]["eintraege"]
    )


def test_chapters_are_deleted_only_in_the_draft(client_as, welt):
    konzept = _konzept(welt)
    _status(konzept, "beteiligung")
    kapitel = konzept.kapitel.get(title="Ziele")
    client = client_as("koordination")
    seite = client.get(reverse("netzwerk:konzept-gliederung", args=[konzept.slug]))
    assert reverse("netzwerk:kapitel-delete", args=[konzept.slug, kapitel.pk]) not in (
        seite.content.decode()
    )
    assert "nur im Entwurf löschen" in seite.content.decode()
    response = client.post(
        reverse("netzwerk:kapitel-delete", args=[konzept.slug, kapitel.pk]), follow=True
    )
    assert "Kapitel lassen sich nur im Entwurf löschen." in response.content.decode()
    assert Kapitel.objects.filter(pk=kapitel.pk).exists()


def test_the_outline_of_a_decided_concept_stays_as_it_is(client_as, welt):
    konzept = _konzept(welt)
    _status(konzept, "beschlossen")
    client = client_as("koordination")
    response = client.get(reverse("netzwerk:konzept-gliederung", args=[konzept.slug]), follow=True)
    assert "seine Gliederung bleibt, wie sie ist" in response.content.decode()
    kapitel = konzept.kapitel.first()
    with pytest.raises(ValidationError, match="beschlossen"):
        services.kapitel_move(kapitel=kapitel, richtung="runter", user=welt.users["koordination"])
    with pytest.raises(ValidationError, match="beschlossen"):
        services.kapitel_rename(kapitel=kapitel, title="Neu", user=welt.users["koordination"])


# --- The archive --------------------------------------------------------------------------------


def test_an_archived_concept_leaves_the_list_stays_readable_and_is_not_edited(client_as, welt):
    konzept = _konzept(welt, title="Präventionskonzept 2019")
    gremium = Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    Konzept.objects.filter(pk=konzept.pk).update(
        status="beschlossen", gremium=gremium, decided_on="2019-05-21", resolution="VO/19/1"
    )
    client = client_as("koordination")
    archiv = reverse("netzwerk:konzept-archive", args=[konzept.slug])
    response = client.post(archiv, {"aktion": "archivieren"}, follow=True)
    assert "Das Konzept ist archiviert" in response.content.decode()
    konzept.refresh_from_db()
    assert konzept.archived_at is not None
    # The public list shows it in the archive section only, and the page stays readable.
    liste = client_as("anonym").get(reverse("netzwerk:konzept-list")).content.decode()
    vorher, nachher = liste.split('id="archiv-titel"')
    assert "Präventionskonzept 2019" not in vorher and "Präventionskonzept 2019" in nachher
    seite = client_as("anonym").get(konzept.get_absolute_url()).content.decode()
    assert "lässt sich aber nicht mehr ändern" in seite and "Text zu Ausgangslage." in seite


def test_nothing_in_an_archived_draft_changes_until_it_comes_back(client_as, welt):
    konzept = _konzept(welt)
    koordination = welt.users["koordination"]
    services.konzept_archive(konzept=konzept, archiviert=True, user=koordination)
    kapitel = konzept.kapitel.get(title="Ausgangslage")
    for change in (
        lambda: services.kapitel_save(
            kapitel=kapitel, title="x", text="y", base_version=1, user=koordination
        ),
        lambda: services.kapitel_create(konzept=konzept, title="Neu", user=koordination),
        lambda: services.kapitel_delete(kapitel=kapitel, user=koordination),
        lambda: services.kapitel_move(kapitel=kapitel, richtung="runter", user=koordination),
        lambda: services.konzept_status_set(konzept=konzept, status="beteiligung"),
        lambda: services.konzept_mitwirkende_set(
            konzept=konzept, mitwirkende=[welt.users["partner"]], user=koordination
        ),
    ):
        with pytest.raises(ValidationError, match="archiviert"):
            change()
    client = client_as("koordination")
    edit = reverse("netzwerk:kapitel-edit", args=[konzept.slug, kapitel.pk])
    response = client.get(edit, follow=True)
    assert "archiviert" in response.content.decode()
    assert response.redirect_chain[-1][0] == konzept.get_absolute_url()
    seite = client.get(konzept.get_absolute_url()).content.decode()
    assert "Bearbeiten" not in seite and "Kapitel hinzufügen" not in seite
    assert "Aus dem Archiv zurückholen" in seite
    client.post(
        reverse("netzwerk:konzept-archive", args=[konzept.slug]), {"aktion": "zurueckholen"}
    )
    konzept.refresh_from_db()
    assert konzept.archived_at is None
    assert client.get(edit).status_code == 200


def test_comments_end_with_the_archive(client_as, welt):
    konzept = _konzept(welt)
    _status(konzept, "beteiligung")
    kapitel = konzept.kapitel.first()
    kommentar = services.kommentar_create(kapitel=kapitel, text="Gut.", user=welt.users["partner"])
    services.konzept_archive(konzept=konzept, archiviert=True, user=welt.users["koordination"])
    url = reverse("netzwerk:kommentar-create", args=[konzept.slug, kapitel.pk])
    assert client_as("partner").post(url, {"text": "Noch einer"}).status_code == 404
    with pytest.raises(ValidationError, match="archiviert"):
        services.kommentar_answer(
            kommentar=kommentar, status="aufgenommen", answer="", user=welt.users["koordination"]
        )
    answer = reverse("netzwerk:kommentar-answer", args=[konzept.slug, kommentar.pk])
    response = client_as("koordination").post(answer, {"status": "aufgenommen"}, follow=True)
    assert "archiviert" in response.content.decode()
    assert Kommentar.objects.get().status == "offen"


# --- Co-authors ---------------------------------------------------------------------------------


def test_a_coordinator_invites_co_authors_who_write_the_draft_only(client_as, welt):
    konzept = _konzept(welt)
    partner = welt.users["partner"]
    client = client_as("koordination")
    url = reverse("netzwerk:konzept-mitwirkende", args=[konzept.slug])
    page = client.get(url).content.decode()
    assert "partner@test.example" in page and "Kita Wolke" in page  # name, address, organisation
    assert "koordination@test.example" not in page  # the coordination writes anyway
    assert "wartend@test.example" not in page  # not approved
    client.post(url, {"mitwirkende": [partner.pk]})
    assert list(konzept.mitwirkende.all()) == [partner]
    # The co-author writes a chapter; the outline and the status stay the coordination's.
    kapitel = konzept.kapitel.get(title="Ziele")
    co = client_as("partner")
    edit = reverse("netzwerk:kapitel-edit", args=[konzept.slug, kapitel.pk])
    seite = co.get(konzept.get_absolute_url()).content.decode()
    assert "Sie wirken an diesem Entwurf mit" in seite and edit in seite
    assert "Kapitel hinzufügen" not in seite and "Für die Koordination" not in seite
    co.post(edit, {"title": "Ziele", "text": "Von Paula.", "version": 0})
    kapitel.refresh_from_db()
    assert (kapitel.version, kapitel.updated_by) == (1, partner)
    for name in ("konzept-gliederung", "konzept-mitwirkende"):
        assert co.get(reverse(f"netzwerk:{name}", args=[konzept.slug])).status_code == 404
    neu = co.post(reverse("netzwerk:kapitel-create", args=[konzept.slug]), {"title": "X"})
    assert neu.status_code == 404
    assert konzept.kapitel.count() == 3
    # In Beteiligung the co-author reads like every approved account, and writes no more.
    services.konzept_status_set(konzept=konzept, status="beteiligung")
    assert co.get(edit).status_code == 404
    with pytest.raises(ValidationError, match="nicht mehr im Entwurf"):
        services.kapitel_save(
            kapitel=kapitel, title="Ziele", text="Z", base_version=1, user=partner
        )
    # ...and the coordination can take them off the list, but not add anyone now.
    client = client_as("koordination")
    response = client.post(url, {"mitwirkende": [partner.pk, welt.users["gremium"].pk]})
    assert "Mitwirkende laden Sie zu einem Entwurf ein." in response.content.decode()
    client.post(url, {})
    assert not konzept.mitwirkende.exists()


def test_only_approved_active_accounts_become_co_authors(welt):
    konzept = _konzept(welt)
    ehemalig = UserFactory(email="ehemalig@test.example", is_active=False)
    with pytest.raises(ValidationError, match="Nur freigegebene, aktive Konten"):
        services.konzept_mitwirkende_set(
            konzept=konzept, mitwirkende=[welt.users["wartend"], ehemalig],
            user=welt.users["koordination"],
        )  # fmt: skip
    assert not konzept.mitwirkende.exists()


def test_ohne_nummer_keeps_titles_that_only_begin_with_a_number():
    assert selectors.ohne_nummer("3.000 Familien erreichen") == "3.000 Familien erreichen"
    assert selectors.ohne_nummer("10.000 Schritte") == "10.000 Schritte"
    assert selectors.ohne_nummer("1. Ausgangslage") == "Ausgangslage"
    assert selectors.ohne_nummer("2.3 Ziele") == "Ziele"
    assert selectors.ohne_nummer("4) Steuerung") == "Steuerung"
    assert selectors.ohne_nummer("IV. Anhang") == "Anhang"
    assert selectors.ohne_nummer("2030 Ziele") == "2030 Ziele"
    assert selectors.ohne_nummer("1.") == "1."


def test_no_progress_reminders_for_the_measures_of_a_draft_or_an_archived_concept(welt):
    lange_her = timezone.now() - timedelta(days=400)
    konzepte = {
        "Im Entwurf": {"status": "entwurf"},
        "In Beteiligung": {"status": "beteiligung"},
        "Beschlossen": {"status": "beschlossen"},
        "Archiviert": {"status": "beschlossen", "archived_at": timezone.now()},
    }
    for title, felder in konzepte.items():
        konzept = Konzept.objects.create(
            title=title, slug=title.lower().replace(" ", "-"), created_at=lange_her, **felder
        )
        schwerpunkt = Handlungsschwerpunkt.objects.create(konzept=konzept, title="S")
        ziel = Ziel.objects.create(schwerpunkt=schwerpunkt, title="Z")
        massnahme = Massnahme.objects.create(ziel=ziel, title=f"Maßnahme {title}")
        massnahme.organisationen.add(welt.organisation)
    faellig = erinnerung.massnahmen_faellig(now=timezone.now())
    assert set(faellig.values_list("title", flat=True)) == {
        "Maßnahme In Beteiligung", "Maßnahme Beschlossen",
    }  # fmt: skip
    assert erinnerung.massnahmen_erinnern() >= 1
    texte = " ".join(Mail.objects.values_list("body_text", flat=True))
    assert "Maßnahme Beschlossen" in texte and "Maßnahme In Beteiligung" in texte
    assert "Maßnahme Im Entwurf" not in texte and "Maßnahme Archiviert" not in texte
