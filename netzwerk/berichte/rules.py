"""Who may see status reports: the coordination all of them, a committee's members their
committee's (and nobody else's); the coordination asks for them and publishes them."""

import rules

from ..rules import is_approved, is_koordination


@rules.predicate
def is_member_of_gremium(user, bericht) -> bool:
    return bericht is not None and bericht.gremium.members.filter(pk=user.pk).exists()


rules.add_perm("netzwerk.create_bericht", is_koordination)
rules.add_perm("netzwerk.read_bericht", is_koordination | (is_approved & is_member_of_gremium))
