from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from netzwerk.mail import mail_queue
from netzwerk.models import Rolle, User
from netzwerk.rules import is_koordination
from netzwerk.services import user_approve
from netzwerk.text import unique_slug

from .importer import check, execute, guess_mapping, read_table
from .models import Angebot, Import, Organisation, Person, stale_before


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
    for an active consent on every request, nothing is cached."""
    if einwilligung.withdrawn_at is None:
        einwilligung.withdrawn_at = timezone.now()
        einwilligung.save(update_fields=["withdrawn_at"])


@transaction.atomic
def person_erase(*, person: Person) -> Person:
    """Erasure (Art. 17 DSGVO): the person is anonymised, their history of personal values is
    deleted; the row stays so counts (forum memberships, registrations) keep adding up."""
    now = timezone.now()
    person.einwilligungen.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    person.einwilligungen.update(note="")
    person.first_name, person.last_name = "Gelöschte", "Person"
    person.function = person.email = person.phone = ""
    person.anonymized_at = now
    user = person.user
    person.user = None
    person.save()
    person.history.all().delete()  # old names and addresses live on in the history otherwise
    person.einwilligungen.model.history.filter(person_id=person.pk).delete()
    Angebot.objects.filter(contact=person).update(contact=None)
    if user is not None:
        user.email = f"geloescht-{user.pk}@invalid"
        user.first_name = user.last_name = user.organisation_hint = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.emailaddress_set.all().delete()
    return person


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
    from .tasks import run_import  # tasks import this module: a top-level import would cycle

    updated = Import.objects.filter(pk=imp.pk, status=Import.Status.GEPRUEFT).update(
        status=Import.Status.LAEUFT
    )
    if not updated:
        return False  # not checked, or started already (a double click)
    if imp.rows_total <= settings.IMPORT_ASYNC_ROWS:
        import_run(import_id=imp.pk)
        return False
    transaction.on_commit(lambda: run_import.delay(import_id=imp.pk))
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
EINLADUNG_SALT = "akteure.einladung"
EINLADUNG_MAX_AGE = 60 * 60 * 24 * 30  # thirty days


def einladung_token(*, organisation: Organisation, by) -> str:
    """A signed link that links whoever accepts it to this organisation, as approved partner."""

    return signing.dumps({"o": organisation.pk, "k": by.pk}, salt=EINLADUNG_SALT, compress=True)


def einladung_read(token: str) -> tuple[Organisation, object] | None:
    """The organisation and the inviting coordinator, or None when the link is broken or old."""

    try:
        data = signing.loads(token, salt=EINLADUNG_SALT, max_age=EINLADUNG_MAX_AGE)
    except signing.BadSignature:
        return None
    organisation = Organisation.objects.filter(pk=data.get("o")).first()
    inviter = User.objects.filter(pk=data.get("k")).first()
    if organisation is None or inviter is None or not is_koordination(inviter):
        return None  # the coordinator has left: their old links no longer approve anyone
    return organisation, inviter


@transaction.atomic
def einladung_accept(*, token: str, user) -> Organisation | None:

    found = einladung_read(token)
    if found is None:
        return None
    organisation, inviter = found
    if user.is_approved:
        person_link_account(user=user, organisation=organisation)

        user.groups.add(Group.objects.get(name=Rolle.PARTNER))
    else:
        account_approve(
            user=user, approved_by=inviter, rolle=Rolle.PARTNER, organisation=organisation
        )
    return organisation
