from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from akteure.models import Angebot
from netzwerk.models import Lebensphase
from netzwerk.rules import is_approved, is_koordination
from netzwerk.selectors import anzahl_je
from netzwerk.sortierung import deutsch

from .models import (
    Anmeldung,
    Arbeitsgruppe,
    Einladung,
    Einlassbuchung,
    Protokoll,
    Protokolldokument,
    Veranstaltung,
)

BELEGT = Q(anmeldungen__status__in=Anmeldung.BELEGT)
GEKOMMEN = Q(anmeldungen__status=Anmeldung.Status.TEILGENOMMEN)


def veranstaltungen_visible_to(user, *, now=None, past=False) -> QuerySet[Veranstaltung]:
    """Upcoming events this person may see (past ones, newest first, with past=True), with their
    confirmed and waiting registrations."""
    now = now or timezone.now()
    qs = Veranstaltung.objects.filter(**{"end__lt" if past else "end__gte": now})
    qs = qs.select_related("forum")
    if not is_koordination(user):
        visible = Q(visibility="public")
        if is_approved(user):
            invited = Einladung.objects.filter(
                veranstaltung=OuterRef("pk"), email=user.email.lower()
            )
            qs = qs.annotate(eingeladen=Exists(invited))
            visible |= Q(visibility="members") | Q(visibility="invited", eingeladen=True)
        qs = qs.filter(visible)
    # Counted per event of the page: a grouped join would count every event's registrations
    # before the list is cut.
    return qs.annotate(
        belegt=anzahl_je(Anmeldung.objects.filter(status__in=Anmeldung.BELEGT), "veranstaltung"),
        wartend=anzahl_je(
            Anmeldung.objects.filter(status=Anmeldung.Status.WARTELISTE), "veranstaltung"
        ),
    ).order_by("-start" if past else "start", deutsch("title"))


# What the event list shows of an event (templates/konferenzen/veranstaltung_list.html).
LISTE_FELDER = (
    "pk", "title", "start", "place", "art", "visibility", "capacity", "cancelled_at",
    "forum__name", "belegt", "wartend",
)  # fmt: skip


def fingerprint(*querysets: QuerySet) -> str | None:
    """A checksum of the rows the querysets yield, computed in the database (one query, only
    the checksum comes back): the key of a cached fragment that shows those rows, so that it is
    drawn again as soon as any of them changes, however it changed (updates of a queryset send
    no signal). The querysets name the values the fragment shows (.values()). None outside
    PostgreSQL: nothing is cached there."""
    if connection.vendor != "postgresql":
        return None
    parts, params = [], []
    for qs in querysets:
        sql, qs_params = qs.query.sql_with_params()
        parts.append(
            f"(SELECT md5(COALESCE(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) "
            f"FROM ({sql}) t)"
        )
        params.extend(qs_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " || ".join(parts), params)
        return cursor.fetchone()[0]


def veranstaltungen_vergangen(
    user,
    *,
    arten: Iterable[str],
    ohne_forum: bool,
    von: date | None = None,
    bis: date | None = None,
    now: datetime | None = None,
) -> QuerySet[Veranstaltung]:
    """Events of the given kinds that have ended and this person may see
    (veranstaltungen_visible_to), newest first, begun from `von` to `bis` (local dates, both
    included, either open); `ohne_forum`: not those of a single forum. With, as there, the
    registrations that held a seat (belegt) and those waiting, and who was checked in (gekommen).
    """
    qs = veranstaltungen_visible_to(user, now=now, past=True).filter(art__in=arten)
    if ohne_forum:
        qs = qs.filter(forum__isnull=True)
    # start__date is the local date (USE_TZ): an evening event stays on its day.
    if von:
        qs = qs.filter(start__date__gte=von)
    if bis:
        qs = qs.filter(start__date__lte=bis)
    return qs.annotate(gekommen=Count("anmeldungen", filter=GEKOMMEN))


