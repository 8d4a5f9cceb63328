"""Invitations: who is invited (the recipients of a circle), the sending run that a Celery task
works through in chunks, reminders, and the answer through the personal link.

Contacts from the actor registry are invited only with their consent to "Rundbriefe und
Einladungen" (akteure.Einwilligung); forum members and the committee have accounts and are
invited as such. An address is invited once per event: a second run skips it.
"""

import csv
import dataclasses
import io
import itertools
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from akteure.models import Einwilligung, Person
from netzwerk.celery import task_delay
from netzwerk.mail import mail_queue
from netzwerk.models import Mail, Rolle, User

from . import services
from .models import Einladung, Veranstaltung, Versand

MAX_LIST_ROWS = 10_000
MAX_EMAIL = 254  # the columns' lengths
MAX_TEXT = 200
# A reminder goes to an open invitation at most once a day, however often the button is pressed.
REMINDER_GAP = timedelta(hours=20)


@dataclasses.dataclass(frozen=True)
class Empfaenger:
    email: str
    name: str = ""
    organisation_id: int | None = None
    organisation_name: str = ""
    user_id: int | None = None


def _unique(recipients) -> list[Empfaenger]:
    seen: dict[str, Empfaenger] = {}
    for r in recipients:
        email = r.email.strip().lower()
        if email and email not in seen:
            seen[email] = Empfaenger(
                email=email,
                name=r.name.strip()[:MAX_TEXT],
                organisation_id=r.organisation_id,
                organisation_name=r.organisation_name.strip()[:MAX_TEXT],
                user_id=r.user_id,
            )
    return list(seen.values())


def _accounts(users) -> list[Empfaenger]:
    users = users.filter(is_active=True, approved_at__isnull=False).select_related(
        "person__organisation"
    )
    result = []
    for user in users:
        person = getattr(user, "person", None)
        organisation = person.organisation if person else None
        result.append(
            Empfaenger(
                email=user.email,
                name=user.get_full_name(),
                organisation_id=organisation.pk if organisation else None,
                organisation_name=organisation.name if organisation else user.organisation_hint,
                user_id=user.pk,
            )
        )
    return _unique(result)


def recipients_forum(forum) -> list[Empfaenger]:
    """The members and moderators of a forum."""
    return _accounts(User.objects.filter(Q(foren=forum) | Q(moderierte_foren=forum)).distinct())


def recipients_gremium() -> list[Empfaenger]:
    """The committee's accounts."""
    return _accounts(User.objects.filter(groups__name=Rolle.GREMIUM))


def recipients_kontakte(*, typen=(), lebensphasen=(), sozialraeume=()) -> tuple[list, int]:
    """Contact persons of organisations of these types, working with these Lebensphasen, in
    these Sozialräume (any of each list; all lists that are given). Returns the recipients with
    consent and how many contacts were left out for the lack of it."""
    people = Person.objects.active().exclude(email="").filter(organisation__isnull=False)
    if typen:
        people = people.filter(organisation__typ__in=typen)
    if sozialraeume:
        people = people.filter(organisation__sozialraum__in=sozialraeume)
    if lebensphasen:
        people = people.filter(organisation__angebote__lebensphasen__in=lebensphasen)
    consent = Einwilligung.objects.filter(
        person=OuterRef("pk"), purpose=Einwilligung.Zweck.NEWSLETTER, withdrawn_at__isnull=True
    )
    people = people.annotate(zugestimmt=Exists(consent)).select_related("organisation").distinct()
    recipients, without_consent = [], 0
    for person in people:
        if not person.zugestimmt:
            without_consent += 1
            continue
        recipients.append(
            Empfaenger(
                email=person.email,
                name=f"{person.first_name} {person.last_name}",
                organisation_id=person.organisation_id,
                organisation_name=person.organisation.name,
                user_id=person.user_id,
            )
        )
    return _unique(recipients), without_consent


_ADDRESS = re.compile(r"^\s*(?:\"?(?P<name>[^<\"]*?)\"?\s*)?<(?P<email>[^>]+)>\s*$")


