from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from netzwerk import datenschutz
from netzwerk.celery import task_delay
from netzwerk.datenschutz import Betroffene
from netzwerk.mail import mail_queue
from netzwerk.models import Rolle, User
from netzwerk.rules import is_koordination
from netzwerk.services import user_approve
from netzwerk.tabellen import read_table
from netzwerk.text import unique_slug

from . import heft as hefte
from .geo import organisation_zuordnen
from .importer import check, execute, guess_mapping
from .models import (
    Angebot,
    Datenschutzantrag,
    Import,
    Organisation,
    Organisationseinladung,
    Person,
    stale_before,
)
from .selectors import betroffene_for


@transaction.atomic
def organisation_save(*, form) -> Organisation:
    """Save an organisation's form. With coordinates and no Sozialraum chosen, it gets the
    Sozialraum whose boundary contains its point; a chosen one is never overridden."""
    organisation = form.save(commit=False)
    organisation_zuordnen(organisation)
    organisation.save()
    form.save_m2m()
    return organisation


@transaction.atomic
def person_link_account(*, user, organisation: Organisation) -> Person:
    """Make an account the contact person of an organisation (one person per account)."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.filter(
            organisation=organisation, email__iexact=user.email, user__isnull=True
        ).first()
    if person is None:
        person = Person(user=user, email=user.email)
    person.user = user
    person.organisation = organisation
    person.first_name = person.first_name or user.first_name
    person.last_name = person.last_name or user.last_name
    person.save()
    return person


@transaction.atomic
def account_approve(*, user, approved_by, rolle: str, organisation: Organisation | None = None):
    """Approve an account with a role; with an organisation the account becomes its contact
    person, which is what lets a partner edit their own organisation."""
    user_approve(user=user, approved_by=approved_by, rolle=rolle)
    if organisation is not None:
        person_link_account(user=user, organisation=organisation)
    return user


@transaction.atomic
def angebot_create(*, organisation: Organisation, form) -> Angebot:
    """A new offer counts as confirmed by its owner on the day it is entered."""
    angebot = form.save(commit=False)
    angebot.organisation = organisation
    angebot.slug = unique_slug(Angebot, angebot.title, "angebot")
    angebot.confirmed_at = timezone.now()
    angebot.save()
    form.save_m2m()
    return angebot


@transaction.atomic
def angebot_update(*, form) -> Angebot:
    """Editing an offer is also confirming that it is current."""
    angebot = form.save(commit=False)
    angebot.confirmed_at = timezone.now()
    angebot.reminder_sent_at = None
    angebot.save()
    form.save_m2m()
    return angebot


@transaction.atomic
def angebot_confirm(*, angebot: Angebot) -> Angebot:
    """One click by the owner: the offer is still current, for another period."""
    angebot.confirmed_at = timezone.now()
    angebot.reminder_sent_at = None
    angebot._change_reason = "als aktuell bestätigt"
    angebot.save(update_fields=["confirmed_at", "reminder_sent_at"])
    return angebot


def angebot_owner_emails(angebot: Angebot) -> list[str]:
    """Who answers for an offer: its organisation's people with an account, else the
    organisation's own address."""
    emails = list(
        Person.objects.active()
        .filter(organisation_id=angebot.organisation_id, user__is_active=True)
        .values_list("user__email", flat=True)
    )
    if not emails and angebot.organisation.email:
        emails = [angebot.organisation.email]
    return emails


