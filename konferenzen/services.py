"""Registrations that never overbook.

Every entry point (the portal's form, invitation links, the admin, imports) registers through
`anmeldung_create`; cancellations go through `anmeldung_cancel`. Both lock the event's row first
(SELECT ... FOR UPDATE), so all changes to one event's seats happen one after the other, and
count the confirmed registrations from the rows, never from a counter (as pretix's quotas do).
`settings.KONFERENZEN_SPERRE = False` switches the lock off: the control test shows the race that
the lock prevents.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netzwerk.mail import mail_queue

from . import ical
from .models import Anmeldung, Arbeitsgruppe, Einladung, Veranstaltung


def lock(veranstaltung: Veranstaltung) -> Veranstaltung:
    """The event's row, locked until the transaction ends: all changes to its seats queue here."""
    queryset = Veranstaltung.objects.all()
    if getattr(settings, "KONFERENZEN_SPERRE", True):
        queryset = queryset.select_for_update()
    return queryset.get(pk=veranstaltung.pk)


def _fits(event: Veranstaltung, gruppen: list[Arbeitsgruppe]) -> bool:
    """Is there a seat for one more, in the event and in each chosen working group?"""
    belegt = Anmeldung.objects.filter(veranstaltung=event, status__in=Anmeldung.BELEGT)
    if event.capacity is not None and belegt.count() >= event.capacity:
        return False
    return all(
        gruppe.capacity is None or belegt.filter(arbeitsgruppen=gruppe).count() < gruppe.capacity
        for gruppe in gruppen
    )


def _check_gruppen(event: Veranstaltung, gruppen: list[Arbeitsgruppe]) -> None:
    if any(gruppe.veranstaltung_id != event.pk for gruppe in gruppen):
        raise ValidationError(_("Diese Arbeitsgruppe gehört nicht zu dieser Veranstaltung."))
    runden = [gruppe.runde for gruppe in gruppen]
    if len(runden) != len(set(runden)):
        raise ValidationError(
            _("Arbeitsgruppen im selben Zeitfenster laufen gleichzeitig: bitte wählen Sie je "
              "Zeitfenster höchstens eine.")
        )  # fmt: skip


def _mail(anmeldung: Anmeldung, name: str, **extra) -> None:
    """Confirmations carry the event as a calendar entry."""
    attachments = None
    if anmeldung.status == Anmeldung.Status.BESTAETIGT:
        attachments = [
            {
                "filename": "veranstaltung.ics",
                "content": ical.kalender([anmeldung.veranstaltung]).decode(),
                "mimetype": "text/calendar",
            }
        ]
    mail_queue(
        name=name,
        context={"anmeldung": anmeldung, "veranstaltung": anmeldung.veranstaltung, **extra},
        to=[anmeldung.email],
        attachments=attachments,
    )


@transaction.atomic
def anmeldung_create(
    *,
    veranstaltung: Veranstaltung,
    name: str,
    email: str,
    organisation=None,
    organisation_name: str = "",
    arbeitsgruppen=(),
    needs: str = "",
    on_list: bool = False,
    comment: str = "",
    user=None,
    registered_by=None,
    now=None,
) -> tuple[Anmeldung, bool]:
    """Register one person: confirmed while there is a seat in the event and in each chosen
    working group (at most one per time slot), else on the waiting list. The same address twice
    returns the first registration (created = False): a double click registers once."""
    now = now or timezone.now()
    event = lock(veranstaltung)
    if not event.is_registration_open(now):
        raise ValidationError(_("Für diese Veranstaltung ist die Anmeldung nicht geöffnet."))
    gruppen = list(arbeitsgruppen)
    _check_gruppen(event, gruppen)
    email = email.strip().lower()
    if not email:
        raise ValidationError(_("Bitte geben Sie eine E-Mail-Adresse an."))
    existing = Anmeldung.objects.filter(
        veranstaltung=event, email=email, status__in=Anmeldung.AKTIV
    ).first()
    if existing is not None:
        return existing, False
    confirmed = _fits(event, gruppen)
    try:
        with transaction.atomic():
            anmeldung = Anmeldung.objects.create(
                veranstaltung=event,
                user=user,
                registered_by=registered_by or user,
                name=name,
                email=email,
                organisation=organisation,
                organisation_name=organisation_name,
                needs=needs,
                on_list=on_list,
                comment=comment,
                status=Anmeldung.Status.BESTAETIGT if confirmed else Anmeldung.Status.WARTELISTE,
                confirmed_at=now if confirmed else None,
                created_at=now,
            )
    except IntegrityError:
        # The same address at the same moment (only possible without the lock).
        return Anmeldung.objects.get(
            veranstaltung=event, email=email, status__in=Anmeldung.AKTIV
        ), False
    anmeldung.arbeitsgruppen.set(gruppen)
    # Invited and registered some other way (the event page, a colleague, the coordination):
    # that is an answer, so no reminder asks for one.
    Einladung.objects.filter(
        veranstaltung=event, email=email, status=Einladung.Status.OFFEN
    ).update(status=Einladung.Status.ANGENOMMEN, answered_at=now, anmeldung=anmeldung)
    _mail(anmeldung, "anmeldung_bestaetigt" if confirmed else "anmeldung_warteliste")
    return anmeldung, True


