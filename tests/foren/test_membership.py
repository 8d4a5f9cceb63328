"""Joining, leaving and being added: every change reaches the people concerned by mail."""

import pytest
from django.urls import reverse

from foren.models import Beitrittsanfrage, Mitgliedschaft
from netzwerk.models import Mail
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _mails(template: str) -> list[Mail]:
    return list(Mail.objects.filter(template=template))


def test_a_partner_asks_to_join_and_the_moderator_accepts_with_a_message(client_as, welt):
    forum = welt.forum_public
    forum.moderators.add(welt.users["moderation"])
    client = client_as("gremium")
    response = client.post(
        reverse("foren:beitritt-request", args=[forum.slug]), {"message": "Wir machen mit."}
    )
    assert response.status_code == 302
    anfrage = Beitrittsanfrage.objects.get(forum=forum, user=welt.users["gremium"])
    [mail] = _mails("foren_anfrage")
    assert mail.to == [welt.users["moderation"].email] and "Wir machen mit." in mail.body_text

    client = client_as("moderation")
    page = client.get(reverse("foren:mitglied-list", args=[forum.slug])).content.decode()
    assert "Wir machen mit." in page
    response = client.post(
        reverse("foren:beitritt-decide", args=[forum.slug, anfrage.pk]),
        {"decision": "accept", f"a{anfrage.pk}-answer": "Willkommen!"},
    )
    assert response.status_code == 302
    assert forum.members.filter(pk=welt.users["gremium"].pk).exists()
    [mail] = _mails("foren_anfrage_angenommen")
    assert mail.to == [welt.users["gremium"].email] and "Willkommen!" in mail.body_text


def test_a_declined_request_tells_the_person_why_and_a_second_click_changes_nothing(
    client_as, welt
):
    forum = welt.forum_members
    anfrage = Beitrittsanfrage.objects.create(forum=forum, user=welt.users["partner"])
    client = client_as("moderation")
    url = reverse("foren:beitritt-decide", args=[forum.slug, anfrage.pk])
    client.post(url, {"decision": "decline", f"a{anfrage.pk}-answer": "Nur für Träger."})
    client.post(url, {"decision": "accept"})
    anfrage.refresh_from_db()
    assert anfrage.status == Beitrittsanfrage.Status.ABGELEHNT
    assert not forum.members.filter(pk=welt.users["partner"].pk).exists()
    assert [m.template for m in Mail.objects.all()] == ["foren_anfrage_abgelehnt"]
    assert "Nur für Träger." in Mail.objects.get().body_text


def test_without_moderators_the_coordination_gets_the_request(client_as, welt):
    client_as("gremium").post(reverse("foren:beitritt-request", args=[welt.forum_other.slug]))
    [mail] = _mails("foren_anfrage")
    assert welt.users["koordination"].email in mail.to


def test_asking_twice_keeps_one_open_request(client_as, welt):
    client = client_as("gremium")
    url = reverse("foren:beitritt-request", args=[welt.forum_other.slug])
    client.post(url, {"message": "erste"})
    client.post(url, {"message": "zweite"})
    anfrage = Beitrittsanfrage.objects.get()
    assert anfrage.message == "zweite" and len(_mails("foren_anfrage")) == 1


def test_a_moderator_adds_a_person_from_the_registry_and_removes_them_again(client_as, welt):
    forum = welt.forum_members
    new = welt.users["gremium"]
    PersonFactory(organisation=welt.fremde_organisation, user=new)
    client = client_as("moderation")
    url = reverse("foren:mitglied-list", args=[forum.slug])
    assert "Verein Stern" in client.get(url).content.decode()
    client.post(url, {"user": new.pk})
    assert Mitgliedschaft.objects.filter(forum=forum, user=new).exists()
    assert _mails("foren_mitglied_neu")[0].to == [new.email]
    client.post(reverse("foren:mitglied-remove", args=[forum.slug, new.pk]))
    assert not Mitgliedschaft.objects.filter(forum=forum, user=new).exists()
    assert _mails("foren_mitglied_entfernt")[0].to == [new.email]


def test_a_moderator_cannot_add_people_without_an_approved_account(client_as, welt):
    forum = welt.forum_members
    response = client_as("moderation").post(
        reverse("foren:mitglied-list", args=[forum.slug]), {"user": welt.users["wartend"].pk}
    )
    assert response.status_code == 200
    assert "Auswahl" in response.content.decode()  # Django's "select a valid choice", in German
    assert not forum.members.filter(pk=welt.users["wartend"].pk).exists()


