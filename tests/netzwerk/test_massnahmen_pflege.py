"""The coordination maintains a concept's measures on the portal: focal points, goals and measures
are added, edited and deleted on the measures page, before and after the decision; nobody else
may, and bad input gets German messages with nothing lost."""

import re
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from netzwerk.konzepte import services
from netzwerk.models import Fortschrittsnotiz, Handlungsschwerpunkt, Konzept, Massnahme, Ziel

from ..factories import AngebotFactory, BeitragFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def konzept(db):
    # In Beteiligung: committee members and partners read its measures (a draft only the
    # coordination).
    return Konzept.objects.create(
        title="Präventionskonzept", slug="praeventionskonzept", status="beteiligung"
    )


@pytest.fixture
def baum(konzept):
    """A focal point with one goal and one measure (with a progress note)."""
    schwerpunkt = Handlungsschwerpunkt.objects.create(konzept=konzept, title="Übergänge")
    ziel = Ziel.objects.create(schwerpunkt=schwerpunkt, title="Kein Kind geht verloren")
    massnahme = Massnahme.objects.create(ziel=ziel, title="Übergabebogen", progress=40)
    services.notiz_create(
        massnahme=massnahme, text="Entwurf steht.", progress=40, status="in_umsetzung", user=None
    )
    return schwerpunkt, ziel, Massnahme.objects.get(pk=massnahme.pk)


def _liste(konzept) -> str:
    return reverse("netzwerk:massnahme-list", args=[konzept.slug])


def _data(ziel, **extra) -> dict:
    return {
        "ziel": ziel.pk, "title": "Elternbrief", "description": "", "status": "geplant",
        "progress": 0, **extra,
    }  # fmt: skip


def test_the_coordination_builds_focal_point_goal_and_measure_on_the_measures_page(
    client_as, welt, konzept
):
    client = client_as("koordination")
    page = client.get(_liste(konzept)).content.decode()
    assert "Handlungsschwerpunkt hinzufügen" in page
    response = client.post(
        reverse("netzwerk:schwerpunkt-create", args=[konzept.slug]), {"title": " Übergänge "}
    )
    schwerpunkt = Handlungsschwerpunkt.objects.get()
    assert response["Location"] == f"{_liste(konzept)}#schwerpunkt-{schwerpunkt.pk}"
    assert (schwerpunkt.konzept, schwerpunkt.title) == (konzept, "Übergänge")
    assert "Ziel hinzufügen" in client.get(_liste(konzept)).content.decode()
    client.post(
        reverse("netzwerk:ziel-create", args=[konzept.slug, schwerpunkt.pk]),
        {"title": "Kein Kind geht verloren"},
    )
    ziel = Ziel.objects.get()
    assert ziel.schwerpunkt == schwerpunkt
    page = client.get(_liste(konzept)).content.decode()
    create = reverse("netzwerk:massnahme-create", args=[konzept.slug, ziel.pk])
    assert f'href="{create}"' in page and "Maßnahme hinzufügen" in page
    bedarf = BeitragFactory(forum=welt.forum_public, title="Übergänge begleiten")
    client.post(
        create,
        _data(
            ziel, title="Übergabebogen", organisationen=[welt.organisation.pk],
            forum=welt.forum_members.pk, start="2026-01-01", end="2026-12-31",
            status="in_umsetzung", progress=30, bedarfe=[bedarf.pk],
            angebote=[welt.angebot_public.pk],
        ),
    )  # fmt: skip
    massnahme = Massnahme.objects.get()
    assert (massnahme.ziel, massnahme.status, massnahme.progress) == (ziel, "in_umsetzung", 30)
    assert list(massnahme.organisationen.all()) == [welt.organisation]
    assert massnahme.forum == welt.forum_members
    assert str(massnahme.start) == "2026-01-01" and str(massnahme.end) == "2026-12-31"
    assert list(massnahme.bedarfe.all()) == [bedarf]
    assert list(massnahme.angebote.all()) == [welt.angebot_public]
    # The measures page shows it, with the progress rolled up to its goal and focal point.
    client.post(create, _data(ziel, title="Patenschaften", progress=10))
    page = client_as("gremium").get(_liste(konzept)).content.decode()
    assert "Übergabebogen" in page and "Patenschaften" in page
    assert page.count("Fortschritt: 20 %") == 2  # (30 + 10) / 2 for the goal and the focal point
    assert "Kita Wolke" in page and "Forum Intern" in page
    assert "Bearbeiten" not in page and "hinzufügen" not in page  # nothing to maintain for them


