"""Object-level rights on forums: a moderator manages only their own forum."""

import rules

from netzwerk.rules import is_approved, is_koordination


@rules.predicate
def is_forum_moderator(user, forum) -> bool:
    if forum is None or not user.is_authenticated:
        return False
    return forum.moderators.filter(pk=user.pk).exists()


@rules.predicate
def is_forum_member(user, forum) -> bool:
    if forum is None or not user.is_authenticated:
        return False
    return forum.members.filter(pk=user.pk).exists()


@rules.predicate
def is_public_forum(user, forum) -> bool:
    return forum is not None and forum.visibility == forum.Sichtbarkeit.PUBLIC


@rules.predicate
def moderates_any_forum(user) -> bool:
    return bool(user.is_authenticated and user.is_approved and user.moderierte_foren.exists())


can_moderate_forum = is_koordination | (is_approved & is_forum_moderator)

rules.add_perm(
    "foren.read_forum",
    is_public_forum | is_koordination | (is_approved & (is_forum_member | is_forum_moderator)),
)
rules.add_perm("foren.moderate_forum", can_moderate_forum)
rules.add_perm("foren.moderate_any_forum", moderates_any_forum)
