"""Who sees which event: public ones everybody, members' ones approved accounts, invited-only
ones the coordination and the invited (an invitation to the account's address; without an
account, the invitation link is the key).

Managing an event (planning it, its agenda and working groups, registrations, invitations,
lists, check-in, minutes): the coordination, and the moderators of the forum an event belongs to.
"""

import rules

from foren.rules import is_forum_moderator, moderates_any_forum
from netzwerk.rules import is_approved, is_koordination


@rules.predicate
def is_public_event(user, veranstaltung) -> bool:
    return veranstaltung is not None and veranstaltung.visibility == "public"


@rules.predicate
def is_members_event(user, veranstaltung) -> bool:
    return veranstaltung is not None and veranstaltung.visibility == "members"


@rules.predicate
def is_invited(user, veranstaltung) -> bool:
    if veranstaltung is None or not user.is_authenticated:
        return False
    return veranstaltung.einladungen.filter(email=user.email.lower()).exists()


@rules.predicate
def moderates_event_forum(user, veranstaltung) -> bool:
    return veranstaltung is not None and is_forum_moderator(user, veranstaltung.forum)


@rules.predicate
def is_forumssitzung(user, veranstaltung) -> bool:
    return veranstaltung is not None and veranstaltung.art == "forumssitzung"


can_manage = is_approved & (is_koordination | moderates_event_forum)
# Planning (the event itself, its agenda and working groups): a moderator plans the meetings of
# their forum, never a conference or workshop that the coordination linked to it.
can_plan = is_approved & (is_koordination | (moderates_event_forum & is_forumssitzung))
# Planning new events: the coordination any, a moderator meetings of their own forums (the
# service checks manage_veranstaltung on the new event, whose forum decides).
can_create = is_approved & (is_koordination | moderates_any_forum)
can_read = (
    is_public_event | is_koordination | (is_approved & (is_members_event | is_invited))
    | can_manage
)  # fmt: skip

rules.add_perm("konferenzen.read_veranstaltung", can_read)
rules.add_perm("konferenzen.register", is_approved & can_read)
rules.add_perm("konferenzen.manage_veranstaltung", can_manage)
rules.add_perm("konferenzen.create_veranstaltung", can_create)
rules.add_perm("konferenzen.plan_veranstaltung", can_plan)
