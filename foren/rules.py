"""Object-level rights on forums: a moderator manages only their own forum.

- The forum page: public forums for everyone; members-only forums for members, moderators and
  the coordination.
- The collection (entries, comments, rounds): members, moderators and the coordination; in a
  public forum also every approved account may read along. Not the public: entries name their
  authors.
- Documents: members-only ones (the default) for members, moderators and the coordination; public
  ones for everyone who may see the forum.
- Contributing (entries, comments, points, files): members, moderators, the coordination.
- Moderating (members, requests, rounds, entry status): the forum's moderators and the coordination.
"""

import rules

from netzwerk.rules import is_approved, is_koordination


def _in(user, forum, relation: str) -> bool:
    if forum is None or not user.is_authenticated:
        return False
    return getattr(forum, relation).filter(pk=user.pk).exists()


def _forum(obj):
    """Rules on entries, rounds and documents ask about the forum they belong to."""
    return getattr(obj, "forum", obj)


@rules.predicate
def is_forum_moderator(user, obj) -> bool:
    return _in(user, _forum(obj), "moderators")


@rules.predicate
def is_forum_member(user, obj) -> bool:
    return _in(user, _forum(obj), "members")


@rules.predicate
def is_public_forum(user, obj) -> bool:
    forum = _forum(obj)
    return forum is not None and forum.visibility == forum.Sichtbarkeit.PUBLIC


@rules.predicate
def is_public_document(user, dokument) -> bool:
    return dokument is not None and dokument.visibility == dokument.Sichtbarkeit.PUBLIC


@rules.predicate
def is_author(user, beitrag) -> bool:
    return beitrag is not None and user.is_authenticated and beitrag.author_id == user.pk


@rules.predicate
def moderates_any_forum(user) -> bool:
    return bool(user.is_authenticated and user.is_approved and user.moderierte_foren.exists())


@rules.predicate
def is_open_round(user, abstimmung) -> bool:
    return abstimmung is not None and abstimmung.is_offen


insider = is_approved & (is_forum_member | is_forum_moderator)
can_moderate_forum = is_koordination | (is_approved & is_forum_moderator)
can_contribute = is_koordination | insider
can_read_forum = is_public_forum | is_koordination | insider
can_read_collection = can_contribute | (is_approved & is_public_forum)

rules.add_perm("foren.manage_foren", is_koordination)
rules.add_perm("foren.read_forum", can_read_forum)
rules.add_perm("foren.moderate_forum", can_moderate_forum)
rules.add_perm("foren.moderate_any_forum", moderates_any_forum)
rules.add_perm("foren.read_collection", can_read_collection)
rules.add_perm("foren.contribute", can_contribute)
# Every approved account may ask, committee members included: they decide on the measures the
# forums work out and may follow one; the moderation decides each request (issue 13, item 8).
rules.add_perm("foren.ask_to_join", is_approved & is_public_forum & ~insider)
rules.add_perm("foren.leave", is_approved & is_forum_member)
rules.add_perm("foren.change_beitrag", can_moderate_forum | (can_contribute & is_author))
rules.add_perm("foren.vote", can_contribute & is_open_round)


@rules.predicate
def uploaded_it(user, dokument) -> bool:
    return dokument is not None and user.is_authenticated and dokument.uploaded_by_id == user.pk


rules.add_perm("foren.delete_dokument", can_moderate_forum | (can_contribute & uploaded_it))
rules.add_perm("foren.read_dokument", can_contribute | (can_read_forum & is_public_document))