def angebote_remind_stale(*, now=None) -> int:
    """Remind the owners of stale offers, at most once per reminder period and never twice.

    Each offer is locked while its reminder goes out, and marked in the same transaction; a second
    worker running at the same time skips locked rows.
    """
    now = now or timezone.now()
    period_start = now - timedelta(days=settings.ANGEBOT_REMINDER_PERIOD_DAYS)
    due = Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=period_start)
    sent = 0
    ids = list(
        Angebot.objects.filter(confirmed_at__lt=stale_before(now))
        .filter(due)
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            angebot = (
                Angebot.objects.select_for_update(skip_locked=True)
                .select_related("organisation")
                .filter(pk=pk, confirmed_at__lt=stale_before(now))
                .filter(due)
                .first()
            )
            if angebot is None:
                continue
            # The mail row and the reminder mark commit together: reminded once, mailed once.
            if mail_queue(
                name="angebot_erinnerung",
                context={"angebot": angebot},
                to=angebot_owner_emails(angebot),
            ):
                sent += 1
            # A queryset update: a reminder is no change of the offer for its history.
            Angebot.objects.filter(pk=angebot.pk).update(reminder_sent_at=now)
    return sent


@transaction.atomic
def einwilligung_withdraw(*, einwilligung) -> None:
    """Withdrawn consent takes the person off every public place at once: the public pages ask
    for an active consent on every request, nothing is cached; printed guides naming her are
    rendered again without her."""
    if einwilligung.withdrawn_at is None:
        einwilligung.withdrawn_at = timezone.now()
        einwilligung.save(update_fields=["withdrawn_at"])
    # The printed guides are files, not pages: those naming the person are replaced.
    if not Person.objects.with_public_consent().filter(pk=einwilligung.person_id).exists():
        hefte.hefte_ersetzen([einwilligung.person_id])


@transaction.atomic
def person_erase(*, person: Person | None = None, user=None, now=None) -> Betroffene:
    """Erasure (Art. 17 DSGVO) through the registry of personal data (netzwerk.datenschutz):
    every registered model deletes or anonymises the person's rows, all in this transaction.
    Future registrations are cancelled through their service, so the waiting list moves up."""
    now = now or timezone.now()
    betroffene = betroffene_for(person=person, user=user)
    if betroffene.user_id:
        # Erased from the person's page: an open request of theirs is done with it.
        Datenschutzantrag.objects.filter(
            user_id=betroffene.user_id, status=Datenschutzantrag.Status.OFFEN
        ).update(status=Datenschutzantrag.Status.ERLEDIGT, decided_at=now)
    datenschutz.erase(betroffene, now)
    return betroffene


@transaction.atomic
def antrag_create(*, user, message: str = "", now=None) -> Datenschutzantrag:
    """A person's own erasure request; coordination decides within a month (Art. 12(3))."""
    now = now or timezone.now()
    antrag = Datenschutzantrag.objects.filter(
        user=user, status=Datenschutzantrag.Status.OFFEN
    ).first()
    if antrag is not None:
        return antrag  # asked twice: the first request stands, with its deadline
    try:
        with transaction.atomic():
            antrag = Datenschutzantrag.objects.create(
                user=user,
                message=message,
                created_at=now,
                deadline=(timezone.localtime(now) + timedelta(days=30)).date(),
            )
    except IntegrityError:  # a double click: the other request is the open one
        return Datenschutzantrag.objects.get(user=user, status=Datenschutzantrag.Status.OFFEN)
    mail_queue(
        name="loeschantrag_eingegangen",
        context={"antrag": antrag},
        to=list(
            User.objects.filter(groups__name=Rolle.KOORDINATION, is_active=True).values_list(
                "email", flat=True
            )
        ),
    )
    return antrag


@transaction.atomic
def antrag_decide(*, antrag: Datenschutzantrag, by, erase: bool, answer: str = "", now=None):
    """Erase the person, or refuse with a reason (for example an event still to be invoiced).
    Deciding twice changes nothing."""
    now = now or timezone.now()
    updated = Datenschutzantrag.objects.filter(
        pk=antrag.pk, status=Datenschutzantrag.Status.OFFEN
    ).update(
        status=Datenschutzantrag.Status.ERLEDIGT if erase else Datenschutzantrag.Status.ABGELEHNT,
        decided_by=by,
        decided_at=now,
        answer=answer,
    )
    if not updated:
        return False
    antrag.refresh_from_db()
    if erase and antrag.user is not None:
        address = antrag.user.email
        person_erase(user=antrag.user, now=now)
        # The only mail that may still carry the address: sent now, then emptied by the outbox's
        # retention period like every other.
        mail_queue(name="loeschantrag_erledigt", context={}, to=[address])
    elif antrag.user is not None:
        mail_queue(
            name="loeschantrag_abgelehnt", context={"antrag": antrag}, to=[antrag.user.email]
        )
    return True


# --- Import -------------------------------------------------------------------------------------
def _progress_key(pk: int) -> str:
    return f"akteure:import:{pk}:fertig"


def import_progress(imp) -> int:
    """Rows written so far; kept in the cache, since the import's own transaction is invisible
    to the request that asks until it commits."""

    return cache.get(_progress_key(imp.pk), 0)


def import_upload(*, art: str, upload, user):
    """Store the file and what its header says; nothing is imported yet."""

    data = upload.read()
    headers, rows = read_table(data, upload.name)  # ImportFehler: a German message for the form
    imp = Import(
        art=art,
        filename=upload.name[:255],
        headers=headers,
        rows_total=len(rows),
        mapping=guess_mapping(art, headers),
        created_by=user,
    )
    imp.file.save(upload.name, ContentFile(data), save=False)
    imp.save()
    return imp


def import_rows(imp) -> list[list[str]]:
    if not imp.file:
        return []  # deleted after its retention period (akteure.personendaten)
    with imp.file.open("rb") as f:
        return read_table(f.read(), imp.filename)[1]


def import_check(*, imp, mapping: dict[str, int]):
    """The dry run: every row checked, nothing written."""

    imp.mapping = mapping
    result = check(imp.art, import_rows(imp), mapping)
    imp.status = Import.Status.GEPRUEFT if result.ok else Import.Status.HOCHGELADEN
    imp.save(update_fields=["mapping", "status"])
    return result


def import_start(*, imp) -> bool:
    """Small files are imported at once; large ones by a worker, with a progress display.
    Returns True when the import runs in the background."""
    updated = Import.objects.filter(pk=imp.pk, status=Import.Status.GEPRUEFT).update(
        status=Import.Status.LAEUFT
    )
    if not updated:
        return False  # not checked, or started already (a double click)
    if imp.rows_total <= settings.IMPORT_ASYNC_ROWS:
        import_run(import_id=imp.pk)
        return False
    transaction.on_commit(lambda: task_delay("akteure.tasks.run_import", import_id=imp.pk))
    return True


def import_run(*, import_id: int) -> None:

    imp = Import.objects.select_related("created_by").get(pk=import_id)
    if imp.status != Import.Status.LAEUFT:
        return
    key = _progress_key(imp.pk)
    cache.set(key, 0, timeout=86_400)
    try:
        result = execute(
            imp, import_rows(imp), progress=lambda n: cache.set(key, n, timeout=86_400)
        )
    except Exception as exc:
        imp.status, imp.message = Import.Status.FEHLGESCHLAGEN, f"Fehler: {exc}"
        raise
    else:
        if result.ok:
            imp.status = Import.Status.FERTIG
            imp.created, imp.skipped = len(result.rows), len(result.duplicates)
            imp.message = f"{len(result.rows)} angelegt, {len(result.duplicates)} übersprungen."
        else:
            imp.status = Import.Status.FEHLGESCHLAGEN
            imp.message = "Nichts importiert: " + " ".join(result.errors[:20])
    finally:
        imp.finished_at = timezone.now()
        imp.save()


# --- Invitation links: a coordinator's approval in advance -------------------------------------
EINLADUNG_TAGE = 30


def einladung_create(*, organisation: Organisation, by, now=None) -> Organisationseinladung:
    """A link that makes the first account to accept it a partner of this organisation."""
    now = now or timezone.now()
    return Organisationseinladung.objects.create(
        organisation=organisation,
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(days=EINLADUNG_TAGE),
    )


def einladung_read(token: str, *, now=None) -> tuple[Organisationseinladung | None, str]:
    """The invitation and "" when the link can be accepted, else why not ("ungueltig",
    "abgelaufen", "benutzt")."""
    einladung = (
        Organisationseinladung.objects.select_related("organisation", "created_by", "used_by")
        .filter(token=token)
        .first()
    )
    if einladung is None:
        return None, "ungueltig"
    if einladung.used_at is not None:
        return einladung, "benutzt"
    if einladung.expires_at <= (now or timezone.now()):
        return einladung, "abgelaufen"
    inviter = einladung.created_by
    if inviter is None or not inviter.is_active or not is_koordination(inviter):
        return None, "ungueltig"  # the coordinator has left: their links approve nobody
    return einladung, ""


@transaction.atomic
def einladung_accept(*, token: str, user, now=None) -> tuple[Organisationseinladung | None, str]:
    """Accept once: the conditional UPDATE lets exactly one of two simultaneous accepts win;
    the other is told the link was used."""
    now = now or timezone.now()
    einladung, grund = einladung_read(token, now=now)
    if grund:
        return einladung, grund
    claimed = Organisationseinladung.objects.filter(pk=einladung.pk, used_at__isnull=True).update(
        used_at=now, used_by=user
    )
    if not claimed:
        return einladung, "benutzt"
    organisation, inviter = einladung.organisation, einladung.created_by
    if user.is_approved:
        person_link_account(user=user, organisation=organisation)
        user.groups.add(Group.objects.get(name=Rolle.PARTNER))
    else:
        account_approve(
            user=user, approved_by=inviter, rolle=Rolle.PARTNER, organisation=organisation
        )
    return einladung, ""
