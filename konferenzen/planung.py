"""Planning events in the portal: create, edit, copy, series, cancel; the agenda and the
working groups. Coordinators plan every event, a forum's moderators the meetings of their forum
(konferenzen.rules). Changes to seats go through the event's lock (services.lock), like every
registration: lowering a capacity below the seats taken, or deleting a working group, cannot race
with someone registering.
"""

import uuid
from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from netzwerk.mail import mail_queue

from . import selectors, services
from .models import Anmeldung, Arbeitsgruppe, Tagesordnungspunkt, Veranstaltung

PLAN = "konferenzen.plan_veranstaltung"
# What registered people are told about when it changes.
WANN_UND_WO = ("start", "end", "place", "room", "online_url")
MAX_SERIE = 52


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _offen(event: Veranstaltung) -> None:
    if event.cancelled_at:
        raise ValidationError(
            _("Die Veranstaltung ist abgesagt und kann nicht mehr geändert werden.")
        )


def _promote_if_ahead(event: Veranstaltung, now) -> None:
    """Confirm the waiting list into freed seats, unless the event has begun: who came is then
    its record (as anmeldung_cancel refuses)."""
    if event.start > now:
        services._promote(event, now=now)


def _check(event: Veranstaltung) -> None:
    """The rules every saved event keeps; messages name the field they concern."""
    errors: dict[str, list[str]] = {}
    if event.start and event.end and event.end <= event.start:
        errors.setdefault("end", []).append(_("Das Ende muss nach dem Beginn liegen."))
    opens, closes = event.registration_opens, event.registration_closes
    if closes and event.end and closes > event.end:
        errors.setdefault("registration_closes", []).append(
            _("Die Anmeldefrist muss vor dem Ende der Veranstaltung liegen.")
        )
    if opens and closes and opens >= closes:
        errors.setdefault("registration_opens", []).append(
            _("Die Anmeldung muss sich öffnen, bevor die Frist endet.")
        )
    if opens and event.start and opens >= event.start:
        errors.setdefault("registration_opens", []).append(
            _("Die Anmeldung muss sich vor dem Beginn öffnen.")
        )
    if event.art == Veranstaltung.Art.FORUMSSITZUNG and not event.forum_id:
        errors.setdefault("forum", []).append(
            _("Eine Forumssitzung gehört zu einem Forum: bitte wählen Sie es.")
        )
    if errors:
        raise ValidationError(errors)


def _registered(event: Veranstaltung):
    """Everyone holding or waiting for a seat: those to tell about a change."""
    return Anmeldung.objects.filter(
        veranstaltung=event, status__in=(Anmeldung.Status.BESTAETIGT, Anmeldung.Status.WARTELISTE)
    )


@transaction.atomic
def veranstaltung_save(
    *, veranstaltung: Veranstaltung, by, notify: bool = False, now=None
) -> tuple[Veranstaltung, int]:
    """Create or change an event. A change of time or place is mailed to the registered people
    when `notify` is set; raising the seats confirms the waiting list in its order. Returns the
    event and how many people were told."""
    now = now or timezone.now()
    neu = veranstaltung.pk is None
    if neu:
        _require(by, "konferenzen.create_veranstaltung")
    # A moderator plans meetings of their own forums only (the event's forum decides).
    _require(by, PLAN, veranstaltung)
    _check(veranstaltung)
    if neu:
        veranstaltung.created_by = by
        veranstaltung.save()
        return veranstaltung, 0
    old = services.lock(veranstaltung)
    _offen(old)
    # The rights are the stored event's too: a moderator cannot take over a conference by
    # linking it to their forum, nor move a meeting into a forum they do not moderate.
    _require(by, PLAN, old)
    # What the form does not hold stays as stored (a reminder sent meanwhile is not sent again).
    for name in ("reminder_sent_at", "cancelled_at", "cancel_reason", "serie", "created_by_id",
                 "created_at"):  # fmt: skip
        setattr(veranstaltung, name, getattr(old, name))
    if veranstaltung.capacity is not None:
        belegt = selectors.belegt(old)
        if veranstaltung.capacity < belegt:
            raise ValidationError(
                {
                    "capacity": _(
                        "Schon %(n)s Plätze sind vergeben: die Platzzahl kann nicht darunter "
                        "liegen. Sagen Sie zuerst Anmeldungen ab."
                    )
                    % {"n": belegt}
                }
            )
    changed = [f for f in WANN_UND_WO if getattr(old, f) != getattr(veranstaltung, f)]
    veranstaltung.save()
    _promote_if_ahead(veranstaltung, now)
    told = 0
    if notify and changed and veranstaltung.end > now:
        for anmeldung in _registered(veranstaltung):
            mail_queue(
                name="veranstaltung_geaendert",
                context={
                    "anmeldung": anmeldung,
                    "veranstaltung": veranstaltung,
                    "vorher": old,
                    "zeit": bool({"start", "end"} & set(changed)),
                    "ort": bool({"place", "room", "online_url"} & set(changed)),
                },
                to=[anmeldung.email],
            )
            told += 1
    return veranstaltung, told


