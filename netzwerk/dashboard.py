"""The dashboard is the top floor: it reads the other apps through their selectors.

After login every role lands here and finds what it must do next; a person with several roles
sees each role's section. Every list is cut to a few rows, so the page costs the same number of
queries however much the network holds (tests/netzwerk/test_dashboard.py).
"""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from akteure.models import Angebot
from akteure.selectors import organisation_of_user, personen_for_review
from foren.models import Beitrag
from foren.selectors import foren_moderated_by, foren_with_member, interessen_open
from konferenzen.models import Anmeldung, Veranstaltung
from konferenzen.selectors import meine_q

from .berichte.selectors import berichte_fuer
from .context_processors import Rollen
from .models import Mail, Rueckmeldung, Sachstandsbericht
from .selectors import accounts_awaiting_approval

# How far the dashboard looks ahead (events) and back (new entries in a forum's collection).
TAGE = 14
# Rows per list: the rest is one click away on the full page.
ZEILEN = 5

BELEGT = Q(anmeldungen__status__in=Anmeldung.BELEGT)
WARTEND = Q(anmeldungen__status=Anmeldung.Status.WARTELISTE)


def dashboard_context(user, rollen: Rollen, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    context: dict = {"tage": TAGE}
    if rollen.koordination:
        context.update(_koordination(now))
    if rollen.moderation:
        context.update(_moderation(user, now))
    if rollen.approved:
        context.update(_eigenes(user, rollen, now))
    return context


def _koordination(now: datetime) -> dict:
    wartende = accounts_awaiting_approval()
    veranstaltungen = list(
        Veranstaltung.objects.filter(
            start__gte=now, start__lt=now + timedelta(days=TAGE), cancelled_at__isnull=True
        )
        .select_related("forum")
        .annotate(
            belegt=Count("anmeldungen", filter=BELEGT), wartend=Count("anmeldungen", filter=WARTEND)
        )
        .order_by("start", "pk")[: ZEILEN * 2]
    )
    for veranstaltung in veranstaltungen:
        veranstaltung.prozent = (
            min(100, round(100 * veranstaltung.belegt / veranstaltung.capacity))
            if veranstaltung.capacity
            else None
        )
    return {
        "wartende_freigaben": wartende.count(),
        "wartende_konten": list(wartende[:ZEILEN]),
        "naechste_veranstaltungen": veranstaltungen,
        # Asked for and not (yet) finished: waiting for the worker, running, or failed.
        "berichte_in_arbeit": list(
            Sachstandsbericht.objects.exclude(status=Sachstandsbericht.Status.FERTIG)
            .select_related("gremium")
            .order_by("-nummer")[:ZEILEN]
        ),
        "fehlgeschlagene_mails": Mail.objects.filter(status=Mail.Status.FAILED).count(),
        "offene_rueckmeldungen": Rueckmeldung.objects.filter(done=False).count(),
        "veraltete_angebote": Angebot.objects.stale(now).count(),
        "personen_pruefen": personen_for_review().count(),
        "neues_interesse": interessen_open().count(),
    }


def _moderation(user, now: datetime) -> dict:
    seit = now - timedelta(days=TAGE)
    foren = list(
        foren_moderated_by(user).annotate(
            neue_beitraege=Count("beitraege", filter=Q(beitraege__created_at__gte=seit))
        )
    )
    ids = [forum.pk for forum in foren]
    return {
        "moderierte_foren": foren,
        "forum_sitzungen": list(
            Veranstaltung.objects.filter(forum__in=ids, end__gte=now, cancelled_at__isnull=True)
            .select_related("forum")
            .annotate(belegt=Count("anmeldungen", filter=BELEGT))
            .order_by("start", "pk")[:ZEILEN]
        ),
        "neue_beitraege": list(
            Beitrag.objects.filter(forum__in=ids, created_at__gte=seit)
            .select_related("forum", "author")
            .order_by("-created_at", "-pk")[: ZEILEN * 2]
        ),
    }


def _eigenes(user, rollen: Rollen, now: datetime) -> dict:
    """What concerns the person themselves: their organisation and its offers, their
    registrations and forums (partners), their committees' reports (Gremium)."""
    context: dict = {"meine_foren": list(foren_with_member(user))}
    organisation = organisation_of_user(user)
    # A committee member or a coordinator without an organisation has no partner box to fill.
    context["partner_bereich"] = rollen.partner or organisation is not None
    if context["partner_bereich"]:
        context["meine_organisation"] = organisation
        if organisation is not None:
            angebote = organisation.angebote.order_by("confirmed_at", "pk")
            context["angebote_zahl"] = angebote.count()
            context["angebote_bestaetigen"] = list(angebote.stale(now)[: ZEILEN * 2])
        context["meine_anmeldungen"] = list(
            Anmeldung.objects.filter(
                # Own, and delegates registered for the own organisation (as "Meine
                # Anmeldungen" counts them); not everyone a coordinator imported.
                meine_q(user, organisation),
                status__in=Anmeldung.AKTIV,
                veranstaltung__end__gte=now,
            )
            .select_related("veranstaltung")
            .order_by("veranstaltung__start", "pk")[: ZEILEN * 2]
        )
    # Committee members find the reports meant for their committees here.
    context["meine_gremien"] = list(user.gremien.all())
    if context["meine_gremien"]:
        context["gremium_berichte"] = list(
            berichte_fuer(user)
            .filter(gremium__members=user, status=Sachstandsbericht.Status.FERTIG)
            .distinct()[: ZEILEN * 2]
        )
    return context
