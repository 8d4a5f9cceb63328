"""Dot voting: N points per member, at most M per entry, a ranking kept with the closed round."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse

from foren.models import Abstimmung, Mitgliedschaft, Stimme
from foren.services import abstimmung_close, abstimmung_open, stimmen_set
from tests.factories import BeitragFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def runde(welt):
    forum = welt.forum_members
    Mitgliedschaft.objects.create(forum=forum, user=welt.users["partner"])
    beitraege = [
        BeitragFactory(forum=forum, title=t)
        for t in ("Schulsozialarbeit", "Übergang", "Bürokratie")
    ]
    return abstimmung_open(
        forum=forum,
        by=welt.users["moderation"],
        title="Schwerpunkte",
        punkte=5,
        max_pro_beitrag=3,
        beitraege=beitraege,
    )


def _url(runde, name="foren:abstimmung-detail"):
    return reverse(name, args=[runde.forum.slug, runde.pk])


def _form(runde, points: list[int]) -> dict:
    beitraege = runde.beitraege.order_by("art", "title")
    return {f"b{b.pk}": p for b, p in zip(beitraege, points, strict=True)}


def test_a_member_spreads_points_and_may_change_them_while_open(client_as, runde, welt):
    client = client_as("partner")
    assert client.post(_url(runde), _form(runde, [3, 2, 0])).status_code == 302
    assert client.post(_url(runde), _form(runde, [0, 1, 3])).status_code == 302
    mine = Stimme.objects.filter(abstimmung=runde, user=welt.users["partner"])
    assert sorted(mine.values_list("punkte", flat=True)) == [1, 3]


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([4, 0, 0], "Höchstens 3 Punkte auf einen Beitrag."),
        ([3, 3, 0], "Sie haben 6 Punkte verteilt, aber nur 5 zur Verfügung."),
        ([-1, 0, 0], "Punkte können nicht negativ sein."),
    ],
)
def test_the_limits_are_explained_next_to_the_form_and_nothing_is_saved(
    client_as, runde, points, message
):
    response = client_as("partner").post(_url(runde), _form(runde, points))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Stimme.objects.exists()


def test_the_service_enforces_the_limits_too(runde, welt):
    user = welt.users["partner"]
    ids = list(runde.beitraege.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        stimmen_set(abstimmung=runde, user=user, verteilung={ids[0]: 3, ids[1]: 3})
    with pytest.raises(ValidationError):
        stimmen_set(abstimmung=runde, user=user, verteilung={ids[0]: 4})
    other = BeitragFactory(forum=runde.forum)
    with pytest.raises(ValidationError):
        stimmen_set(abstimmung=runde, user=user, verteilung={other.pk: 1})
    assert not Stimme.objects.exists()


def test_closing_keeps_the_ranking_even_when_entries_change_later(client_as, runde, welt):
    ids = {b.title: b.pk for b in runde.beitraege.all()}
    stimmen_set(abstimmung=runde, user=welt.users["partner"], verteilung={ids["Übergang"]: 3})
    stimmen_set(
        abstimmung=runde,
        user=welt.users["moderation"],
        verteilung={ids["Übergang"]: 2, ids["Bürokratie"]: 3},
    )
    client = client_as("moderation")
    assert client.post(_url(runde, "foren:abstimmung-close")).status_code == 302
    runde.refresh_from_db()
    assert runde.status == Abstimmung.Status.GESCHLOSSEN
    assert [(r["platz"], r["title"], r["punkte"], r["stimmen"]) for r in runde.ergebnis] == [
        (1, "Übergang", 5, 2),
        (2, "Bürokratie", 3, 1),
        (3, "Schulsozialarbeit", 0, 0),
    ]
    runde.beitraege.filter(pk=ids["Übergang"]).update(title="Umbenannt")
    page = client_as("partner").get(_url(runde)).content.decode()
    assert "Übergang" in page and "Umbenannt" not in page
    with pytest.raises(ValidationError):
        stimmen_set(abstimmung=runde, user=welt.users["partner"], verteilung={ids["Übergang"]: 1})
    csv = client.get(_url(runde), {"export": "csv"}).content.decode("utf-8-sig")
    assert "Übergang;5;2" in csv.replace("1;Bedarf;", "")
    present = client.get(_url(runde, "foren:abstimmung-present")).content.decode()
    assert present.index("Übergang") < present.index("Bürokratie")


def test_members_see_no_interim_count_while_the_round_is_open(client_as, runde, welt):
    ids = list(runde.beitraege.values_list("pk", flat=True))
    stimmen_set(abstimmung=runde, user=welt.users["moderation"], verteilung={ids[0]: 3})
    partner = client_as("partner")
    assert "Zwischenstand" not in partner.get(_url(runde)).content.decode()
    assert partner.get(_url(runde), {"export": "csv"}).status_code == 404
    assert partner.get(_url(runde, "foren:abstimmung-present")).status_code == 404
    assert "Zwischenstand" in client_as("moderation").get(_url(runde)).content.decode()


def test_only_members_vote(client_as, runde):
    response = client_as("gremium").post(_url(runde), _form(runde, [1, 0, 0]))
    assert response.status_code == 404
    assert not Stimme.objects.exists()


def test_a_round_needs_two_entries_and_sensible_limits(client_as, welt):
    forum = welt.forum_members
    b = BeitragFactory(forum=forum)
    response = client_as("moderation").post(
        reverse("foren:abstimmung-create", args=[forum.slug]),
        {"title": "X", "punkte": 3, "max_pro_beitrag": 5, "beitraege": [b.pk]},
    )
    page = response.content.decode()
    assert "mindestens zwei Beiträge" in page and "Höchstens so viele Punkte" in page
    assert not Abstimmung.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Nebenläufigkeit auf PostgreSQL.")
def test_eight_parallel_submissions_of_one_member_never_add_up_to_more_points(
    runde, welt, monkeypatch
):
    """Fails without the row lock on the round: every submission would delete nothing it can
    see, insert its own points, and the member would end with 8 x 5 points."""
    user = welt.users["partner"]
    ids = list(runde.beitraege.values_list("pk", flat=True))
    original = models.QuerySet.bulk_create
    barrier = threading.Barrier(8)

    def slow_bulk_create(self, *args, **kwargs):
        import time

        time.sleep(0.2)  # widen the window between "delete mine" and "insert mine"
        return original(self, *args, **kwargs)

    monkeypatch.setattr(models.QuerySet, "bulk_create", slow_bulk_create)
    errors = []

    def vote(i: int):
        barrier.wait()
        try:
            stimmen_set(
                abstimmung=runde,
                user=user,
                verteilung={ids[i % 3]: 3, ids[(i + 1) % 3]: 2},
            )
        except Exception as error:  # noqa: BLE001 - collected and shown below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = sum(Stimme.objects.filter(abstimmung=runde, user=user).values_list("punkte", flat=True))
    assert total == 5


def test_closing_twice_keeps_the_first_result(runde, welt):
    first = abstimmung_close(abstimmung=runde, by=welt.users["moderation"])
    closed_at = first.closed_at
    again = abstimmung_close(abstimmung=runde, by=welt.users["moderation"])
    assert again.closed_at == closed_at


def test_points_sent_after_closing_get_a_message_not_an_error(client_as, runde, welt):
    abstimmung_close(abstimmung=runde, by=welt.users["moderation"])
    response = client_as("partner").post(_url(runde), _form(runde, [1, 0, 0]), follow=True)
    assert "inzwischen geschlossen" in response.content.decode()
    assert not Stimme.objects.exists()
