"""Reminders for progress notes: whoever answers for a measure that has gone quiet for
KONZEPTE_NOTIZ_ERINNERUNG_TAGE days is asked, once per period, to write a note."""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from ..mail import mail_queue
from ..models import User
from .models import Fortschrittsnotiz, Konzept, Massnahme

logger = logging.getLogger(__name__)

# Measures somebody is (or should be) working on; umgesetzt and zurückgestellt are done with.
AKTIV = [Massnahme.Status.GEPLANT, Massnahme.Status.IN_UMSETZUNG]


def _not_reminded_since(cutoff: datetime) -> Q:
    # Only columns of the measure's own row: PostgreSQL re-checks them after waiting for another
    # run's lock on that row, which it would not do for a condition in a subquery.
    return Q(reminded_at__isnull=True) | Q(reminded_at__lt=cutoff)


def massnahmen_faellig(*, now: datetime) -> QuerySet[Massnahme]:
    """Measures due for a reminder: of a concept past the draft and not archived, geplant or in
    Umsetzung, begun (or without a start), not ended longer than one period ago, and neither
    noted on nor reminded for a whole period.

    How long a measure has been quiet counts from its newest note; without notes from its start,
    and without a start from the day its concept was created (a measure has no date of its own).
    An ended measure still open is asked once more within a period after its end, for the closing
    note or the status zurückgestellt; after that it is left to the coordination's list.
    """
    cutoff = now - timedelta(days=settings.KONZEPTE_NOTIZ_ERINNERUNG_TAGE)
    today, cutoff_day = timezone.localdate(now), timezone.localdate(cutoff)
    notizen = Fortschrittsnotiz.objects.filter(massnahme=OuterRef("pk"))
    quiet_since_cutoff = Exists(notizen) | Q(start__lte=cutoff_day)
    quiet_since_cutoff |= Q(start__isnull=True, ziel__schwerpunkt__konzept__created_at__lt=cutoff)
    return (
        Massnahme.objects.filter(status__in=AKTIV)
        # A draft's measures are not yet the network's, nor an archived concept's any more: their
        # owners may not even read a draft (netzwerk.read_konzept), so nobody is asked for notes.
        .exclude(ziel__schwerpunkt__konzept__status=Konzept.Status.ENTWURF)
        .filter(ziel__schwerpunkt__konzept__archived_at__isnull=True)
        .filter(Q(start__isnull=True) | Q(start__lte=today))
        .filter(Q(end__isnull=True) | Q(end__gte=cutoff_day))
        .filter(_not_reminded_since(cutoff))
        .exclude(Exists(notizen.filter(created_at__gte=cutoff)))
        .filter(quiet_since_cutoff)
    )


def massnahme_verantwortliche(massnahme: Massnahme) -> QuerySet[User]:
    """Who answers for a measure: the approved, active accounts that netzwerk.note_massnahme lets
    write its notes, the coordination aside (it may note on every measure, but owns none):
    the moderators of its forum and the people of its responsible organisations."""
    zustaendig = Q(person__organisation__in=massnahme.organisationen.values("pk"))
    if massnahme.forum_id:
        zustaendig |= Q(moderierte_foren=massnahme.forum_id)
    return User.objects.filter(zustaendig, is_active=True, approved_at__isnull=False).distinct()


def massnahmen_erinnern(*, now: datetime | None = None) -> int:
    """Ask the owners of quiet measures for a progress note: one mail per person, listing all of
    their due measures; each measure at most once per KONZEPTE_NOTIZ_ERINNERUNG_TAGE.

    A measure is marked by a conditional UPDATE in the same transaction as the mails, so two runs
    at the same time never remind twice. A measure nobody answers for is skipped and logged, not
    marked: it becomes due the day someone is made responsible. The coordination gets no mail, not
    even for those: it may note on every measure but owns none, and it decides who is responsible.
    Returns the mails queued.
    """
    now = now or timezone.now()
    tage = settings.KONZEPTE_NOTIZ_ERINNERUNG_TAGE
    cutoff = now - timedelta(days=tage)
    faellig = massnahmen_faellig(now=now).values("pk")
    massnahmen = (
        Massnahme.objects.filter(pk__in=faellig)
        .select_related("ziel__schwerpunkt__konzept")
        .annotate(letzte_notiz=Max("notizen__created_at"))
    )
    ohne_verantwortliche = []
    queued = 0
    with transaction.atomic():
        empfaenger: dict[int, User] = {}
        je_empfaenger: dict[int, list[Massnahme]] = defaultdict(list)
        for massnahme in massnahmen:
            owners = list(massnahme_verantwortliche(massnahme))
            if not owners:
                ohne_verantwortliche.append(massnahme.pk)
                continue
            marked = (
                Massnahme.objects.filter(pk=massnahme.pk)
                .filter(_not_reminded_since(cutoff))
                .update(reminded_at=now)
            )
            if not marked:
                continue  # another run was faster
            for user in owners:
                empfaenger[user.pk] = user
                je_empfaenger[user.pk].append(massnahme)
        for pk, eigene in je_empfaenger.items():
            if mail_queue(
                name="massnahmen_erinnerung",
                context={"empfaenger": empfaenger[pk], "massnahmen": eigene, "tage": tage},
                to=[empfaenger[pk].email],
            ):
                queued += 1
    if ohne_verantwortliche:
        logger.warning(
            "Erinnerung: %d Maßnahmen ohne Verantwortliche übersprungen (ids %s)",
            len(ohne_verantwortliche),
            ohne_verantwortliche,
        )
    return queued
