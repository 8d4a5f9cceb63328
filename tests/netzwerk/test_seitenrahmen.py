"""The frame every page shares (navigation by role, the moderation link) costs as few queries as
it can: it asks the rules, never the table of Django permissions, which holds no portal right."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from netzwerk.context_processors import Rollen

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["wartend", "partner", "moderation", "gremium", "koordination"])
def test_the_navigation_asks_no_django_permissions(welt, role):
    welt.forum_public.moderators.add(welt.users["moderation"])
    with CaptureQueriesContext(connection) as captured:
        rollen = Rollen(welt.users[role])
    assert rollen.moderation == (role == "moderation")
    assert not [q["sql"] for q in captured if "auth_permission" in q["sql"]]


def test_superusers_still_see_the_moderation_link(welt):
    welt.users["partner"].is_superuser = True
    assert Rollen(welt.users["partner"]).moderation
