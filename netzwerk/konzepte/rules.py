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


@rules.predicate
def is_responsible(user, massnahme) -> bool:
    """The moderators of the measure's forum and the partners of a responsible organisation."""
    if massnahme is None or not user.is_authenticated:
        return False
    if massnahme.forum_id and massnahme.forum.moderators.filter(pk=user.pk).exists():
        return True
    person = getattr(user, "person", None)
    return bool(
        person is not None
        and person.organisation_id
        and massnahme.organisationen.filter(pk=person.organisation_id).exists()
    )


rules.add_perm("netzwerk.note_massnahme", is_koordination | (is_approved & is_responsible))
