from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from netzwerk.rules import is_approved, is_koordination

from .models import Anmeldung, Arbeitsgruppe, Veranstaltung

BELEGT = Q(anmeldungen__status__in=Anmeldung.BELEGT)


def veranstaltungen_visible_to(user, *, now=None) -> QuerySet[Veranstaltung]:
    """Upcoming events this person may see, with their confirmed and waiting registrations."""
    now = now or timezone.now()
    qs = Veranstaltung.objects.filter(end__gte=now).select_related("forum")
    if not is_koordination(user):
        visible = Q(visibility="public")
        if is_approved(user):
            visible |= Q(visibility="members")
        qs = qs.filter(visible)
    return qs.annotate(
        belegt=Count("anmeldungen", filter=BELEGT),
        wartend=Count("anmeldungen", filter=Q(anmeldungen__status="warteliste")),
    ).order_by("start")


def arbeitsgruppen_of(veranstaltung: Veranstaltung) -> QuerySet[Arbeitsgruppe]:
    return veranstaltung.arbeitsgruppen.annotate(belegt=Count("anmeldungen", filter=BELEGT))


def belegt(veranstaltung: Veranstaltung) -> int:
    return veranstaltung.anmeldungen.filter(status__in=Anmeldung.BELEGT).count()


def veranstaltungen_registered(user) -> QuerySet[Veranstaltung]:
    """Events this account is registered for (confirmed, waiting or attended)."""
    return (
        Veranstaltung.objects.filter(
            Q(anmeldungen__user=user) | Q(anmeldungen__email=user.email.lower()),
            anmeldungen__status__in=Anmeldung.AKTIV,
        )
        .distinct()
        .order_by("start")
    )


def anmeldung_of(veranstaltung: Veranstaltung, user) -> Anmeldung | None:
    if not user.is_authenticated:
        return None
    return (
        veranstaltung.anmeldungen.filter(status__in=Anmeldung.AKTIV)
        .filter(Q(user=user) | Q(email=user.email.lower()))
        .first()
    )


def anmeldungen_of(veranstaltung: Veranstaltung) -> QuerySet[Anmeldung]:
    """The event's registrations, in the order they came (the waiting list's order)."""
    return (
        veranstaltung.anmeldungen.select_related("organisation")
        .prefetch_related("arbeitsgruppen")
        .order_by("created_at", "pk")
    )


def zahlen(veranstaltung: Veranstaltung) -> dict[str, int]:
    """Registrations by status, in one query."""
    return veranstaltung.anmeldungen.aggregate(
        bestaetigt=Count("pk", filter=Q(status="bestaetigt")),
        warteliste=Count("pk", filter=Q(status="warteliste")),
        storniert=Count("pk", filter=Q(status="storniert")),
        teilgenommen=Count("pk", filter=Q(status="teilgenommen")),
    )


def einladung_zahlen(veranstaltung: Veranstaltung) -> dict[str, int]:
    return veranstaltung.einladungen.aggregate(
        alle=Count("pk"),
        offen=Count("pk", filter=Q(status="offen")),
        angenommen=Count("pk", filter=Q(status="angenommen")),
        abgelehnt=Count("pk", filter=Q(status="abgelehnt")),
    )
