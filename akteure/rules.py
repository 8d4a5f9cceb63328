"""Object-level rights on organisations: a partner edits only their own organisation."""

import rules

from netzwerk.rules import is_approved, is_koordination, is_partner


@rules.predicate
def is_own_organisation(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    return organisation.personen.filter(user=user).exists()


rules.add_perm("akteure.read_organisation", is_approved)
rules.add_perm("akteure.edit_organisation", is_koordination | (is_partner & is_own_organisation))
