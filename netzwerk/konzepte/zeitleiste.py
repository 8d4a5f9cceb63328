"""The process timeline: the milestones the coordination entered, the network's past events and the
concepts' decisions, in one list by date ("August 2023: Auftaktworkshop, 58 Teilnehmende").

A top-floor module (tests/test_floors.py): it reads the events through konferenzen's selectors.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal

import rules
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from konferenzen.models import Veranstaltung
from konferenzen.selectors import veranstaltungen_vergangen

from .models import Konzept, Meilenstein

Art = Literal["eingetragen", "veranstaltung", "beschluss"]
EINGETRAGEN: Art = "eingetragen"
VERANSTALTUNG: Art = "veranstaltung"
BESCHLUSS: Art = "beschluss"
# On the same day: the decision first, then the event, then what was entered by hand.
_REIHENFOLGE = {BESCHLUSS: 0, VERANSTALTUNG: 1, EINGETRAGEN: 2}

# The events that mark the process: the network's own meetings. Forum sessions are the forums'
# routine (seven forums would flood the timeline) and committee meetings are marked by what they
# decide (the concepts' decisions), so neither is taken; nor is any event of a single forum.
ARTEN = (
    Veranstaltung.Art.NETZWERKTREFFEN,
    Veranstaltung.Art.WORKSHOP,
    Veranstaltung.Art.PRAEVENTIONSKONFERENZ,
)


@dataclass(frozen=True)
class Eintrag:
    """One step of the timeline. `detail`: for an event how many came (or registered), for a
    decision the committee and its reference, for an entered milestone its description."""

    date: date
    title: str
    detail: str = ""
    art: Art = EINGETRAGEN
    url: str | None = None
    meilenstein: Meilenstein | None = None

    @property
    def zeile(self) -> str:
        """The line after the month: "Auftaktworkshop, 58 Teilnehmende", "Integrationskonzept
        beschlossen (Jugendhilfeausschuss, VO/22/0594)"; an entered milestone's title alone (its
        description is a paragraph of its own)."""
        if not self.detail or self.art == EINGETRAGEN:
            return self.title
        if self.art == BESCHLUSS:
            return f"{self.title} ({self.detail})"
        return f"{self.title}, {self.detail}"

    @property
    def monat(self) -> str:
        return formats.date_format(self.date, "F Y")


def zeitleiste(*, von: date | None = None, bis: date | None = None, user=None) -> list[Eintrag]:
    """The timeline from `von` to `bis` (both included, either open), oldest first, in three
    queries however many entries.

    Events count once they have ended, if network-wide (no forum) and of a kind in ARTEN, and only
    those `user` may see (konferenzen.selectors.veranstaltungen_visible_to); without a user (the
    status report, which may be published) only public ones. Their figure is who came (checked
    in, "Teilnehmende"); where nobody was checked in, the registrations that held a seat
    ("Anmeldungen"). Decisions are public, as decided concepts are.
    """
    user = user or AnonymousUser()
    eintraege = _meilensteine(von, bis, user) + _veranstaltungen(von, bis, user)
    eintraege += _beschluesse(von, bis)
    return sorted(eintraege, key=lambda e: (e.date, _REIHENFOLGE[e.art], e.title.lower()))


def _zeitraum(field: str, von: date | None, bis: date | None) -> Q:
    q = Q()
    if von:
        q &= Q(**{f"{field}__gte": von})
    if bis:
        q &= Q(**{f"{field}__lte": bis})
    return q


def _meilensteine(von, bis, user) -> list[Eintrag]:
    eintraege = []
    for m in Meilenstein.objects.filter(_zeitraum("date", von, bis)).select_related("konzept"):
        url = None
        # The concept is linked only for those who may read it (a decided one: everybody).
        if m.konzept and rules.has_perm("netzwerk.read_konzept", user, m.konzept):
            url = m.konzept.get_absolute_url()
        eintraege.append(Eintrag(m.date, m.title, m.description, EINGETRAGEN, url, m))
    return eintraege


def _zahl(n: int) -> str:
    return formats.number_format(n, force_grouping=True)


def _veranstaltungen(von, bis, user) -> list[Eintrag]:
    veranstaltungen = veranstaltungen_vergangen(
        user, arten=ARTEN, ohne_forum=True, von=von, bis=bis
    )
    eintraege = []
    for v in veranstaltungen:
        if v.gekommen:
            n = v.gekommen
            detail = ngettext("%(n)s teilnehmende Person", "%(n)s Teilnehmende", n) % {
                "n": _zahl(n)
            }
        elif v.belegt:
            n = v.belegt
            detail = ngettext("%(n)s Anmeldung", "%(n)s Anmeldungen", n) % {"n": _zahl(n)}
        else:
            detail = ""
        eintraege.append(
            Eintrag(
                timezone.localdate(v.start),
                v.title,
                detail,
                VERANSTALTUNG,
                v.get_absolute_url(),
            )
        )
    return eintraege


def _beschluesse(von, bis) -> list[Eintrag]:
    konzepte = Konzept.objects.filter(
        _zeitraum("decided_on", von, bis),
        status=Konzept.Status.BESCHLOSSEN,
        decided_on__isnull=False,
    ).select_related("gremium")
    return [
        Eintrag(
            k.decided_on,
            _("%(konzept)s beschlossen") % {"konzept": k.title},
            ", ".join(part for part in (k.gremium.name if k.gremium else "", k.resolution) if part),
            BESCHLUSS,
            k.get_absolute_url(),
        )
        for k in konzepte
    ]