def _copy_program(source: Veranstaltung, target: Veranstaltung) -> None:
    Tagesordnungspunkt.objects.bulk_create(
        [
            Tagesordnungspunkt(
                veranstaltung=target,
                time=t.time,
                end_time=t.end_time,
                title=t.title,
                speaker=t.speaker,
                position=t.position,
            )  # fmt: skip
            for t in source.tagesordnung.all()
        ]
    )
    Arbeitsgruppe.objects.bulk_create(
        [
            Arbeitsgruppe(
                veranstaltung=target,
                name=g.name,
                description=g.description,
                runde=g.runde,
                capacity=g.capacity,
            )  # fmt: skip
            for g in source.arbeitsgruppen.all()
        ]
    )


def _aware(local: datetime) -> datetime:
    """A local wall-clock time as a moment; one that the spring change of summer time skips
    (2:30 on its night) does not exist and is refused rather than moved by an hour."""
    aware = timezone.make_aware(local)
    # Through UTC and back: a skipped time comes back an hour later.
    roundtrip = aware.astimezone(UTC).astimezone(timezone.get_current_timezone())
    if roundtrip.replace(tzinfo=None) != local:
        raise ValidationError(
            _("Den %(tag)s um %(zeit)s Uhr gibt es wegen der Umstellung auf Sommerzeit nicht. "
              "Bitte wählen Sie eine andere Uhrzeit.")
            % {"tag": local.strftime("%d.%m.%Y"), "zeit": local.strftime("%H:%M")}
        )  # fmt: skip
    return aware


def _shifted(value: datetime | None, delta: timedelta) -> datetime | None:
    """The same wall-clock time `delta` later: 9:00 stays 9:00 across a change of summer time."""
    if value is None:
        return None
    return _aware(timezone.localtime(value).replace(tzinfo=None) + delta)


@transaction.atomic
def veranstaltung_copy(
    *, original: Veranstaltung, start: datetime, title: str, by
) -> Veranstaltung:
    """Next year's conference in one step: the same event with its agenda and working groups,
    every date moved by the same span, no registrations, no invitations."""
    _require(by, PLAN, original)
    delta = timezone.localtime(start).replace(tzinfo=None) - timezone.localtime(
        original.start
    ).replace(tzinfo=None)
    copy = Veranstaltung(
        art=original.art,
        title=title or original.title,
        start=_shifted(original.start, delta),
        end=_shifted(original.end, delta),
        place=original.place,
        room=original.room,
        accessibility=original.accessibility,
        online_url=original.online_url,
        description=original.description,
        forum=original.forum,
        visibility=original.visibility,
        registration_opens=_shifted(original.registration_opens, delta),
        registration_closes=_shifted(original.registration_closes, delta),
        capacity=original.capacity,
        abfragen=list(original.abfragen or []),
        created_by=by,
    )
    _check(copy)
    copy.save()
    _copy_program(original, copy)
    return copy


def serie_termine(*, start: datetime, einheit: str, abstand: int, anzahl: int) -> list[datetime]:
    """The dates of a series: every `abstand` weeks or months from `start`, at the same local
    time. A monthly series on the 31st falls on the last day of shorter months."""
    if not 1 <= anzahl <= MAX_SERIE:
        raise ValidationError(
            {"anzahl": _("Eine Serie hat 1 bis %(n)s Termine.") % {"n": MAX_SERIE}}
        )
    if not 1 <= abstand <= 12:
        raise ValidationError({"abstand": _("Der Abstand liegt zwischen 1 und 12.")})
    first = timezone.localtime(start).replace(tzinfo=None)
    step = (
        (lambda i: timedelta(weeks=abstand * i))
        if einheit == "wochen"
        else (lambda i: relativedelta(months=abstand * i))
    )
    return [_aware(first + step(i)) for i in range(anzahl)]


