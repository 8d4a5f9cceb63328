"""The coordinators' overview and the weekly digest."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from foren.models import Beitrag, Kommentar, Mitgliedschaft
from foren.services import digests_send
from konferenzen.models import Veranstaltung
from netzwerk.models import Mail
from tests.factories import BeitragFactory, ForumFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_overview_shows_the_figures_of_each_forum(client_as, welt):
    forum = welt.forum_public
    now = timezone.now()
    BeitragFactory(forum=forum, art="bedarf", status="offen")
    BeitragFactory(forum=forum, art="bedarf", status="erledigt")
    old = BeitragFactory(forum=forum, art="bestand", created_at=now - timedelta(days=120))
    Kommentar.objects.create(beitrag=old, text="neu", created_at=now - timedelta(days=2))
    Veranstaltung.objects.create(
        art="forumssitzung", title="war", forum=forum,
        start=now - timedelta(days=10), end=now - timedelta(days=10),
    )  # fmt: skip
    Veranstaltung.objects.create(
        art="forumssitzung", title="kommt", forum=forum,
        start=now + timedelta(days=10), end=now + timedelta(days=10),
    )  # fmt: skip
    [row] = [f for f in _overview(client_as) if f.pk == forum.pk]
    assert row.offene_bedarfe == 1
    assert row.neue_beitraege == 2 and row.neue_kommentare == 1
    assert row.member_count == 1
    assert row.letzte_sitzung.date() == (now - timedelta(days=10)).date()
    assert row.naechste_sitzung.date() == (now + timedelta(days=10)).date()


def _overview(client_as):
    response = client_as("koordination").get(reverse("foren:forum-overview"))
    return list(response.context["foren"])


def test_the_overview_needs_the_same_queries_for_3_or_30_forums(client_as, welt):
    client = client_as("koordination")
    url = reverse("foren:forum-overview")
    few = _queries(client, url)
    members = UserFactory.create_batch(4)
    for _ in range(27):
        forum = ForumFactory()
        forum.moderators.add(members[0])
        for user in members:
            Mitgliedschaft.objects.create(forum=forum, user=user)
        BeitragFactory.create_batch(2, forum=forum)
    assert _queries(client, url) == few


def test_the_overview_exports_as_xlsx(client_as, welt):
    response = client_as("koordination").get(reverse("foren:forum-overview"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_weekly_digest_goes_to_members_who_opted_in_once_a_week(welt):
    forum = welt.forum_public
    now = timezone.now()
    Mitgliedschaft.objects.filter(forum=forum, user=welt.users["partner"]).update(
        digest=True, joined_at=now - timedelta(days=30)
    )
    quiet = UserFactory()
    Mitgliedschaft.objects.create(forum=forum, user=quiet, digest=False)
    BeitragFactory(forum=forum, title="Neuer Bedarf", created_at=now - timedelta(days=1))
    BeitragFactory(forum=forum, title="Alter Bedarf", created_at=now - timedelta(days=20))
    assert digests_send(now=now) == 1
    [mail] = Mail.objects.filter(template="foren_wochenuebersicht")
    assert mail.to == [welt.users["partner"].email]
    assert "Neuer Bedarf" in mail.body_text and "Alter Bedarf" not in mail.body_text
    assert "Neuer Bedarf" in mail.body_html
    assert digests_send(now=now + timedelta(hours=2)) == 0, "not twice in one week"
    BeitragFactory(forum=forum, title="Nächste Woche", created_at=now + timedelta(days=3))
    assert digests_send(now=now + timedelta(days=7)) == 1
    latest = Mail.objects.filter(template="foren_wochenuebersicht").order_by("-pk").first()
    assert "Nächste Woche" in latest.body_text and "Neuer Bedarf" not in latest.body_text


def test_no_news_no_digest(welt):
    Mitgliedschaft.objects.filter(forum=welt.forum_public).update(digest=True)
    assert digests_send() == 0
    assert not Mail.objects.exists()
    assert Beitrag.objects.count() == 0


def test_members_sessions_are_not_shown_to_the_public(client, client_as, welt):
    forum = welt.forum_public
    start = timezone.now() + timedelta(days=3)
    Veranstaltung.objects.create(
        art="forumssitzung", title="intern", forum=forum, start=start, end=start,
        place="Raum 4711", visibility="members",
    )  # fmt: skip
    url = reverse("foren:forum-detail", args=[forum.slug])
    assert "Raum 4711" not in client.get(url).content.decode()
    assert "Raum 4711" not in client_as("gremium").get(url).content.decode()
    assert "Raum 4711" in client_as("partner").get(url).content.decode()