def test_editing_a_measure_changes_its_organisations_forum_needs_and_offers(
    client_as, welt, konzept, baum
):
    _, ziel, massnahme = baum
    massnahme.organisationen.add(welt.fremde_organisation)
    bedarf = BeitragFactory(forum=welt.forum_members, title="Mehr Sprachförderung")
    BeitragFactory(forum=welt.forum_members, title="Schon da", art="bestand")
    url = reverse("netzwerk:massnahme-edit", args=[konzept.slug, massnahme.pk])
    client = client_as("koordination")
    page = client.get(url).content.decode()
    assert "Forum Intern: Mehr Sprachförderung" in page  # needs show as "Forum: Titel"
    assert "Schon da" not in page  # only needs (Bedarfe)
    assert "Sprachspiele (Kita Wolke)" in page
    data = _data(
        ziel, title="Übergabebogen für alle", organisationen=[welt.organisation.pk],
        forum=welt.forum_public.pk, bedarfe=[bedarf.pk],
        angebote=[welt.angebot_public.pk, welt.angebot_intern.pk],
        status="in_umsetzung", progress=40,
    )  # fmt: skip
    response = client.post(url, data | {"initial-status": "in_umsetzung", "initial-progress": 40})
    assert response.status_code == 302
    massnahme.refresh_from_db()
    assert massnahme.title == "Übergabebogen für alle"
    assert list(massnahme.organisationen.all()) == [welt.organisation]
    assert massnahme.forum == welt.forum_public
    assert list(massnahme.bedarfe.all()) == [bedarf]
    assert set(massnahme.angebote.all()) == {welt.angebot_public, welt.angebot_intern}
    # Emptied again: no organisation, no forum, no needs.
    client.post(url, _data(ziel, title="Übergabebogen", status="in_umsetzung", progress=40))
    massnahme.refresh_from_db()
    assert massnahme.forum is None and not massnahme.organisationen.exists()
    assert not massnahme.bedarfe.exists()


def test_every_change_to_a_measure_is_attributed_and_shown_to_the_coordination(
    client_as, welt, konzept, baum
):
    _, ziel, massnahme = baum
    url = reverse("netzwerk:massnahme-edit", args=[konzept.slug, massnahme.pk])
    client = client_as("koordination")
    client.post(url, _data(
        ziel, title="Neuer Titel", organisationen=[welt.organisation.pk], status="geplant",
        progress=0,
    ))  # fmt: skip
    newest = massnahme.history.first()
    assert newest.history_user == welt.users["koordination"] and newest.title == "Neuer Titel"
    assert [o.organisation for o in newest.organisationen.all()] == [welt.organisation]
    detail = reverse("netzwerk:massnahme-detail", args=[konzept.slug, massnahme.pk])
    page = client.get(detail).content.decode()
    assert "Änderungsverlauf" in page
    assert "Geändert: verantwortlich" in page and re.search(r"Geändert: [^<]*Maßnahme", page)
    assert f"<td>{welt.users['koordination']}</td>" in page
    # The history is the coordination's; partners see the measure without it.
    assert "Änderungsverlauf" not in client_as("partner").get(detail).content.decode()


def test_the_coordination_corrects_status_and_progress(client_as, konzept, baum):
    _, ziel, massnahme = baum
    url = reverse("netzwerk:massnahme-edit", args=[konzept.slug, massnahme.pk])
    data = _data(ziel, title=massnahme.title, status="umgesetzt", progress=100)
    data |= {"initial-status": "in_umsetzung", "initial-progress": 40}
    client_as("koordination").post(url, data)
    massnahme.refresh_from_db()
    assert (massnahme.status, massnahme.progress) == ("umgesetzt", 100)
    assert massnahme.notizen.count() == 1  # a correction, not a note


