"""Object-level rights on organisations and offers: a partner edits only their own."""

import rules

from netzwerk.rules import is_approved, is_koordination, is_partner


@rules.predicate
def is_own_organisation(user, organisation) -> bool:
    if organisation is None or not user.is_authenticated:
        return False
    return organisation.personen.filter(user=user).exists()


@rules.predicate
def is_own_angebot(user, angebot) -> bool:
    return angebot is not None and is_own_organisation(user, angebot.organisation)


@rules.predicate
def is_public_angebot(user, angebot) -> bool:
    return angebot is not None and angebot.is_public


can_edit_organisation = is_koordination | (is_partner & is_own_organisation)

rules.add_perm("akteure.edit_organisation", can_edit_organisation)
rules.add_perm("akteure.add_angebot_to", can_edit_organisation)
rules.add_perm("akteure.read_angebot", is_public_angebot | is_approved)
rules.add_perm("akteure.edit_angebot", is_koordination | (is_partner & is_own_angebot))
rules.add_perm("akteure.see_history", is_koordination)
rules.add_perm("akteure.see_consents", is_koordination)
rules.add_perm("akteure.manage_personen", is_koordination)
rules.add_perm("akteure.import", is_koordination)
# Issue 16: the Sozialraum boundaries and their overview map, and the printed guide.
rules.add_perm("akteure.manage_grenzen", is_koordination)
rules.add_perm("akteure.order_heft", is_koordination)
# Issue 19: need indicators beside the offers per Sozialraum, read as the indicators are.
rules.add_perm("akteure.read_bedarf", is_approved)