def veranstaltungen_im_zeitraum(
    *, anfang: datetime, ende: datetime, now: datetime
) -> QuerySet[Veranstaltung]:
    """The events that began in the period [anfang, ende) and before `now`, whatever their
    visibility: what a period's figures count (teilnahme_statistik, veranstaltungen_mit_teilnahme).
    Without annotations, so that counting them or reading their registrations groups nothing."""
    return Veranstaltung.objects.filter(Q(start__gte=anfang, start__lt=ende), start__lt=now)


def veranstaltungen_mit_teilnahme(
    veranstaltungen: QuerySet[Veranstaltung], *, nur_oeffentlich: bool
) -> QuerySet[Veranstaltung]:
    """The events given, in the order they began, with their forum, the registrations that held
    a seat (belegt) and who was checked in (gekommen). `nur_oeffentlich`: the public ones only."""
    if nur_oeffentlich:
        veranstaltungen = veranstaltungen.filter(visibility=Veranstaltung.Sichtbarkeit.PUBLIC)
    return (
        veranstaltungen.annotate(
            belegt=Count("anmeldungen", filter=BELEGT),
            gekommen=Count("anmeldungen", filter=GEKOMMEN),
        )
        .select_related("forum")
        .order_by("start")
    )


def veranstaltungen_kommend(
    *, now: datetime, bis: datetime, nur_oeffentlich: bool
) -> QuerySet[Veranstaltung]:
    """The events that begin from `now` until before `bis`, in that order. `nur_oeffentlich`: the
    public ones only."""
    qs = Veranstaltung.objects.filter(start__gte=now, start__lt=bis)
    if nur_oeffentlich:
        qs = qs.filter(visibility=Veranstaltung.Sichtbarkeit.PUBLIC)
    return qs.order_by("start")


def arbeitsgruppen_of(veranstaltung: Veranstaltung) -> QuerySet[Arbeitsgruppe]:
    return veranstaltung.arbeitsgruppen.annotate(belegt=Count("anmeldungen", filter=BELEGT))


def belegt(veranstaltung: Veranstaltung, gruppe=None) -> int:
    """Seats taken in the event, or in one of its working groups."""
    seats = veranstaltung.anmeldungen.filter(status__in=Anmeldung.BELEGT)
    if gruppe is not None:
        seats = seats.filter(arbeitsgruppen=gruppe)
    return seats.count()


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


