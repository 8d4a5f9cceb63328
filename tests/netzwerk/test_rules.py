import pytest

from netzwerk.rules import is_gremium, is_koordination, is_partner

pytestmark = pytest.mark.django_db


def test_a_moderator_manages_only_their_own_forum(welt):
    moderator = welt.users["moderation"]
    assert moderator.has_perm("foren.moderate_forum", welt.forum_members)
    assert not moderator.has_perm("foren.moderate_forum", welt.forum_other)


def test_coordinators_may_moderate_every_forum(welt):
    assert welt.users["koordination"].has_perm("foren.moderate_forum", welt.forum_other)


def test_a_partner_edits_only_their_own_organisation(welt):
    partner = welt.users["partner"]
    assert partner.has_perm("akteure.edit_organisation", welt.organisation)
    assert not partner.has_perm("akteure.edit_organisation", welt.fremde_organisation)


def test_a_waiting_account_holds_no_role_even_in_a_group(welt):
    from django.contrib.auth.models import Group

    waiting = welt.users["wartend"]
    waiting.groups.add(Group.objects.get(name="Koordination"))
    waiting = type(waiting).objects.get(pk=waiting.pk)
    assert not is_koordination(waiting)


def test_roles_are_told_apart(welt):
    users = welt.users
    assert is_partner(users["partner"]) and not is_koordination(users["partner"])
    assert is_gremium(users["gremium"]) and not is_partner(users["gremium"])
    assert is_koordination(users["koordination"])


def test_members_only_forums_are_visible_to_members_and_coordinators_only(welt):
    forum = welt.forum_members
    assert welt.users["moderation"].has_perm("foren.read_forum", forum)
    assert welt.users["koordination"].has_perm("foren.read_forum", forum)
    assert not welt.users["partner"].has_perm("foren.read_forum", forum)
