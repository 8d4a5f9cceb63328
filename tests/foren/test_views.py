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


def test_member_and_document_lists_need_the_same_queries_for_few_or_many(client_as, welt):
    from django.core.files.base import ContentFile

    from foren.models import Beitrittsanfrage, Dokument, Mitgliedschaft
    from tests.factories import OrganisationFactory, PersonFactory

    forum = welt.forum_members
    client = client_as("moderation")
    urls = [
        reverse("foren:mitglied-list", args=[forum.slug]),
        reverse("foren:dokument-list", args=[forum.slug]),
        reverse("foren:forum-detail", args=[forum.slug]),
    ]

    def grow(n: int) -> None:
        for _ in range(n):
            user = UserFactory()
            PersonFactory(organisation=OrganisationFactory(), user=user)
            Mitgliedschaft.objects.create(forum=forum, user=user)
            Beitrittsanfrage.objects.create(forum=forum, user=UserFactory())
            dokument = Dokument(
                forum=forum, title="P", original_name="p.pdf", content_type="application/pdf",
                endung="pdf", size=9, uploaded_by=user,
            )  # fmt: skip
            dokument.file.save("p.pdf", ContentFile(b"%PDF-1.4\n"), save=True)

    grow(2)
    few = [_queries(client, url) for url in urls]
    grow(20)
    assert [_queries(client, url) for url in urls] == few