def anmeldungen_fingerprint(anmeldungen: QuerySet[Anmeldung]) -> str | None:
    """The fingerprint of what the registrations list shows of `anmeldungen`: each row's
    person, organisation, status, needs and time, and the names of its working groups."""
    gruppen = Anmeldung.arbeitsgruppen.through.objects.filter(
        anmeldung__in=anmeldungen.order_by().values("pk")
    )
    felder = ("pk", "name", "email", "status", "needs", "created_at", "organisation_name")
    return fingerprint(
        anmeldungen.values(*felder, "organisation__name"),
        gruppen.values("anmeldung_id", "arbeitsgruppe__runde", "arbeitsgruppe__name"),
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


# --- After the event: minutes, attendance ------------------------------------------------------
def protokolle_of(
    veranstaltung: Veranstaltung, *, nur_geschrieben: bool = False
) -> list[Protokoll]:
    """The minutes of the event and of its working groups (the event's first, then the groups in
    the programme's order), with their documents. `nur_geschrieben`: only those with a text or a
    document, as readers see them."""
    qs = (
        veranstaltung.protokolle.select_related("arbeitsgruppe", "updated_by")
        .prefetch_related(
            Prefetch("dokumente", Protokolldokument.objects.select_related("uploaded_by"))
        )
        .order_by(F("arbeitsgruppe__runde").asc(nulls_first=True), deutsch("arbeitsgruppe__name"))
    )
    if nur_geschrieben:
        qs = qs.filter(
            ~Q(text="") | Exists(Protokolldokument.objects.filter(protokoll=OuterRef("pk")))
        )
    return list(qs)


@dataclass(frozen=True)
class Teilnahmegruppe:
    """One row of a breakdown: how many of a group held a seat, how many came, and what share of
    all who came that is (per cent, rounded)."""

    name: str
    angemeldet: int
    teilgenommen: int
    anteil: int


@dataclass(frozen=True)
class Teilnahmestatistik:
    """Registrations and attendance of one or more events.

    angemeldet: every registration received, cancelled ones included; bestaetigt: those that held
    a seat (attended or not); nicht_erschienen: held a seat at an event that has ended and were
    never checked in; organisationen: distinct organisations of those who came.
    """

    angemeldet: int
    bestaetigt: int
    teilgenommen: int
    nicht_erschienen: int
    warteliste: int
    storniert: int
    organisationen: int
    nach_typ: list[Teilnahmegruppe]
    nach_lebensphase: list[Teilnahmegruppe]


def _gruppe(name: str, angemeldet: int, teilgenommen: int, alle: int) -> Teilnahmegruppe:
    anteil = round(100 * teilgenommen / alle) if alle else 0
    return Teilnahmegruppe(name, angemeldet, teilgenommen, anteil)


def teilnahme_statistik(
    veranstaltungen: QuerySet[Veranstaltung], *, now=None
) -> Teilnahmestatistik:
    """Registrations by status, and who held a seat and who came by organisation type and by
    Lebensphase, over the events given (one event's page, or a status report's period).

    An organisation counts for each Lebensphase of its offers, so the Lebensphasen add up to more
    than all who came; registrations without an organisation, or whose organisation has no offer
    with a Lebensphase, are "nicht zugeordnet". Four queries, however many registrations.
    """
    now = now or timezone.now()
    seat = Q(status__in=Anmeldung.BELEGT)
    came = Q(status=Anmeldung.Status.TEILGENOMMEN)
    anmeldungen = Anmeldung.objects.filter(
        veranstaltung__in=veranstaltungen.order_by().values("pk")
    )
    ohne_phase = ~Exists(
        Angebot.lebensphasen.through.objects.filter(angebot__organisation=OuterRef("organisation"))
    )
    zahlen = anmeldungen.aggregate(
        angemeldet=Count("pk"),
        bestaetigt=Count("pk", filter=seat),
        teilgenommen=Count("pk", filter=came),
        nicht_erschienen=Count(
            "pk", filter=Q(status=Anmeldung.Status.BESTAETIGT, veranstaltung__end__lt=now)
        ),
        warteliste=Count("pk", filter=Q(status=Anmeldung.Status.WARTELISTE)),
        storniert=Count("pk", filter=Q(status=Anmeldung.Status.STORNIERT)),
        organisationen=Count("organisation", filter=came, distinct=True),
        ohne_phase_angemeldet=Count("pk", filter=seat & ohne_phase),
        ohne_phase_teilgenommen=Count("pk", filter=came & ohne_phase),
    )
    alle = zahlen["teilgenommen"]

    typen = (
        anmeldungen.filter(seat)
        .values("organisation__typ__name", "organisation__typ__position")
        .annotate(angemeldet=Count("pk"), teilgenommen=Count("pk", filter=came))
    )
    # Types in their configured order; people without an organisation last.
    typen = sorted(
        typen,
        key=lambda r: (
            r["organisation__typ__name"] is None,
            r["organisation__typ__position"] or 0,
            r["organisation__typ__name"] or "",
        ),
    )
    nach_typ = [
        _gruppe(
            r["organisation__typ__name"] or _("ohne Organisation"),
            r["angemeldet"],
            r["teilgenommen"],
            alle,
        )
        for r in typen
    ]

    # One registration counts once per Lebensphase, however many offers share it.
    phasen = {
        r["organisation__angebote__lebensphasen"]: r
        for r in anmeldungen.filter(seat, organisation__angebote__lebensphasen__isnull=False)
        .values("organisation__angebote__lebensphasen")
        .annotate(
            angemeldet=Count("pk", distinct=True),
            teilgenommen=Count("pk", filter=came, distinct=True),
        )
    }
    nach_lebensphase = []
    for phase in Lebensphase.objects.all():
        r = phasen.get(phase.pk, {"angemeldet": 0, "teilgenommen": 0})
        nach_lebensphase.append(_gruppe(phase.name, r["angemeldet"], r["teilgenommen"], alle))
    if zahlen["ohne_phase_angemeldet"]:
        nach_lebensphase.append(
            _gruppe(
                _("nicht zugeordnet"),
                zahlen["ohne_phase_angemeldet"],
                zahlen["ohne_phase_teilgenommen"],
                alle,
            )
        )
    return Teilnahmestatistik(
        angemeldet=zahlen["angemeldet"],
        bestaetigt=zahlen["bestaetigt"],
        teilgenommen=alle,
        nicht_erschienen=zahlen["nicht_erschienen"],
        warteliste=zahlen["warteliste"],
        storniert=zahlen["storniert"],
        organisationen=zahlen["organisationen"],
        nach_typ=nach_typ,
        nach_lebensphase=nach_lebensphase,
    )


# --- Meine Anmeldungen -------------------------------------------------------------------------
def meine_q(user, organisation=None) -> Q:
    """The registrations that are the account's: its own (by the account or by its address) and
    its delegates', those it registered itself for its organisation."""
    mine = Q(user=user) | Q(email=user.email.lower())
    if organisation is None:
        return mine
    return mine | Q(registered_by=user, organisation=organisation)


def anmeldungen_meine(user, organisation=None) -> QuerySet[Anmeldung]:
    """The account's own registrations (by the account or by its address) and its delegates':
    those it registered itself for its organisation (registered_by and organisation both; not
    every registration of the organisation, which colleagues made for themselves). Every
    status, in the order of the events; with `eigen` (the account's own) and `wartenummer`, the
    place in the waiting list's order, the order in which anmeldung_cancel moves people up."""
    mine = Q(user=user) | Q(email=user.email.lower())
    vor = (
        Anmeldung.objects.filter(
            veranstaltung=OuterRef("veranstaltung"), status=Anmeldung.Status.WARTELISTE
        )
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("veranstaltung")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Anmeldung.objects.filter(meine_q(user, organisation))
        .annotate(
            eigen=ExpressionWrapper(mine, output_field=BooleanField()),
            wartenummer=Case(
                When(
                    status=Anmeldung.Status.WARTELISTE,
                    then=Coalesce(Subquery(vor, output_field=IntegerField()), 0) + 1,
                ),
                default=None,
                output_field=IntegerField(),
            ),
        )
        .select_related("veranstaltung", "organisation")
        .prefetch_related(
            "arbeitsgruppen",
            Prefetch(
                "veranstaltung__arbeitsgruppen",
                Arbeitsgruppe.objects.annotate(belegt=Count("anmeldungen", filter=BELEGT)),
            ),
        )
        .order_by("veranstaltung__start", "veranstaltung__pk", "-eigen", deutsch("name"), "pk")
    )


@dataclass(frozen=True)
class Prognose:
    """Who of the delegates in a form would get a seat now, in the form's order (the order the
    service registers them in); `ohne_platz` pairs each of the others with the reason."""

    mit_platz: list[dict]
    ohne_platz: list[tuple[dict, str]]
    schon_angemeldet: int


def plaetze_fuer(veranstaltung: Veranstaltung, personen: list[dict]) -> Prognose:
    """Count the free seats of the event and of the chosen working groups once and hand them out
    in order. Only a forecast for the form's question: the service counts again under the lock."""
    belegt_qs = veranstaltung.anmeldungen.filter(status__in=Anmeldung.BELEGT)
    frei = None if veranstaltung.capacity is None else veranstaltung.capacity - belegt_qs.count()
    gruppen = {g.pk: g for p in personen for g in p.get("arbeitsgruppen", ())}
    gruppe_frei = {
        pk: None if g.capacity is None else g.capacity - belegt_qs.filter(arbeitsgruppen=g).count()
        for pk, g in gruppen.items()
    }
    schon = set(
        veranstaltung.anmeldungen.filter(
            status__in=Anmeldung.AKTIV, email__in=[p["email"].strip().lower() for p in personen]
        ).values_list("email", flat=True)
    )
    mit_platz, ohne_platz, schon_angemeldet = [], [], 0
    for person in personen:
        if person["email"].strip().lower() in schon:
            schon_angemeldet += 1
            continue
        voll = [g for g in person.get("arbeitsgruppen", ()) if gruppe_frei[g.pk] is not None
                and gruppe_frei[g.pk] <= 0]  # fmt: skip
        if frei is not None and frei <= 0:
            ohne_platz.append((person, _("die Veranstaltung ist ausgebucht")))
        elif voll:
            ohne_platz.append((person, _("„%(name)s“ ist voll") % {"name": voll[0].name}))
        else:
            mit_platz.append(person)
            if frei is not None:
                frei -= 1
            for g in person.get("arbeitsgruppen", ()):
                if gruppe_frei[g.pk] is not None:
                    gruppe_frei[g.pk] -= 1
    return Prognose(mit_platz, ohne_platz, schon_angemeldet)


# --- Check-in: who and when ---------------------------------------------------------------------
@dataclass(frozen=True)
class Einlasszeile:
    name: str
    anzahl: int


@dataclass(frozen=True)
class Einlassstatistik:
    """Who checked people in and when, from the bookings at the door (Einlassbuchung).

    A present person counts once, for their last check-in (an undone and repeated check-in
    counts for whoever made the second). `nach_person`: check-ins per account, most first;
    `zurueckgenommen`: undos; `ohne_buchung`: present without a booking (marked before the
    bookings existed); `ankunft`: arrivals per quarter of an hour (local time), the empty ones
    between the first and the last included when they span at most a working day."""

    eingelassen: int
    zurueckgenommen: int
    ohne_buchung: int
    nach_person: list[Einlasszeile]
    ankunft: list[Einlasszeile]
    max_ankunft: int


VIERTELSTUNDE = timedelta(minutes=15)


def _viertelstunde(at: datetime) -> datetime:
    local = timezone.localtime(at)
    return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)