@transaction.atomic
def anmeldung_cancel(
    *, anmeldung: Anmeldung, now=None, by_organisers: bool = False, durch: str = ""
) -> list[Anmeldung]:
    """Cancel, and confirm from the waiting list whoever now fits, in the order they registered.
    `durch`: the colleague who cancelled a delegate's registration (named in the mail).
    Returns those moved up. Cancelling twice changes nothing."""
    now = now or timezone.now()
    event = lock(anmeldung.veranstaltung)
    if event.start <= now:
        # Who came and who did not is the record of the event now (statistics, status report);
        # nobody moves up into an event that has begun.
        raise ValidationError(
            _("Die Veranstaltung hat begonnen: eine Absage ist nicht mehr möglich.")
        )
    cancelled = Anmeldung.objects.filter(pk=anmeldung.pk, status__in=Anmeldung.AKTIV).update(
        status=Anmeldung.Status.STORNIERT, cancelled_at=now
    )
    if not cancelled:
        return []
    anmeldung.status = Anmeldung.Status.STORNIERT
    Einladung.objects.filter(anmeldung=anmeldung).update(
        status=Einladung.Status.ABGELEHNT, answered_at=now
    )
    _mail(anmeldung, "anmeldung_storniert", durch_organisation=by_organisers, durch=durch)
    return _promote(event, now=now)


def _promote(event: Veranstaltung, *, now) -> list[Anmeldung]:
    promoted = []
    warteliste = (
        Anmeldung.objects.filter(veranstaltung=event, status=Anmeldung.Status.WARTELISTE)
        .prefetch_related("arbeitsgruppen")
        .order_by("created_at", "pk")
    )
    for kandidat in warteliste:
        if event.capacity is not None and not _fits(event, []):
            break  # the event is full: nobody further down can fit either
        if _fits(event, list(kandidat.arbeitsgruppen.all())):
            _confirm(kandidat, now=now)
            promoted.append(kandidat)
    return promoted


def _confirm(anmeldung: Anmeldung, *, now) -> None:
    Anmeldung.objects.filter(pk=anmeldung.pk, status=Anmeldung.Status.WARTELISTE).update(
        status=Anmeldung.Status.BESTAETIGT, confirmed_at=now
    )
    anmeldung.status = Anmeldung.Status.BESTAETIGT
    _mail(anmeldung, "anmeldung_nachgerueckt")


@transaction.atomic
def anmeldung_promote(*, anmeldung: Anmeldung, now=None) -> Anmeldung:
    """A coordinator moves someone up by hand, ahead of the order, but never past the capacity:
    to take more people, raise the seats first."""
    now = now or timezone.now()
    event = lock(anmeldung.veranstaltung)
    current = Anmeldung.objects.prefetch_related("arbeitsgruppen").get(pk=anmeldung.pk)
    if current.status != Anmeldung.Status.WARTELISTE:
        raise ValidationError(_("Diese Anmeldung steht nicht (mehr) auf der Warteliste."))
    if not _fits(event, list(current.arbeitsgruppen.all())):
        raise ValidationError(
            _("Kein Platz frei. Erhöhen Sie zuerst die Plätze der Veranstaltung oder der "
              "Arbeitsgruppe.")
        )  # fmt: skip
    _confirm(current, now=now)
    return current


@transaction.atomic
def anmeldungen_create(*, veranstaltung: Veranstaltung, personen: list[dict], **common):
    """An organisation registers several delegates in one go: one transaction, each through
    anmeldung_create (each gets their own confirmation and link). Returns [(anmeldung, created)]."""
    return [
        anmeldung_create(veranstaltung=veranstaltung, **common, **person) for person in personen
    ]


