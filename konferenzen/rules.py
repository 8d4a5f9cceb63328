"""Who sees which event: public ones everybody, members' ones approved accounts, invited-only
ones the coordination (and, with the invitations to come, the invited)."""

import rules

from netzwerk.rules import is_approved, is_koordination


@rules.predicate
def is_public_event(user, veranstaltung) -> bool:
    return veranstaltung is not None and veranstaltung.visibility == "public"


@rules.predicate
def is_members_event(user, veranstaltung) -> bool:
    return veranstaltung is not None and veranstaltung.visibility == "members"


can_read = is_public_event | is_koordination | (is_approved & is_members_event)

rules.add_perm("konferenzen.read_veranstaltung", can_read)
rules.add_perm("konferenzen.register", is_approved & can_read)