def _row(fields: list[str]) -> Empfaenger:
    """One line or table row: an address alone, "Name <address>", or name; address; organisation
    in any order of the three (the address is the field with an @)."""
    fields = [f.strip() for f in fields if f and f.strip()]
    if len(fields) == 1 and (match := _ADDRESS.match(fields[0])):
        fields = [match["name"] or "", match["email"]]
    addresses = [f for f in fields if "@" in f]
    if len(addresses) != 1:
        raise ValidationError(_("keine oder mehrere E-Mail-Adressen"))
    email = addresses[0].strip("<>").strip()
    try:
        validate_email(email)
    except ValidationError:
        message = _("„%(email)s“ ist keine gültige E-Mail-Adresse") % {"email": email}
        raise ValidationError(message) from None
    if len(email) > MAX_EMAIL:
        raise ValidationError(
            _("die E-Mail-Adresse ist länger als %(n)s Zeichen") % {"n": MAX_EMAIL}
        )
    rest = [f for f in fields if f is not addresses[0]]
    if any(len(f) > MAX_TEXT for f in rest):
        raise ValidationError(
            _("ein Name oder eine Organisation ist länger als %(n)s Zeichen") % {"n": MAX_TEXT}
        )
    return Empfaenger(
        email=email,
        name=rest[0] if rest else "",
        organisation_name=rest[1] if len(rest) > 1 else "",
    )


def _rows(rows) -> tuple[list[Empfaenger], list[str]]:
    recipients, errors = [], []
    for number, fields in rows:
        if not any(f and str(f).strip() for f in fields):
            continue
        if len(recipients) + len(errors) >= MAX_LIST_ROWS:
            errors.append(
                _("Mehr als %(n)s Zeilen: der Rest wurde nicht gelesen.") % {"n": MAX_LIST_ROWS}
            )
            break
        try:
            recipients.append(_row([str(f) if f is not None else "" for f in fields]))
        except ValidationError as error:
            errors.append(_("Zeile %(n)s: %(fehler)s") % {"n": number, "fehler": error.messages[0]})
    return _unique(recipients), errors