def test_a_member_leaves_and_the_moderation_hears_of_it(client_as, welt):
    forum = welt.forum_members
    Mitgliedschaft.objects.create(forum=forum, user=welt.users["partner"])
    client_as("partner").post(reverse("foren:forum-leave", args=[forum.slug]))
    assert not forum.members.filter(pk=welt.users["partner"].pk).exists()
    [mail] = _mails("foren_mitglied_ausgetreten")
    assert mail.to == [welt.users["moderation"].email]


def test_a_member_opts_in_to_the_weekly_digest(client_as, welt):
    client_as("partner").post(
        reverse("foren:digest-toggle", args=[welt.forum_public.slug]), {"digest": "on"}
    )
    assert Mitgliedschaft.objects.get(forum=welt.forum_public, user=welt.users["partner"]).digest


def test_coordinators_appoint_moderators_who_are_told_by_mail(client_as, welt):
    forum = welt.forum_other
    client = client_as("koordination")
    data = {
        "name": forum.name,
        "slug": forum.slug,
        "handlungsfeld": forum.handlungsfeld_id,
        "status": "ruhend",
        "visibility": "public",
        "moderators": [welt.users["partner"].pk],
    }
    response = client.post(reverse("foren:forum-edit", args=[forum.slug]), data)
    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.status == "ruhend" and list(forum.moderators.all()) == [welt.users["partner"]]
    assert _mails("foren_moderation")[0].to == [welt.users["partner"].email]
    client.post(reverse("foren:forum-edit", args=[forum.slug]), data)
    assert len(_mails("foren_moderation")) == 1, "only newly appointed moderators are told"


def test_a_dormant_forum_says_so_and_offers_to_express_interest(client, welt):
    forum = welt.forum_other
    forum.status = "ruhend"
    forum.save()
    page = client.get(reverse("foren:forum-detail", args=[forum.slug])).content.decode()
    assert "ruht" in page
    assert reverse("foren:interesse-create", args=[forum.slug]) in page


def test_the_moderators_dashboard_points_to_open_requests(client_as, welt):
    Beitrittsanfrage.objects.create(forum=welt.forum_members, user=welt.users["gremium"])
    page = client_as("moderation").get(reverse("netzwerk:dashboard")).content.decode()
    assert "1 offene Beitrittsanfrage" in page
    assert reverse("foren:mitglied-list", args=[welt.forum_members.slug]) in page


def test_a_request_without_a_decision_declines_nothing(client_as, welt):
    forum = welt.forum_members
    anfrage = Beitrittsanfrage.objects.create(forum=forum, user=welt.users["partner"])
    client_as("moderation").post(reverse("foren:beitritt-decide", args=[forum.slug, anfrage.pk]))
    anfrage.refresh_from_db()
    assert anfrage.status == Beitrittsanfrage.Status.OFFEN and not Mail.objects.exists()


def test_a_forum_cannot_take_an_address_of_the_forum_area(client_as, welt):
    response = client_as("koordination").post(
        reverse("foren:forum-create"),
        {"name": "Neu", "slug": "uebersicht", "handlungsfeld": welt.forum_public.handlungsfeld_id,
         "status": "aktiv", "visibility": "public"},
    )  # fmt: skip
    assert "ist für das Portal reserviert" in response.content.decode()


def test_leaving_a_members_only_forum_lands_on_the_forum_list(client_as, welt):
    Mitgliedschaft.objects.create(forum=welt.forum_members, user=welt.users["partner"])
    response = client_as("partner").post(
        reverse("foren:forum-leave", args=[welt.forum_members.slug])
    )
    assert response["Location"] == reverse("foren:forum-list")


def test_who_may_ask_to_join_a_public_forum(welt):
    """The decision of issue 13: every approved account asks (a committee member too), the
    moderation decides; an account still waiting for approval and a member do not ask."""
    forum = welt.forum_other
    assert welt.users["gremium"].has_perm("foren.ask_to_join", forum)
    assert welt.users["partner"].has_perm("foren.ask_to_join", forum)
    assert not welt.users["wartend"].has_perm("foren.ask_to_join", forum)
    assert not welt.users["partner"].has_perm("foren.ask_to_join", welt.forum_public)
    assert not welt.users["gremium"].has_perm("foren.ask_to_join", welt.forum_members)