@transaction.atomic
def serie_create(
    *, vorlage: Veranstaltung, einheit: str, abstand: int, anzahl: int, by
) -> list[Veranstaltung]:
    """A meeting every n weeks or months: all dates at once, sharing a series key, each one an
    event of its own to edit or cancel. The registration window moves with each date. The rights
    are the template's (every date has its forum); each date is checked, then all are written in
    one INSERT."""
    _require(by, "konferenzen.create_veranstaltung")
    _require(by, PLAN, vorlage)
    termine = serie_termine(start=vorlage.start, einheit=einheit, abstand=abstand, anzahl=anzahl)
    serie = uuid.uuid4()
    first_local = timezone.localtime(vorlage.start).replace(tzinfo=None)
    felder = [
        f.name
        for f in Veranstaltung._meta.concrete_fields
        if f.name not in ("id", "serie", "created_at", "created_by", "cancelled_at")
    ]
    created = []
    for termin in termine:
        delta = timezone.localtime(termin).replace(tzinfo=None) - first_local
        event = Veranstaltung(**{name: getattr(vorlage, name) for name in felder})
        event.start = termin
        event.end = _shifted(vorlage.end, delta)
        event.registration_opens = _shifted(vorlage.registration_opens, delta)
        event.registration_closes = _shifted(vorlage.registration_closes, delta)
        event.serie, event.created_by = serie, by
        _check(event)
        created.append(event)
    return Veranstaltung.objects.bulk_create(created)


@transaction.atomic
def veranstaltung_cancel(*, veranstaltung: Veranstaltung, reason: str, by, now=None) -> int:
    """Cancel the event: every registration ends, and everyone registered or on the waiting
    list gets a mail through the outbox. Returns how many were told."""
    now = now or timezone.now()
    _require(by, PLAN, veranstaltung)
    event = services.lock(veranstaltung)
    if event.cancelled_at:
        raise ValidationError(_("Die Veranstaltung ist bereits abgesagt."))
    if event.end <= now:
        raise ValidationError(_("Die Veranstaltung hat schon stattgefunden."))
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund der Absage.")})
    event.cancelled_at, event.cancel_reason = now, reason.strip()
    event.save(update_fields=["cancelled_at", "cancel_reason"])
    betroffen = list(_registered(event))
    Anmeldung.objects.filter(pk__in=[a.pk for a in betroffen]).update(
        status=Anmeldung.Status.STORNIERT, cancelled_at=now
    )
    for anmeldung in betroffen:
        mail_queue(
            name="veranstaltung_abgesagt",
            context={"anmeldung": anmeldung, "veranstaltung": event, "grund": event.cancel_reason},
            to=[anmeldung.email],
        )
    veranstaltung.cancelled_at, veranstaltung.cancel_reason = (
        event.cancelled_at,
        event.cancel_reason,
    )
    return len(betroffen)


# --- The agenda --------------------------------------------------------------------------------
def _check_top(top: Tagesordnungspunkt) -> None:
    if top.time and top.end_time and top.end_time <= top.time:
        raise ValidationError({"end_time": _("Das Ende muss nach dem Beginn liegen.")})


@transaction.atomic
def top_save(*, top: Tagesordnungspunkt, by) -> Tagesordnungspunkt:
    _require(by, PLAN, top.veranstaltung)
    _offen(top.veranstaltung)
    _check_top(top)
    if top.pk is None:
        last = top.veranstaltung.tagesordnung.aggregate(m=Max("position"))["m"]
        top.position = (last or 0) + 10
    top.save()
    return top


def _renumber(queryset) -> list:
    items = list(queryset)
    for i, item in enumerate(items):
        item.position = 10 * (i + 1)
    return items


@transaction.atomic
def top_move(*, top: Tagesordnungspunkt, delta: int, by) -> None:
    """One place up (-1) or down (+1): buttons instead of dragging (WCAG 2.5.7)."""
    _require(by, PLAN, top.veranstaltung)
    _offen(services.lock(top.veranstaltung))  # two people reordering at once keep a clean order
    items = _renumber(top.veranstaltung.tagesordnung.order_by("position", "time", "pk"))
    index = next(i for i, t in enumerate(items) if t.pk == top.pk)
    other = index + delta
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, items[index].position
    Tagesordnungspunkt.objects.bulk_update(items, ["position"])


