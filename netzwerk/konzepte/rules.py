"""Who may do what with concepts, by status:

- Entwurf: the coordination and the co-authors it invited (Konzept.mitwirkende); nobody else,
  not even a committee member, sees a draft, not in a list either.
- Beteiligung and Beschlussvorlage: every approved account (partners, moderators, committee
  members); during Beteiligung they comment per chapter.
- beschlossen: everybody, anonymous visitors included.

An archived concept keeps its status's readers; nobody edits it. The coordination writes, moves the
status, answers comments and shapes the outline; co-authors write the chapters of a draft."""

import rules

from ..rules import is_approved, is_koordination
from .models import Konzept


@rules.predicate
def is_decided(user, konzept) -> bool:
    return konzept is not None and konzept.frozen


@rules.predicate
def in_beteiligung(user, konzept) -> bool:
    return konzept is not None and konzept.status == Konzept.Status.BETEILIGUNG


@rules.predicate
def in_entwurf(user, konzept) -> bool:
    return konzept is not None and konzept.status == Konzept.Status.ENTWURF


@rules.predicate
def past_entwurf(user, konzept) -> bool:
    """Without a concept (may this person read concepts at all?): yes, the ones past the draft."""
    return konzept is None or konzept.status != Konzept.Status.ENTWURF


@rules.predicate
def is_archived(user, konzept) -> bool:
    return konzept is not None and konzept.archived_at is not None


@rules.predicate
def is_mitwirkend(user, konzept) -> bool:
    """A co-author the coordination invited to this concept."""
    if konzept is None or not user.is_authenticated:
        return False
    return konzept.mitwirkende.filter(pk=user.pk).exists()


rules.add_perm(
    "netzwerk.read_konzept",
    is_koordination | (is_approved & (past_entwurf | is_mitwirkend)) | is_decided,
)
rules.add_perm("netzwerk.comment_konzept", is_approved & in_beteiligung & ~is_archived)
rules.add_perm("netzwerk.edit_konzept", is_koordination)
# Writing a chapter's title and text: the coordination until the decision, co-authors in the draft.
rules.add_perm(
    "netzwerk.write_kapitel",
    ~is_archived & ~is_decided & (is_koordination | (is_approved & in_entwurf & is_mitwirkend)),
)


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