def reminders_send(*, now=None) -> int:
    """Events that start within KONFERENZEN_ERINNERUNG_STUNDEN get one reminder to everyone
    confirmed. The event's mark is set by a conditional UPDATE in the same transaction as the
    mails, so two beat runs (or two workers) never remind twice. Returns the mails queued."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.KONFERENZEN_ERINNERUNG_STUNDEN)
    queued = 0
    due = Veranstaltung.objects.filter(
        start__gt=now, start__lte=soon, reminder_sent_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in due:
        with transaction.atomic():
            if not Veranstaltung.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                continue  # another run was faster
            for anmeldung in Anmeldung.objects.filter(
                veranstaltung_id=pk, status=Anmeldung.Status.BESTAETIGT
            ).select_related("veranstaltung"):
                _mail(anmeldung, "veranstaltung_erinnerung")
                queued += 1
    return queued


# --- Meine Anmeldungen: changing a working group, registering delegates -------------------------


def _gruppe_frei(gruppe: Arbeitsgruppe, *, ohne: Anmeldung) -> bool:
    """Is there a seat in the working group for this registration (itself not counted)?"""
    if gruppe.capacity is None:
        return True
    belegt = Anmeldung.objects.filter(arbeitsgruppen=gruppe, status__in=Anmeldung.BELEGT)
    return belegt.exclude(pk=ohne.pk).count() < gruppe.capacity


def _darf_aendern(user, anmeldung: Anmeldung) -> bool:
    """Who may change a registration: those who manage the event, the person, and a colleague
    who registered them for their organisation ("Meine Anmeldungen"). None: the system."""
    from akteure.selectors import organisation_of_user

    from .selectors import anmeldungen_meine

    if user.has_perm("konferenzen.manage_veranstaltung", anmeldung.veranstaltung):
        return True
    mine = anmeldungen_meine(user, organisation_of_user(user))
    return mine.filter(pk=anmeldung.pk).exists()


@transaction.atomic
def arbeitsgruppe_wechseln(
    *, anmeldung: Anmeldung, runde: int, neue_gruppe: Arbeitsgruppe | None, by, now=None
) -> Anmeldung:
    """Move a registration to another working group of the time slot `runde` (None: to no group).
    With a seat it moves only if the new group has room: otherwise nothing changes and the
    ValidationError (code "voll") says that the current place is kept. On the waiting list only
    the wish changes. Either way the waiting list then moves up, in its order, into whatever
    became free (the old group's seat, or the new wish). Until the event begins."""
    now = now or timezone.now()
    if by is not None and not _darf_aendern(by, anmeldung):
        raise PermissionDenied
    if by is not None and not _darf_aendern(by, anmeldung):
        raise PermissionDenied
    event = lock(anmeldung.veranstaltung)
    current = Anmeldung.objects.prefetch_related("arbeitsgruppen").get(pk=anmeldung.pk)
    if event.start <= now:
        raise ValidationError(
            _("Die Veranstaltung hat begonnen: die Arbeitsgruppe lässt sich nicht mehr wechseln.")
        )
    if current.status not in (Anmeldung.Status.BESTAETIGT, Anmeldung.Status.WARTELISTE):
        raise ValidationError(_("Diese Anmeldung ist abgesagt: es gibt nichts zu wechseln."))
    if neue_gruppe is not None:
        neue_gruppe = Arbeitsgruppe.objects.filter(pk=neue_gruppe.pk).first()  # fresh seats
        if neue_gruppe is None or neue_gruppe.veranstaltung_id != event.pk:
            raise ValidationError(_("Diese Arbeitsgruppe gehört nicht zu dieser Veranstaltung."))
        if neue_gruppe.runde != runde:
            raise ValidationError(_("Diese Arbeitsgruppe gehört zu einem anderen Zeitfenster."))
    alte = [g for g in current.arbeitsgruppen.all() if g.runde == runde]
    if [g.pk for g in alte] == ([neue_gruppe.pk] if neue_gruppe else []):
        return current
    if (
        current.status == Anmeldung.Status.BESTAETIGT
        and neue_gruppe is not None
        and not _gruppe_frei(neue_gruppe, ohne=current)
    ):
        if alte:
            text = _("In „%(neu)s“ ist kein Platz mehr frei. Der Platz in „%(alt)s“ bleibt.")
        else:
            text = _("In „%(neu)s“ ist kein Platz mehr frei. Die Anmeldung bleibt, wie sie war.")
        raise ValidationError(
            text % {"neu": neue_gruppe.name, "alt": ", ".join(g.name for g in alte)}, code="voll"
        )
    current.arbeitsgruppen.remove(*alte)
    if neue_gruppe is not None:
        current.arbeitsgruppen.add(neue_gruppe)
    _mail(
        current,
        "anmeldung_arbeitsgruppe",
        alte=alte,
        neue_gruppe=neue_gruppe,
        durch=by if by is not None and by.pk != current.user_id else None,
    )
    _promote(event, now=now)
    current.refresh_from_db(fields=["status", "confirmed_at"])
    return current


@transaction.atomic
def delegierte_anmelden(
    *, veranstaltung: Veranstaltung, personen: list[dict], warteliste: bool = True, **common
) -> tuple[list[tuple[Anmeldung, bool]], list[dict]]:
    """Register several delegates in one go (as anmeldungen_create), with the choice the form
    offers for those without a seat: the waiting list (warteliste=True), or not registering them
    (warteliste=False; they come back as the second list). Seats are counted under the event's
    lock in the order given, so "only those with a seat" never puts anyone on the waiting list.
    An address registered before is returned as it is (created = False)."""
    event = lock(veranstaltung)
    ergebnisse, ohne_platz = [], []
    for person in personen:
        if not warteliste:
            schon = Anmeldung.objects.filter(
                veranstaltung=event,
                email=person["email"].strip().lower(),
                status__in=Anmeldung.AKTIV,
            ).exists()
            if not schon and not _fits(event, list(person.get("arbeitsgruppen", ()))):
                ohne_platz.append(person)
                continue
        ergebnisse.append(anmeldung_create(veranstaltung=event, **common, **person))
    return ergebnisse, ohne_platz
