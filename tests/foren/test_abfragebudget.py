"""Query budgets of the forum pages (issue 18): the queries a page needs do not grow with the
number of forums, members, entries or comments, and stay below a fixed budget; its cached
fragments are drawn again after every write."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from foren import services
from foren.models import Beitrittsanfrage, Kommentar, Mitgliedschaft
from konferenzen.models import Veranstaltung
from netzwerk.models import Lebensphase
from tests.factories import BeitragFactory, ForumFactory, UserFactory

pytestmark = pytest.mark.django_db

# With nothing cached; the frame of every page (session, account, roles, second factor, the
# menu's permissions) takes 7 of them.
BUDGET = {"uebersicht": 11, "liste": 9, "seite": 20, "sammlung": 12}


def _queries(client, url: str) -> int:
    """The queries of one request with nothing cached: the most the page ever needs."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(forum, n: int) -> None:
    """n more forums, members, entries (with Lebensphasen and comments), meetings and requests;
    a share of them in `forum`."""
    now = timezone.now()
    phasen = list(Lebensphase.objects.all()[:2])
    users = UserFactory.create_batch(n)
    foren = [ForumFactory() for _ in range(n)]
    for i, user in enumerate(users):
        Mitgliedschaft.objects.create(forum=foren[i], user=user)
        Mitgliedschaft.objects.create(forum=forum, user=user)
        foren[i].moderators.add(user)
        Beitrittsanfrage.objects.create(forum=foren[i], user=users[i - 1])
        for target in (forum, foren[i]):
            beitrag = BeitragFactory(forum=target, author=user, status="offen")
            beitrag.lebensphasen.set(phasen)
            Kommentar.objects.create(beitrag=beitrag, author=user, text="Ja.")
        Veranstaltung.objects.create(
            art="forumssitzung", title="Sitzung", forum=foren[i],
            start=now + timedelta(days=i + 1), end=now + timedelta(days=i + 1),
        )  # fmt: skip


PAGES = [
    ("uebersicht", lambda forum: reverse("foren:forum-overview")),
    ("liste", lambda forum: reverse("foren:forum-list")),
    ("seite", lambda forum: reverse("foren:forum-detail", args=[forum.slug])),
    ("sammlung", lambda forum: reverse("foren:beitrag-list", args=[forum.slug])),
]


@pytest.mark.parametrize("page,url", PAGES, ids=[p for p, _ in PAGES])
def test_a_forum_page_needs_the_same_queries_for_few_or_many_rows(client_as, welt, page, url):
    client = client_as("koordination")
    forum = welt.forum_public
    _grow(forum, 2)
    few = _queries(client, url(forum))
    _grow(forum, 30)
    many = _queries(client, url(forum))
    assert many == few, f"{page}: {few} Abfragen bei wenigen Zeilen, {many} bei vielen"
    assert many <= BUDGET[page]


@pytest.mark.parametrize("page,url", PAGES, ids=[p for p, _ in PAGES])
def test_a_forum_page_drawn_from_the_cache_needs_no_more_queries(client_as, welt, page, url):
    client = client_as("koordination")
    _grow(welt.forum_public, 5)
    cold = _queries(client, url(welt.forum_public))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(welt.forum_public)).status_code == 200
    assert len(captured) <= cold


def test_the_overview_counts_an_entry_written_after_it_was_cached(client_as, welt):
    client = client_as("koordination")
    url = reverse("foren:forum-overview")
    forum = welt.forum_public
    assert 'sammlung/?art=bedarf&amp;status=offen">0<' in client.get(url).content.decode()
    BeitragFactory(forum=forum, art="bedarf", status="offen")
    assert 'sammlung/?art=bedarf&amp;status=offen">1<' in client.get(url).content.decode()


def test_the_overview_forgets_handled_interest_at_once(client_as, welt):
    from foren.models import Interessensbekundung

    client = client_as("koordination")
    now = timezone.now()
    interesse = Interessensbekundung.objects.create(
        forum=welt.forum_public, name="Ida", email="ida@x.example", consent_at=now,
        confirmed_at=now,
    )  # fmt: skip
    url = reverse("foren:forum-overview")
    assert "1 neue Interessensbekundung" in client.get(url).content.decode()
    services.interesse_handle(interesse=interesse, by=welt.users["koordination"])
    assert "1 neue Interessensbekundung" not in client.get(url).content.decode()


def test_the_collection_shows_a_new_entry_and_comment_after_it_was_cached(client_as, welt):
    client = client_as("partner")
    url = reverse("foren:beitrag-list", args=[welt.forum_public.slug])
    beitrag = BeitragFactory(forum=welt.forum_public, title="Sprachkurse fehlen")
    assert "0 Kommentare" in client.get(url).content.decode()
    Kommentar.objects.create(beitrag=beitrag, text="Stimmt.")
    BeitragFactory(forum=welt.forum_public, title="Elterncafé am Markt")
    page = client.get(url).content.decode()
    assert "Elterncafé am Markt" in page and "1 Kommentar" in page


def test_the_forum_list_shows_a_new_membership_after_it_was_cached(client_as, welt):
    client = client_as("partner")
    url = reverse("foren:forum-list")
    assert "Forum Anderes" in client.get(url).content.decode()
    assert client.get(url).content.decode().count("Sie sind Mitglied") == 1
    services.mitglied_add(
        forum=welt.forum_other, user=welt.users["partner"], by=welt.users["koordination"]
    )
    assert client.get(url).content.decode().count("Sie sind Mitglied") == 2


def test_members_and_outsiders_do_not_share_a_cached_forum_page(client_as, welt):
    """Members see the meetings for members; others do not, even right after a member."""
    forum = welt.forum_public
    start = timezone.now() + timedelta(days=3)
    Veranstaltung.objects.create(
        art="forumssitzung", title="Intern", forum=forum, start=start, end=start,
        visibility="members", place="Hinterzimmer",
    )  # fmt: skip
    url = reverse("foren:forum-detail", args=[forum.slug])
    assert "Hinterzimmer" in client_as("partner").get(url).content.decode()
    assert "Hinterzimmer" not in client_as("gremium").get(url).content.decode()
    assert "Hinterzimmer" not in client_as("anonym").get(url).content.decode()


def test_a_renamed_moderator_shows_on_the_cached_overview(client_as, welt):
    client = client_as("koordination")
    url = reverse("foren:forum-overview")
    moderator = welt.users["moderation"]
    client.get(url)
    moderator.last_name = "Neuname"
    moderator.save()
    assert "Neuname" in client.get(url).content.decode()