def test_a_progress_note_saved_while_the_form_was_open_is_not_overwritten(
    client_as, welt, konzept, baum
):
    _, ziel, massnahme = baum
    url = reverse("netzwerk:massnahme-edit", args=[konzept.slug, massnahme.pk])
    client = client_as("koordination")
    assert 'name="initial-progress" value="40"' in client.get(url).content.decode()
    services.notiz_create(  # a partner notes progress meanwhile
        massnahme=massnahme, text="Alle Kitas dabei.", progress=70, status="in_umsetzung",
        user=welt.users["partner"],
    )  # fmt: skip
    data = _data(ziel, title="Übergabebogen (neu)", status="in_umsetzung", progress=40)
    client.post(url, data | {"initial-status": "in_umsetzung", "initial-progress": 40})
    massnahme.refresh_from_db()
    assert (massnahme.title, massnahme.progress) == ("Übergabebogen (neu)", 70)
    # The history tells it as it happened: the partner's 70 %, then the new title at 70 %.
    neuere = list(massnahme.history.values_list("title", "progress", "history_user")[:2])
    assert neuere == [
        ("Übergabebogen (neu)", 70, welt.users["koordination"].pk),
        (neuere[1][0], 70, welt.users["partner"].pk),
    ]


def test_bad_input_gets_german_messages_and_keeps_what_was_typed(client_as, konzept, baum):
    _, ziel, massnahme = baum
    client = client_as("koordination")
    create = reverse("netzwerk:massnahme-create", args=[konzept.slug, ziel.pk])
    data = _data(
        ziel, title="Elterncafé", description="Jeden Dienstag im Familienzentrum.",
        start="2026-06-01", end="2026-05-31", progress=101,
    )  # fmt: skip
    response = client.post(create, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Das Ende liegt vor dem Beginn. Bitte prüfen Sie die beiden Daten." in page
    assert "Der Fortschritt liegt zwischen 0 und 100 Prozent." in page
    assert 'value="Elterncafé"' in page and "Jeden Dienstag im Familienzentrum." in page
    assert 'value="2026-06-01"' in page and 'value="2026-05-31"' in page
    assert "Bedingung" not in page  # no database constraint's wording
    assert Massnahme.objects.count() == 1
    page = client.post(create, _data(ziel, title="", start="kein Datum")).content.decode()
    assert "Bitte geben Sie der Maßnahme einen Titel." in page
    assert "Bitte geben Sie ein gültiges Datum an" in page
    # Editing: the same checks; the heading keeps the saved title.
    edit = reverse("netzwerk:massnahme-edit", args=[konzept.slug, massnahme.pk])
    page = client.post(edit, data).content.decode()
    assert "Übergabebogen bearbeiten" in page and 'value="Elterncafé"' in page
    assert "Das Ende liegt vor dem Beginn." in page
    massnahme.refresh_from_db()
    assert (massnahme.title, massnahme.progress) == ("Übergabebogen", 40)
    # A title for a focal point or goal.
    url = reverse("netzwerk:schwerpunkt-create", args=[konzept.slug])
    page = client.post(url, {"title": "  "}).content.decode()
    assert "Bitte geben Sie einen Titel an." in page
    page = client.post(url, {"title": "x" * 201}).content.decode()
    assert "höchstens 200 Zeichen" in page and "x" * 201 in page
    assert Handlungsschwerpunkt.objects.count() == 1


@pytest.mark.parametrize("role", ["partner", "moderation", "gremium"])
def test_nobody_but_the_coordination_maintains_measures(client_as, welt, konzept, baum, role):
    schwerpunkt, ziel, massnahme = baum
    massnahme.organisationen.add(welt.organisation)  # the partner's: they note, not edit
    massnahme.forum = welt.forum_members  # the moderator's forum
    massnahme.save()
    client = client_as(role)
    slug = konzept.slug
    for name, pk in [
        ("schwerpunkt-create", None), ("schwerpunkt-edit", schwerpunkt.pk),
        ("ziel-create", schwerpunkt.pk), ("ziel-edit", ziel.pk),
        ("massnahme-create", ziel.pk), ("massnahme-edit", massnahme.pk),
    ]:  # fmt: skip
        url = reverse(f"netzwerk:{name}", args=[slug, pk] if pk else [slug])
        assert client.get(url).status_code == 404, name
        assert client.post(url, _data(ziel, title="Meins")).status_code == 404, name
    for name, pk in [
        ("schwerpunkt-delete", schwerpunkt.pk), ("ziel-delete", ziel.pk),
        ("massnahme-delete", massnahme.pk),
    ]:  # fmt: skip
        assert client.post(reverse(f"netzwerk:{name}", args=[slug, pk])).status_code == 404
    assert Massnahme.objects.get().title == "Übergabebogen"
    assert (Handlungsschwerpunkt.objects.count(), Ziel.objects.count()) == (1, 1)
    page = client.get(reverse("netzwerk:massnahme-detail", args=[slug, massnahme.pk]))
    assert "Maßnahme bearbeiten" not in page.content.decode()


def test_a_wrong_or_foreign_pk_is_404(client_as, konzept, baum):
    schwerpunkt, ziel, massnahme = baum
    anderes = Konzept.objects.create(title="Integrationskonzept", slug="integrationskonzept")
    client = client_as("koordination")
    for name, pk in [
        ("schwerpunkt-edit", schwerpunkt.pk), ("schwerpunkt-delete", schwerpunkt.pk),
        ("ziel-create", schwerpunkt.pk), ("ziel-edit", ziel.pk), ("ziel-delete", ziel.pk),
        ("massnahme-create", ziel.pk), ("massnahme-edit", massnahme.pk),
        ("massnahme-delete", massnahme.pk),
    ]:  # fmt: skip
        # The right pk in another concept's address, an unknown pk, an unknown concept.
        for args in ([anderes.slug, pk], [konzept.slug, 999_999], ["gibt-es-nicht", pk]):
            assert client.post(reverse(f"netzwerk:{name}", args=args)).status_code == 404
    assert client.get(f"{_liste(konzept)}abc/bearbeiten/").status_code == 404
    # The form offers the concept's goals only: another concept's is refused.
    fremd = Ziel.objects.create(
        schwerpunkt=Handlungsschwerpunkt.objects.create(konzept=anderes, title="F"), title="F"
    )
    edit = reverse("netzwerk:massnahme-edit", args=[konzept.slug, massnahme.pk])
    page = client.post(edit, _data(fremd, title="Übergabebogen")).content.decode()
    assert "Bitte wählen Sie eines der Ziele dieses Konzepts." in page
    massnahme.refresh_from_db()
    assert massnahme.ziel == ziel


def test_deleting_goes_from_the_bottom_up(client_as, konzept, baum):
    schwerpunkt, ziel, massnahme = baum
    client = client_as("koordination")
    slug = konzept.slug
    ziel_edit = reverse("netzwerk:ziel-edit", args=[slug, ziel.pk])
    page = client.get(ziel_edit).content.decode()
    assert "Zu diesem Ziel gehört eine Maßnahme." in page and "Ziel löschen" not in page
    # A goal with measures stays, with a message that says why.
    page = client.post(reverse("netzwerk:ziel-delete", args=[slug, ziel.pk]), follow=True)
    assert "Zum Ziel „Kein Kind geht verloren“ gehören noch Maßnahmen." in page.content.decode()
    page = client.post(reverse("netzwerk:schwerpunkt-delete", args=[slug, schwerpunkt.pk]))
    assert Ziel.objects.filter(pk=ziel.pk).exists()
    page = client.get(page["Location"]).content.decode()
    assert "„Übergänge“ hat noch Ziele." in page
    # A measure goes with its progress notes; the button asks first and says so.
    edit = reverse("netzwerk:massnahme-edit", args=[slug, massnahme.pk])
    page = client.get(edit).content.decode()
    frage = "Maßnahme „Übergabebogen“ mit ihrer Fortschrittsnotiz löschen?"
    assert f'data-bestaetigen="{frage}"' in page
    delete = reverse("netzwerk:massnahme-delete", args=[slug, massnahme.pk])
    assert client.get(delete).status_code == 405  # a delete is a POST
    response = client.post(delete)
    assert response["Location"] == f"{_liste(konzept)}#ziel-{ziel.pk}"
    assert not Massnahme.objects.exists() and not Fortschrittsnotiz.objects.exists()
    # Then the goal, then the focal point.
    assert 'data-bestaetigen="Ziel „Kein Kind geht verloren“ löschen?"' in (
        client.get(ziel_edit).content.decode()
    )
    client.post(reverse("netzwerk:ziel-delete", args=[slug, ziel.pk]))
    client.post(reverse("netzwerk:schwerpunkt-delete", args=[slug, schwerpunkt.pk]))
    assert not Ziel.objects.exists() and not Handlungsschwerpunkt.objects.exists()
    # Deleting again is a 404, not an error.
    assert client.post(reverse("netzwerk:ziel-delete", args=[slug, ziel.pk])).status_code == 404


def test_measures_stay_maintainable_after_the_decision(client_as, konzept, baum):
    schwerpunkt, ziel, massnahme = baum
    Konzept.objects.filter(pk=konzept.pk).update(status=Konzept.Status.BESCHLOSSEN)
    client = client_as("koordination")
    assert "Maßnahme hinzufügen" in client.get(_liste(konzept)).content.decode()
    edit = reverse("netzwerk:massnahme-edit", args=[konzept.slug, massnahme.pk])
    client.post(edit, _data(ziel, title="Übergabebogen", status="umgesetzt", progress=100))
    create = reverse("netzwerk:massnahme-create", args=[konzept.slug, ziel.pk])
    client.post(create, _data(ziel, title="Nachsorge"))
    client.post(
        reverse("netzwerk:ziel-edit", args=[konzept.slug, ziel.pk]), {"title": "Kein Kind fehlt"}
    )
    massnahme.refresh_from_db()
    assert (massnahme.status, massnahme.progress) == ("umgesetzt", 100)
    assert Massnahme.objects.filter(title="Nachsorge", ziel=ziel).exists()
    assert Ziel.objects.get().title == "Kein Kind fehlt"


def test_moving_a_measure_to_another_goal_puts_it_at_the_end(client_as, konzept, baum):
    schwerpunkt, ziel, massnahme = baum
    anderes = services.ziel_create(schwerpunkt=schwerpunkt, title="Eltern wissen Bescheid")
    erste = services.massnahme_save(
        massnahme=Massnahme(ziel=anderes, title="Elternbrief"), organisationen=[], bedarfe=[],
        angebote=[],
    )  # fmt: skip
    edit = reverse("netzwerk:massnahme-edit", args=[konzept.slug, massnahme.pk])
    client_as("koordination").post(
        edit, _data(anderes, title="Übergabebogen", status="in_umsetzung", progress=40)
    )
    massnahme.refresh_from_db()
    assert massnahme.ziel == anderes and massnahme.position > erste.position


def test_the_service_enforces_the_rules_without_a_form(konzept, baum):
    _, ziel, _ = baum
    with pytest.raises(ValidationError, match="Ende liegt vor dem Beginn"):
        services.massnahme_save(
            massnahme=Massnahme(ziel=ziel, title="x", start="2026-02-01", end="2026-01-01"),
            organisationen=[], bedarfe=[], angebote=[],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="zwischen 0 und 100"):
        services.massnahme_save(
            massnahme=Massnahme(ziel=ziel, title="x", progress=101), organisationen=[],
            bedarfe=[], angebote=[],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Titel"):
        services.ziel_create(schwerpunkt=ziel.schwerpunkt, title=" ")
    assert Massnahme.objects.count() == 1 and Ziel.objects.count() == 1


def test_the_form_needs_as_many_queries_for_300_organisations_as_for_3(
    client_as, welt, konzept, baum
):
    _, ziel, massnahme = baum
    url = reverse("netzwerk:massnahme-edit", args=[konzept.slug, massnahme.pk])
    client = client_as("koordination")
    client.get(url)  # warm-up: per-process caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    organisationen = [OrganisationFactory() for _ in range(300)]
    massnahme.organisationen.set(organisationen[:50])
    for i in range(30):
        AngebotFactory(organisation=organisationen[i])
        BeitragFactory(forum=welt.forum_public)
    massnahme.angebote.set(AngebotFactory._meta.model.objects.all()[:10])
    many = queries()
    assert many == few


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Nebenläufigkeit auf PostgreSQL.")
def test_a_goal_is_not_deleted_under_a_measure_being_added_to_it(welt, konzept):
    """Fails without the row locks in massnahme_save and ziel_delete: the deletion would find no
    measures, delete the goal and fail on the foreign key (a 500 for the user)."""
    schwerpunkt = services.schwerpunkt_create(konzept=konzept, title="Übergänge")
    ziel = services.ziel_create(schwerpunkt=schwerpunkt, title="Kein Kind geht verloren")
    started, errors = threading.Event(), []

    def delete():
        started.set()
        try:
            services.ziel_delete(ziel=ziel)
        except Exception as error:  # noqa: BLE001 - collected and checked below
            errors.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        services.massnahme_save(
            massnahme=Massnahme(ziel=ziel, title="Übergabebogen"),
            organisationen=[], bedarfe=[], angebote=[],
        )  # fmt: skip
        thread = threading.Thread(target=delete)
        thread.start()
        started.wait()
        time.sleep(0.5)  # the deletion is now waiting for this transaction
    thread.join()
    assert [type(e) for e in errors] == [ValidationError]
    assert "gehören noch Maßnahmen" in errors[0].messages[0]
    assert Massnahme.objects.filter(ziel=ziel).exists()