def recipients_text(text: str) -> tuple[list[Empfaenger], list[str]]:
    """A pasted list, one person per line; fields separated by ; or tab or comma."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        separator = ";" if ";" in line else "\t" if "\t" in line else ","
        if "<" in line and separator == ",":
            rows.append((number, [line]))  # "Name, Vorname <a@b>" stays one field
        else:
            rows.append((number, line.split(separator)))
    return _rows(rows)


def recipients_file(upload) -> tuple[list[Empfaenger], list[str]]:
    """An uploaded CSV (as German Excel writes it: ; and UTF-8 or Windows-1252) or XLSX list. A
    first row of column titles is recognised by having no address in it and skipped."""
    data = upload.read()
    try:
        if data[:4] == b"PK\x03\x04":
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            rows = list(
                itertools.islice(enumerate(sheet.iter_rows(values_only=True), 1), MAX_LIST_ROWS + 2)
            )
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
            first_line = text.split("\n", 1)[0]
            delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
            reader = csv.reader(io.StringIO(text), delimiter=delimiter)
            rows = list(itertools.islice(enumerate(reader, start=1), MAX_LIST_ROWS + 2))
    except Exception:  # noqa: BLE001 - any unreadable file gets the same message
        message = _("Die Datei lässt sich nicht als Tabelle (CSV oder XLSX) lesen.")
        raise ValidationError(message) from None
    if rows and not any("@" in str(f or "") for f in rows[0][1]):
        rows = rows[1:]
    return _rows(rows)


@transaction.atomic
def einladungen_create(
    *, veranstaltung: Veranstaltung, recipients: list[Empfaenger], label: str, user
) -> tuple[Versand | None, int]:
    """Start a run for the addresses not invited yet: the request stores them with the run (one
    row) and returns; the worker writes the invitations and their mails after commit, in chunks.
    Returns the run (None if nobody new) and how many were already invited."""
    if veranstaltung.end < timezone.now():
        raise ValidationError(
            _("Die Veranstaltung hat stattgefunden; Einladungen sind nicht mehr möglich.")
        )
    if veranstaltung.cancelled_at:
        raise ValidationError(_("Die Veranstaltung ist abgesagt; Einladungen sind nicht möglich."))
    recipients = _unique(recipients)
    invited = set(
        veranstaltung.einladungen.filter(email__in=[r.email for r in recipients]).values_list(
            "email", flat=True
        )
    )
    new = [dataclasses.asdict(r) for r in recipients if r.email not in invited]
    if not new:
        return None, len(invited)
    versand = Versand.objects.create(
        veranstaltung=veranstaltung,
        art=Versand.Art.EINLADUNG,
        label=label[:300],
        total=len(new),
        recipients=new,
        created_by=user,
    )
    _start(versand)
    return versand, len(invited)


def _einladungen_write(versand: Versand) -> None:
    """The worker's first step: one invitation per recipient of the run. An address invited in
    the meantime (by another run) is skipped by the unique constraint, so running this again
    writes nobody twice; the recipients are then dropped from the run."""
    chunk = 1000
    for start in range(0, len(versand.recipients), chunk):
        with transaction.atomic():
            Einladung.objects.bulk_create(
                [
                    Einladung(veranstaltung_id=versand.veranstaltung_id, versand=versand, **r)
                    for r in versand.recipients[start : start + chunk]
                ],
                ignore_conflicts=True,
            )
    versand.total = versand.einladungen.count()
    versand.recipients = []
    versand.save(update_fields=["total", "recipients"])


@transaction.atomic
def erinnerungen_create(*, veranstaltung: Veranstaltung, user, now=None) -> Versand | None:
    """A reminder to every invitation still open, sent and not reminded within the last day."""
    now = now or timezone.now()
    event = services.lock(veranstaltung)
    if not event.is_registration_open(now):
        raise ValidationError(_("Die Anmeldung ist nicht geöffnet: eine Erinnerung hilft nicht."))
    offen = event.einladungen.filter(status=Einladung.Status.OFFEN, sent_at__isnull=False).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMINDER_GAP)
    )
    count = offen.count()
    if not count:
        return None
    versand = Versand.objects.create(
        veranstaltung=event,
        art=Versand.Art.ERINNERUNG,
        label=_("Erinnerung an offene Einladungen"),
        total=count,
        created_by=user,
    )
    offen.update(erinnerung=versand, reminded_at=now, erinnerung_mail=None)
    _start(versand)
    return versand


def _start(versand: Versand) -> None:
    transaction.on_commit(
        lambda: task_delay("konferenzen.tasks.send_versand", versand_id=versand.pk)
    )


def versand_run(*, versand_id: int, now=None) -> int:
    """Put the run's mails into the outbox, a chunk per transaction. Rows already done are
    skipped, so a task that is run again (after a worker died) sends nobody twice."""
    chunk = settings.KONFERENZEN_EINLADUNG_CHUNK
    done = 0
    versand = Versand.objects.get(pk=versand_id)
    if versand.recipients:
        _einladungen_write(versand)
    while True:
        with transaction.atomic():
            versand = Versand.objects.select_for_update().get(pk=versand_id)
            erinnerung = versand.art == Versand.Art.ERINNERUNG
            if erinnerung:
                rows = Einladung.objects.filter(erinnerung=versand, erinnerung_mail__isnull=True)
            else:
                rows = Einladung.objects.filter(versand=versand, mail__isnull=True)
            rows = list(
                rows.filter(status=Einladung.Status.OFFEN)
                .select_related("veranstaltung")
                .order_by("pk")[:chunk]
            )
            now_ = now or timezone.now()
            mails = []
            for einladung in rows:
                mail = mail_queue(
                    name="einladung_erinnerung" if erinnerung else "einladung",
                    context={"einladung": einladung, "veranstaltung": einladung.veranstaltung},
                    to=[einladung.email],
                )
                mails.append(mail)
                if erinnerung:
                    einladung.erinnerung_mail = mail
                else:
                    einladung.mail, einladung.sent_at = mail, now_
            Einladung.objects.bulk_update(
                rows, ["erinnerung_mail"] if erinnerung else ["mail", "sent_at"]
            )
            versand.mails.add(*mails)
            versand.queued = versand.mails.count()
            if not rows:
                versand.finished_at = now_
            versand.save(update_fields=["queued", "finished_at"])
        done += len(rows)
        if not rows:
            return done


def versande_recover(*, now=None, after_minutes: int = 10) -> int:
    """Beat: a run of the last day still unfinished after `after_minutes` is started again. Its
    task was lost: the broker was down when it was started, or the worker died while putting it
    into the outbox (Redis hands the unacknowledged task out again only after its
    visibility_timeout, an hour). Safe while the run is still going: each chunk locks the run
    and skips the rows done. Returns how many were started."""
    now = now or timezone.now()
    ids = list(
        Versand.objects.filter(
            finished_at__isnull=True,
            created_at__lt=now - timedelta(minutes=after_minutes),
            created_at__gt=now - timedelta(days=1),
        ).values_list("pk", flat=True)
    )
    for versand_id in ids:
        _start(Versand(pk=versand_id))
    return len(ids)


def versand_progress(versand: Versand) -> dict:
    """For the progress bar: recipients, mails in the outbox, delivered, failed."""
    counts = versand.mails.aggregate(
        delivered=Count("pk", filter=Q(status=Mail.Status.SENT)),
        failed=Count("pk", filter=Q(status=Mail.Status.FAILED)),
    )
    total = versand.total or 1
    return {
        "total": versand.total,
        "queued": versand.queued,
        "delivered": counts["delivered"],
        "failed": counts["failed"],
        "waiting": max(versand.queued - counts["delivered"] - counts["failed"], 0),
        "queued_percent": round(100 * versand.queued / total),
        "delivered_percent": round(100 * counts["delivered"] / total),
        "finished": versand.finished_at is not None
        and counts["delivered"] + counts["failed"] >= versand.queued,
    }


@transaction.atomic
def einladung_accept(*, einladung: Einladung, delegates=(), now=None, **fields):
    """Accept: register the invited person (through the one registration service, so the
    capacity holds), and any delegates of the same organisation. A second acceptance returns the
    first registration."""
    now = now or timezone.now()
    # The event's row first, as every change to its seats does: one lock order, no deadlock.
    services.lock(einladung.veranstaltung)
    current = Einladung.objects.select_for_update().get(pk=einladung.pk)
    anmeldung, created = services.anmeldung_create(
        veranstaltung=current.veranstaltung,
        email=current.email,
        user=current.user,
        organisation=current.organisation,
        now=now,
        **fields,
    )
    others = services.anmeldungen_create(
        veranstaltung=current.veranstaltung,
        personen=list(delegates),
        organisation=current.organisation,
        organisation_name=fields.get("organisation_name", ""),
        # With an account, the invited person finds them under "Meine Anmeldungen".
        registered_by=current.user,
        now=now,
    )
    Einladung.objects.filter(pk=current.pk).update(
        status=Einladung.Status.ANGENOMMEN, answered_at=now, anmeldung=anmeldung
    )
    return anmeldung, created, others


@transaction.atomic
def einladung_decline(*, einladung: Einladung, now=None) -> None:
    """Decline; an accepted invitation's registration is cancelled with it (and the waiting
    list moves up)."""
    now = now or timezone.now()
    services.lock(einladung.veranstaltung)
    current = (
        Einladung.objects.select_for_update(of=("self",))
        .select_related("anmeldung")
        .get(pk=einladung.pk)
    )
    if current.anmeldung is not None:
        services.anmeldung_cancel(anmeldung=current.anmeldung, now=now)
    Einladung.objects.filter(pk=current.pk).update(
        status=Einladung.Status.ABGELEHNT, answered_at=now
    )