def einlass_statistik(veranstaltung: Veranstaltung) -> Einlassstatistik:
    """Two queries, however many came."""
    buchungen = list(
        Einlassbuchung.objects.filter(anmeldung__veranstaltung=veranstaltung)
        .select_related("by")
        .order_by("at", "pk")
    )
    letzte = {}
    for buchung in buchungen:
        letzte[buchung.anmeldung_id] = buchung
    anwesend = set(
        veranstaltung.anmeldungen.filter(status=Anmeldung.Status.TEILGENOMMEN).values_list(
            "pk", flat=True
        )
    )
    einlass = Einlassbuchung.Aktion.EINLASS
    gezaehlt = [b for pk, b in letzte.items() if pk in anwesend and b.aktion == einlass]
    personen: dict[str, int] = {}
    for buchung in gezaehlt:
        wer = buchung.by.display_name if buchung.by else _("gelöschtes Konto")
        personen[wer] = personen.get(wer, 0) + 1
    nach_person = [
        Einlasszeile(n, a) for n, a in sorted(personen.items(), key=lambda x: (-x[1], x[0]))
    ]
    slots: dict[datetime, int] = {}
    for buchung in gezaehlt:
        slot = _viertelstunde(buchung.at)
        slots[slot] = slots.get(slot, 0) + 1
    if slots and max(slots) - min(slots) <= timedelta(hours=12):
        slot = min(slots)
        while slot < max(slots):
            slot = timezone.localtime(slot + VIERTELSTUNDE)
            slots.setdefault(slot, 0)
    ankunft = [
        Einlasszeile(f"{s:%H:%M}–{timezone.localtime(s + VIERTELSTUNDE):%H:%M}", n)
        if timezone.localtime(s).date() == timezone.localtime(veranstaltung.start).date()
        else Einlasszeile(f"{s:%d.%m.%Y %H:%M}–{timezone.localtime(s + VIERTELSTUNDE):%H:%M}", n)
        for s, n in sorted(slots.items())
    ]
    return Einlassstatistik(
        eingelassen=len(gezaehlt),
        zurueckgenommen=sum(b.aktion == Einlassbuchung.Aktion.ZURUECK for b in buchungen),
        ohne_buchung=len(anwesend - {b.anmeldung_id for b in gezaehlt}),
        nach_person=nach_person,
        ankunft=ankunft,
        max_ankunft=max(slots.values(), default=0),
    )