@transaction.atomic
def top_delete(*, top: Tagesordnungspunkt, by) -> None:
    _require(by, PLAN, top.veranstaltung)
    _offen(top.veranstaltung)
    top.delete()


# --- Working groups ----------------------------------------------------------------------------
@transaction.atomic
def gruppe_save(*, gruppe: Arbeitsgruppe, by, now=None) -> Arbeitsgruppe:
    """Create or change a working group; its seats cannot drop below those taken."""
    _require(by, PLAN, gruppe.veranstaltung)
    event = services.lock(gruppe.veranstaltung)
    _offen(event)
    if gruppe.pk and gruppe.capacity is not None:
        belegt = selectors.belegt(event, gruppe)
        if gruppe.capacity < belegt:
            raise ValidationError(
                {
                    "capacity": _(
                        "In dieser Arbeitsgruppe sind schon %(n)s Plätze vergeben: die Platzzahl "
                        "kann nicht darunter liegen."
                    )
                    % {"n": belegt}
                }
            )
    clash = event.arbeitsgruppen.filter(name__iexact=gruppe.name.strip()).exclude(pk=gruppe.pk)
    if clash.exists():
        raise ValidationError({"name": _("Eine Arbeitsgruppe dieses Namens gibt es schon.")})
    gruppe.save()
    _promote_if_ahead(event, now or timezone.now())
    return gruppe


@transaction.atomic
def gruppe_delete(*, gruppe: Arbeitsgruppe, ziel: Arbeitsgruppe | None, by, now=None) -> int:
    """Remove a working group. Its registrations move to `ziel` (another group of the same
    event, if it has room for all of them) or keep their registration without a group; each
    person is told. Returns how many were moved."""
    now = now or timezone.now()
    _require(by, PLAN, gruppe.veranstaltung)
    event = services.lock(gruppe.veranstaltung)
    _offen(event)
    if ziel is not None:
        if ziel.pk == gruppe.pk or ziel.veranstaltung_id != event.pk:
            raise ValidationError(
                _("Bitte wählen Sie eine andere Arbeitsgruppe dieser Veranstaltung.")
            )
    anmeldungen = list(
        Anmeldung.objects.filter(arbeitsgruppen=gruppe, status__in=Anmeldung.AKTIV).order_by(
            "created_at", "pk"
        )
    )
    if ziel is not None:
        # Who is already in a group of the target's time slot cannot take a second one.
        schon = set()
        if ziel.runde != gruppe.runde:
            schon = set(
                Anmeldung.objects.filter(
                    pk__in=[a.pk for a in anmeldungen], arbeitsgruppen__runde=ziel.runde
                ).values_list("pk", flat=True)
            )
        movers = [a for a in anmeldungen if a.pk not in schon]
        taking_seats = [a for a in movers if a.status in Anmeldung.BELEGT]
        if ziel.capacity is not None:
            frei = ziel.capacity - selectors.belegt(event, ziel)
            if len(taking_seats) > frei:
                raise ValidationError(
                    ngettext(
                        "„%(ziel)s“ hat nur noch %(frei)s freien Platz für %(n)s Personen. "
                        "Wählen Sie eine andere Gruppe oder „ohne Arbeitsgruppe“.",
                        "„%(ziel)s“ hat nur noch %(frei)s freie Plätze für %(n)s Personen. "
                        "Wählen Sie eine andere Gruppe oder „ohne Arbeitsgruppe“.",
                        max(frei, 0),
                    )
                    % {"ziel": ziel.name, "frei": max(frei, 0), "n": len(taking_seats)}
                )
        ziel.anmeldungen.add(*movers)
    name = gruppe.name
    gruppe.delete()
    for anmeldung in anmeldungen:
        if anmeldung.status == Anmeldung.Status.TEILGENOMMEN or event.end <= now:
            continue
        mail_queue(
            name="arbeitsgruppe_entfallen",
            context={
                "anmeldung": anmeldung,
                "veranstaltung": event,
                "gruppe": name,
                "ziel": ziel.name if ziel is not None and anmeldung in movers else "",
            },  # fmt: skip
            to=[anmeldung.email],
        )
    _promote_if_ahead(event, now)
    return len(movers) if ziel is not None else 0
