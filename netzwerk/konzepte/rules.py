"""Who may do what with concepts: approved accounts read them (a decided concept everybody);
partners, moderators and committee members comment during Beteiligung; the coordination writes,
moves the status and answers comments."""

import rules

from ..rules import is_approved, is_koordination


@rules.predicate
def is_decided(user, konzept) -> bool:
    return konzept is not None and konzept.frozen


@rules.predicate
def in_beteiligung(user, konzept) -> bool:
    return konzept is not None and konzept.status == "beteiligung"


rules.add_perm("netzwerk.read_konzept", is_approved | is_decided)
rules.add_perm("netzwerk.comment_konzept", is_approved & in_beteiligung)
rules.add_perm("netzwerk.edit_konzept", is_koordination)
