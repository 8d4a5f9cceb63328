import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ForumFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["anonym", "partner", "koordination"])
@pytest.mark.parametrize("url", [reverse("foren:forum-list"), reverse("netzwerk:home")])
def test_forum_lists_need_the_same_queries_for_3_or_30_forums(role, url, client_as, welt):
    client = client_as(role)
    few = _queries(client, url)
    members = UserFactory.create_batch(5)
    for _ in range(27):
        ForumFactory().members.add(*members)
    assert _queries(client, url) == few
    # session, user, roles, TOTP check, forums, own memberships; at most 9 whatever the rows
    assert few <= 9


def test_the_forum_list_shows_member_counts(client, welt):
    page = client.get(reverse("foren:forum-list")).content.decode()
    assert "Forum Offen" in page and "Forum Intern" not in page
