"""Concept documents: versions and their difference, conflicts, the status flow and the frozen
decision, comments during Beteiligung and their answers, rights."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from netzwerk.konzepte import services
from netzwerk.konzepte.diff import diff_html
from netzwerk.models import Gremium, Kapitel, KapitelVersion, Kommentar, Konzept

pytestmark = pytest.mark.django_db


@pytest.fixture
def konzept(welt):
    konzept = Konzept.objects.create(title="Präventionskonzept", slug="praeventionskonzept")
    kapitel = services.kapitel_create(
        konzept=konzept, title="Ausgangslage", user=welt.users["koordination"]
    )
    services.kapitel_save(
        kapitel=kapitel, title="Ausgangslage", text="Jedes vierte Kind lebt in Armut.",
        base_version=0, user=welt.users["koordination"],
    )  # fmt: skip
    return konzept


def _kapitel(konzept) -> Kapitel:
    return konzept.kapitel.get()


def test_every_save_is_a_version_with_author_and_time_and_the_first_is_version_1(welt, konzept):
    kapitel = _kapitel(konzept)
    # Creating the chapter saved no (empty) version: the first text is Version 1.
    assert kapitel.version == 1
    assert list(kapitel.versionen.values_list("number", "text")) == [
        (1, "Jedes vierte Kind lebt in Armut."),
    ]  # fmt: skip
    assert kapitel.versionen.first().author == welt.users["koordination"]
    same = services.kapitel_save(
        kapitel=kapitel, title=kapitel.title, text=kapitel.text, base_version=1, user=None
    )
    assert same.version == 1 and KapitelVersion.objects.count() == 1  # no empty version
    services.kapitel_save(
        kapitel=kapitel, title=kapitel.title, text="Zweite Fassung", base_version=1, user=None
    )
    assert list(kapitel.versionen.values_list("number", flat=True)) == [2, 1]


def test_a_save_on_top_of_a_newer_one_is_refused_and_shows_the_newer_text(client_as, konzept):
    kapitel = _kapitel(konzept)
    url = reverse("netzwerk:kapitel-edit", args=[konzept.slug, kapitel.pk])
    client = client_as("koordination")
    # Two coordinators opened version 1; the first saves.
    client.post(url, {"title": "Ausgangslage", "text": "Erste Fassung", "version": 1})
    page = client.post(url, {"title": "Ausgangslage", "text": "Zweite Fassung", "version": 1})
    text = page.content.decode()
    assert page.status_code == 200 and "inzwischen gespeichert (Version 2)" in text
    assert "Zweite Fassung" in text and "Erste Fassung" in text  # both, nothing lost
    kapitel.refresh_from_db()
    assert (kapitel.version, kapitel.text) == (2, "Erste Fassung")


def test_the_difference_between_two_versions_is_marked_word_by_word(client_as, konzept):
    assert str(diff_html("Die Kinder <b> lernen gut.", "Die Kinder lernen sehr gut.")) == (
        "Die Kinder <del>&lt;b&gt; </del>lernen <ins>sehr </ins>gut."
    )
    kapitel = _kapitel(konzept)
    services.kapitel_save(
        kapitel=kapitel, title="Ausgangslage", text="Jedes vierte Kind lebt in Armut, sagt der "
        "Bericht.", base_version=1, user=None,
    )  # fmt: skip
    services.konzept_status_set(konzept=konzept, status="beteiligung")  # partners read along
    url = reverse("netzwerk:kapitel-versionen", args=[konzept.slug, kapitel.pk])
    page = client_as("partner").get(url, {"a": 1, "b": 2}).content.decode()
    assert "<del>Armut.</del><ins>Armut, sagt der Bericht.</ins>" in page
    assert client_as("partner").get(url, {"a": "x", "b": "²"}).status_code == 200


def test_the_status_moves_one_step_forward_or_back_and_the_decision_freezes(welt, konzept):
    with pytest.raises(ValidationError, match="nur zu „Beteiligung“"):
        services.konzept_status_set(konzept=konzept, status="beschlussvorlage")
    services.konzept_status_set(konzept=konzept, status="beteiligung")
    services.konzept_status_set(konzept=konzept, status="beschlussvorlage")
    with pytest.raises(ValidationError, match="Gremium, Datum oder Beschlussnummer"):
        services.konzept_status_set(konzept=konzept, status="beschlossen")
    gremium = Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    services.konzept_status_set(
        konzept=konzept, status="beschlossen", gremium=gremium, decided_on="2026-11-20",
        resolution="VO/22/0594",
    )  # fmt: skip
    konzept.refresh_from_db()
    assert konzept.frozen and konzept.resolution == "VO/22/0594"
    with pytest.raises(ValidationError, match="beschlossen"):
        services.kapitel_save(
            kapitel=_kapitel(konzept), title="x", text="y", base_version=1, user=None
        )
    with pytest.raises(ValidationError, match="beschlossen"):
        services.konzept_status_set(konzept=konzept, status="entwurf")
    with pytest.raises(ValidationError, match="beschlossen"):
        services.kapitel_create(konzept=konzept, title="Neu", user=None)


def test_partners_comment_during_beteiligung_and_the_coordination_answers(client_as, welt, konzept):
    kapitel = _kapitel(konzept)
    url = reverse("netzwerk:kommentar-create", args=[konzept.slug, kapitel.pk])
    assert client_as("partner").post(url, {"text": "Zu früh"}).status_code == 404  # Entwurf
    services.konzept_status_set(konzept=konzept, status="beteiligung")
    client_as("partner").post(url, {"text": "Bitte die Kitas nennen."})
    kommentar = Kommentar.objects.get()
    assert kommentar.author == welt.users["partner"] and kommentar.version == 1
    answer = reverse("netzwerk:kommentar-answer", args=[konzept.slug, kommentar.pk])
    assert client_as("partner").post(answer, {"status": "aufgenommen"}).status_code == 404
    client_as("koordination").post(answer, {"status": "aufgenommen", "answer": "Ergänzt."})
    kommentar.refresh_from_db()
    assert (kommentar.status, kommentar.answer) == ("aufgenommen", "Ergänzt.")
    page = client_as("gremium").get(konzept.get_absolute_url()).content.decode()
    assert "Bitte die Kitas nennen." in page and "Ergänzt." in page
    services.konzept_status_set(konzept=konzept, status="beschlussvorlage")
    assert client_as("partner").post(url, {"text": "Zu spät"}).status_code == 404
    assert Kommentar.objects.count() == 1


def test_the_public_reads_decided_concepts_only(client_as, konzept):
    url = konzept.get_absolute_url()
    assert client_as("anonym").get(url).status_code == 404
    assert client_as("partner").get(url).status_code == 404  # a draft
    Konzept.objects.filter(pk=konzept.pk).update(status="beteiligung")
    assert client_as("partner").get(url).status_code == 200
    Konzept.objects.filter(pk=konzept.pk).update(status="beschlossen")
    assert client_as("anonym").get(url).status_code == 200
    listing = client_as("anonym").get(reverse("netzwerk:konzept-list")).content.decode()
    assert "Präventionskonzept" in listing


def test_markdown_in_chapters_is_sanitised(client_as, welt, konzept):
    kapitel = _kapitel(konzept)
    services.kapitel_save(
        kapitel=kapitel, title="Ausgangslage", base_version=1, user=welt.users["koordination"],
        text="## Ziel\n\n<script>alert(1)</script> [x](javascript:alert(1))",
    )  # fmt: skip
    Konzept.objects.filter(pk=konzept.pk).update(status="beteiligung")
    page = client_as("partner").get(konzept.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "javascript:" not in page


def test_only_the_coordination_creates_and_edits(client_as, konzept):
    kapitel = _kapitel(konzept)
    edit = reverse("netzwerk:kapitel-edit", args=[konzept.slug, kapitel.pk])
    for role in ("partner", "moderation", "gremium"):
        assert client_as(role).get(edit).status_code == 404
    client_as("partner").post(reverse("netzwerk:konzept-list"), {"title": "Meins"})
    assert Konzept.objects.count() == 1
    client_as("koordination").post(
        reverse("netzwerk:konzept-list"), {"title": "Integrationskonzept"}
    )
    assert Konzept.objects.filter(slug="integrationskonzept").exists()


def test_the_coordination_moves_the_status_on_the_page(client_as, konzept):
    client = client_as("koordination")
    url = reverse("netzwerk:konzept-status", args=[konzept.slug])
    page = client.get(konzept.get_absolute_url()).content.decode()
    assert "Weiter zu: Beteiligung" in page
    client.post(url, {"status": "beteiligung"})
    client.post(url, {"status": "beschlussvorlage"})
    page = client.post(url, {"status": "beschlossen"}, follow=True).content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in page
    gremium = Gremium.objects.create(name="Jugendhilfeausschuss", slug="jha")
    data = {"status": "beschlossen", "gremium": gremium.pk, "decided_on": "2026-11-20",
            "resolution": "VO/22/0594"}  # fmt: skip
    page = client.post(url, data, follow=True).content.decode()
    assert "beschlossen von Jugendhilfeausschuss am 20.11.2026 (VO/22/0594)" in page
    assert "Bearbeiten" not in page and "Kapitel hinzufügen" not in page


# --- Measures --------------------------------------------------------------------------------


@pytest.fixture
def massnahmen(welt, konzept):
    from netzwerk.models import Handlungsschwerpunkt, Massnahme, Ziel

    # Past the draft: partners, moderators and committee members read the concept.
    Konzept.objects.filter(pk=konzept.pk).update(status="beschlussvorlage")
    uebergaenge = Handlungsschwerpunkt.objects.create(konzept=konzept, title="Übergänge")
    ziel = Ziel.objects.create(schwerpunkt=uebergaenge, title="Kein Kind geht verloren")
    anderes = Ziel.objects.create(schwerpunkt=uebergaenge, title="Eltern wissen Bescheid")
    a = Massnahme.objects.create(
        ziel=ziel, title="Übergabebogen", progress=80, forum=welt.forum_members
    )
    Massnahme.objects.create(ziel=ziel, title="Patenschaften", progress=20)
    Massnahme.objects.create(ziel=ziel, title="Ruht", progress=0, status="zurueckgestellt")
    b = Massnahme.objects.create(ziel=anderes, title="Elternbrief", progress=50)
    b.organisationen.add(welt.organisation)
    return a, b


def test_progress_rolls_up_to_goals_and_focal_points_in_constant_queries(
    konzept, massnahmen, django_assert_max_num_queries
):
    from netzwerk.konzepte.selectors import massnahmen_baum

    with django_assert_max_num_queries(6):  # 5 while no measure names a Sozialraum
        [schwerpunkt] = massnahmen_baum(konzept)
    ziel, anderes = schwerpunkt.kinder
    assert (ziel.progress, ziel.anzahl) == (50, 3)  # (80 + 20) / 2: the one put back not counted
    assert anderes.progress == 50
    assert schwerpunkt.progress == 50  # (80 + 20 + 50) / 3
    from netzwerk.models import Handlungsschwerpunkt, Massnahme, Ziel

    for i in range(10):
        z = Ziel.objects.create(schwerpunkt=Handlungsschwerpunkt.objects.get(), title=f"Z{i}")
        Massnahme.objects.create(ziel=z, title=f"M{i}", progress=10)
    with django_assert_max_num_queries(6):
        massnahmen_baum(konzept)


def test_responsible_people_note_progress_on_their_measures_only(
    client_as, welt, konzept, massnahmen
):
    forum_massnahme, org_massnahme = massnahmen

    def url(m):
        return reverse("netzwerk:massnahme-detail", args=[konzept.slug, m.pk])

    note = {"text": "Bogen mit den Kitas abgestimmt.", "progress": 90, "status": "in_umsetzung"}
    # The forum's moderator for the forum's measure; the partner for their organisation's.
    assert client_as("moderation").post(url(forum_massnahme), note).status_code == 302
    assert client_as("partner").post(url(forum_massnahme), note).status_code == 404
    assert (
        client_as("partner").post(url(org_massnahme), {**note, "progress": 60}).status_code == 302
    )
    assert client_as("moderation").post(url(org_massnahme), note).status_code == 404
    forum_massnahme.refresh_from_db()
    org_massnahme.refresh_from_db()
    assert (forum_massnahme.progress, forum_massnahme.status) == (90, "in_umsetzung")
    assert (
        org_massnahme.progress == 60 and org_massnahme.notizen.get().author == welt.users["partner"]
    )
    page = client_as("partner").post(url(org_massnahme), {**note, "progress": 120})
    assert page.status_code == 200 and "kleiner oder gleich 100" in page.content.decode()
    listing = client_as("gremium").get(reverse("netzwerk:massnahme-list", args=[konzept.slug]))
    assert (
        "Übergabebogen" in listing.content.decode() and "Fortschritt: " in listing.content.decode()
    )


def test_a_chapters_html_follows_its_text_even_under_the_same_version():
    """After a restore of an older backup, a version number comes back with another text: the
    cached HTML is keyed by the text, not by the version."""
    konzept = Konzept.objects.create(title="Präventionskonzept", slug="praeventionskonzept")
    kapitel = Kapitel.objects.create(konzept=konzept, title="Leitbild", text="**Alt**", version=4)
    assert "<strong>Alt</strong>" in str(kapitel.html)
    Kapitel.objects.filter(pk=kapitel.pk).update(text="**Neu**")  # version 4 still
    assert "<strong>Neu</strong>" in str(Kapitel.objects.get(pk=kapitel.pk).html)
