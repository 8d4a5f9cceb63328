"""Writes in the forums. Every change of membership is mailed through the outbox, in the same
transaction as the change."""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from netzwerk.mail import mail_queue
from netzwerk.selectors import koordination_emails

from .models import (
    Abstimmung,
    Beitrag,
    Beitrittsanfrage,
    Dokument,
    Forum,
    Interessensbekundung,
    Kommentar,
    Mitgliedschaft,
    Stimme,
)
from .selectors import STAND, abstimmung_ergebnis

INTERESSE_SALT = "foren.interesse"
INTERESSE_MAX_AGE = timedelta(days=7)
DIGEST_PERIOD = timedelta(days=7)


def _moderation_emails(forum: Forum) -> list[str]:
    """Who answers for a forum: its moderators, or the coordination while it has none."""
    emails = list(forum.moderators.filter(is_active=True).values_list("email", flat=True))
    return emails or koordination_emails()


def stand_erneuern(**_signal) -> None:
    """The cached fragments of the forum pages are stale (netzwerk.datenstand). The signals of
    the rows the fragments show renew it themselves (apps.py); updates of a queryset, which send
    none, and the deletion of an account call this."""
    STAND.erneuern()


def stand_erneuern_user(*, update_fields=None, **_signal) -> None:
    """An account's name shows on the forum pages; its logins (last_login) do not."""
    if update_fields is None or {"first_name", "last_name", "is_active"} & set(update_fields):
        stand_erneuern()


# --- Forums ------------------------------------------------------------------------------------
@transaction.atomic
def forum_save(*, form, by) -> Forum:
    """Create or change a forum (coordination). Newly appointed moderators are told by mail."""
    before = (
        set(form.instance.moderators.values_list("pk", flat=True)) if form.instance.pk else set()
    )
    forum = form.save()
    for moderator in forum.moderators.exclude(pk__in=before):
        mail_queue(
            name="foren_moderation",
            context={"forum": forum, "user": moderator, "by": by},
            to=[moderator.email],
        )
    return forum


# --- Membership --------------------------------------------------------------------------------
@transaction.atomic
def beitritt_request(*, forum: Forum, user, message: str = "") -> Beitrittsanfrage:
    """A partner asks to join. Asking twice keeps the one open request (with the newer text)."""
    if forum.members.filter(pk=user.pk).exists():
        raise ValidationError(_("Sie sind bereits Mitglied dieses Forums."))
    anfrage = (
        Beitrittsanfrage.objects.select_for_update()
        .filter(forum=forum, user=user, status=Beitrittsanfrage.Status.OFFEN)
        .first()
    )
    if anfrage is not None:
        anfrage.message = message
        anfrage.save(update_fields=["message"])
        return anfrage
    try:
        with transaction.atomic():
            anfrage = Beitrittsanfrage.objects.create(forum=forum, user=user, message=message)
    except IntegrityError:
        # A double click: the other request inserted the open row first; its mail is on the way.
        return Beitrittsanfrage.objects.get(
            forum=forum, user=user, status=Beitrittsanfrage.Status.OFFEN
        )
    mail_queue(
        name="foren_anfrage",
        context={"forum": forum, "anfrage": anfrage, "user": user},
        to=_moderation_emails(forum),
    )
    return anfrage


@transaction.atomic
def beitritt_decide(*, anfrage: Beitrittsanfrage, accept: bool, answer: str, by) -> bool:
    """Accept or decline an open request, once: a second click (or a second moderator at the same
    time) finds it decided and changes nothing. Returns whether this call decided it."""
    locked = (
        Beitrittsanfrage.objects.select_for_update()
        .filter(pk=anfrage.pk, status=Beitrittsanfrage.Status.OFFEN)
        .first()
    )
    if locked is None:
        return False
    locked.status = (
        Beitrittsanfrage.Status.ANGENOMMEN if accept else Beitrittsanfrage.Status.ABGELEHNT
    )
    locked.answer = answer
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["status", "answer", "decided_at", "decided_by"])
    if accept:
        Mitgliedschaft.objects.get_or_create(forum=locked.forum, user=locked.user)
    mail_queue(
        name="foren_anfrage_angenommen" if accept else "foren_anfrage_abgelehnt",
        context={"forum": locked.forum, "user": locked.user, "answer": answer, "by": by},
        to=[locked.user.email],
    )
    anfrage.status = locked.status
    return True


@transaction.atomic
def mitglied_add(*, forum: Forum, user, by) -> bool:
    """A moderator adds someone from the registry. Returns False if they were a member already."""
    _mitgliedschaft, created = Mitgliedschaft.objects.get_or_create(forum=forum, user=user)
    if not created:
        return False
    # An open request of theirs is answered by the addition.
    Beitrittsanfrage.objects.filter(
        forum=forum, user=user, status=Beitrittsanfrage.Status.OFFEN
    ).update(status=Beitrittsanfrage.Status.ANGENOMMEN, decided_at=timezone.now(), decided_by=by)
    stand_erneuern()
    mail_queue(
        name="foren_mitglied_neu", context={"forum": forum, "user": user, "by": by}, to=[user.email]
    )
    return True


@transaction.atomic
def mitglied_remove(*, forum: Forum, user, by) -> bool:
    """A member leaves (by is the member) or a moderator removes them. Both sides hear of it."""
    deleted, _rows = Mitgliedschaft.objects.filter(forum=forum, user=user).delete()
    if not deleted:
        return False
    if by.pk == user.pk:
        mail_queue(
            name="foren_mitglied_ausgetreten",
            context={"forum": forum, "user": user},
            to=_moderation_emails(forum),
        )
    else:
        mail_queue(
            name="foren_mitglied_entfernt",
            context={"forum": forum, "user": user, "by": by},
            to=[user.email],
        )
    return True


def digest_set(*, forum: Forum, user, on: bool) -> None:
    Mitgliedschaft.objects.filter(forum=forum, user=user).update(digest=on)


# --- Interest from the public (double opt-in) --------------------------------------------------
@transaction.atomic
def interesse_create(
    *, forum: Forum, name: str, organisation: str, email: str, message: str = ""
) -> Interessensbekundung:
    """Write the interest and ask the sender to confirm their address. The coordination hears of
    it only after that confirmation, so nobody can sign up somebody else."""
    interesse = Interessensbekundung.objects.create(
        forum=forum,
        name=name,
        organisation=organisation,
        email=email,
        message=message,
        consent_at=timezone.now(),
    )
    token = signing.dumps({"i": interesse.pk}, salt=INTERESSE_SALT)
    mail_queue(
        name="foren_interesse_bestaetigen",
        context={"interesse": interesse, "forum": forum, "token": token},
        to=[email],
    )
    return interesse


def _interesse_pk(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=INTERESSE_SALT, max_age=INTERESSE_MAX_AGE.total_seconds())
    except signing.BadSignature:
        return None
    return data.get("i") if isinstance(data, dict) else None


def interesse_read(*, token: str) -> Interessensbekundung | None:
    """The interest a confirmation link stands for, or None when it is broken or expired."""
    pk = _interesse_pk(token)
    if pk is None:
        return None
    return Interessensbekundung.objects.select_related("forum").filter(pk=pk).first()


@transaction.atomic
def interesse_confirm(*, token: str) -> Interessensbekundung | None:
    """Confirm by the link in the mail; None if the link is broken or older than seven days.
    Confirming twice tells the coordination once."""
    pk = _interesse_pk(token)
    if pk is None:
        return None
    interesse = (
        Interessensbekundung.objects.select_for_update()
        .select_related("forum")
        .filter(pk=pk)
        .first()
    )
    if interesse is None or interesse.confirmed_at is not None:
        return interesse
    interesse.confirmed_at = timezone.now()
    interesse.save(update_fields=["confirmed_at"])
    mail_queue(
        name="foren_interesse_neu",
        context={"interesse": interesse, "forum": interesse.forum},
        to=koordination_emails(),
    )
    return interesse


def interessen_cleanup(*, now=None) -> int:
    """Unconfirmed interest is deleted once its link has expired: nobody confirmed the address,
    so the data was never ours to keep (DSGVO, data minimisation)."""
    now = now or timezone.now()
    deleted, _rows = Interessensbekundung.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - INTERESSE_MAX_AGE
    ).delete()
    return deleted


def interesse_handle(*, interesse: Interessensbekundung, by) -> None:
    Interessensbekundung.objects.filter(pk=interesse.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=by
    )
    stand_erneuern()


# --- Collection --------------------------------------------------------------------------------
@transaction.atomic
def beitrag_create(*, forum: Forum, author, form) -> Beitrag:
    beitrag = form.save(commit=False)
    beitrag.forum = forum
    beitrag.author = author
    beitrag._history_user = author
    beitrag.save()
    form.save_m2m()
    return beitrag


@transaction.atomic
def beitrag_update(*, form, by) -> Beitrag:
    beitrag = form.save(commit=False)
    beitrag.updated_at = timezone.now()
    beitrag._history_user = by
    beitrag.save()
    form.save_m2m()
    return beitrag


def kommentar_create(*, beitrag: Beitrag, author, text: str) -> Kommentar:
    return Kommentar.objects.create(beitrag=beitrag, author=author, text=text)


# --- Dot voting --------------------------------------------------------------------------------
@transaction.atomic
def abstimmung_open(
    *, forum: Forum, by, title: str, punkte: int, max_pro_beitrag: int, beitraege
) -> Abstimmung:
    beitraege = list(beitraege)
    if any(b.forum_id != forum.pk for b in beitraege):
        raise ValidationError(_("Es können nur Beiträge dieses Forums zur Wahl stehen."))
    if max_pro_beitrag > punkte:
        raise ValidationError(
            _("Auf einen Beitrag können nicht mehr Punkte gehen, als ein Mitglied hat.")
        )
    abstimmung = Abstimmung.objects.create(
        forum=forum, title=title, punkte=punkte, max_pro_beitrag=max_pro_beitrag, created_by=by
    )
    abstimmung.beitraege.set(beitraege)
    return abstimmung


@transaction.atomic
def stimmen_set(*, abstimmung: Abstimmung, user, verteilung: dict[int, int]) -> int:
    """Replace a member's points in a round: at most `max_pro_beitrag` on one entry, at most
    `punkte` in all, only while the round is open.

    The round's row is locked first, so two submissions of the same member (two tabs, a double
    click) are checked one after the other and can never add up to more than their points; and a
    round being closed waits for a vote in progress, so the kept ranking holds every vote.
    """
    runde = Abstimmung.objects.select_for_update().get(pk=abstimmung.pk)
    if not runde.is_offen:
        raise ValidationError(_("Diese Abstimmung ist geschlossen."))
    erlaubt = set(runde.beitraege.values_list("pk", flat=True))
    verteilung = {int(k): int(v) for k, v in verteilung.items() if int(v) != 0}
    if set(verteilung) - erlaubt:
        raise ValidationError(_("Dieser Beitrag steht in dieser Abstimmung nicht zur Wahl."))
    if any(v < 0 for v in verteilung.values()):
        raise ValidationError(_("Punkte können nicht negativ sein."))
    if any(v > runde.max_pro_beitrag for v in verteilung.values()):
        raise ValidationError(
            _("Sie können höchstens %(m)s Punkte auf einen Beitrag setzen.")
            % {"m": runde.max_pro_beitrag}
        )
    summe = sum(verteilung.values())
    if summe > runde.punkte:
        raise ValidationError(
            _("Sie haben %(s)s Punkte verteilt, aber nur %(n)s zur Verfügung.")
            % {"s": summe, "n": runde.punkte}
        )
    Stimme.objects.filter(abstimmung=runde, user=user).delete()
    Stimme.objects.bulk_create(
        [
            Stimme(abstimmung=runde, beitrag_id=pk, user=user, punkte=punkte)
            for pk, punkte in verteilung.items()
        ]
    )
    return summe


@transaction.atomic
def abstimmung_close(*, abstimmung: Abstimmung, by) -> Abstimmung:
    """Close the round and keep its ranking with it: later edits or deleted entries don't
    change what the forum agreed on."""
    runde = Abstimmung.objects.select_for_update().get(pk=abstimmung.pk)
    if not runde.is_offen:
        return runde
    runde.ergebnis = abstimmung_ergebnis(runde)
    runde.status = Abstimmung.Status.GESCHLOSSEN
    runde.closed_at = timezone.now()
    runde.save(update_fields=["ergebnis", "status", "closed_at"])
    return runde


# --- Documents ---------------------------------------------------------------------------------
@transaction.atomic
def dokument_upload(*, forum: Forum, by, form, typ) -> Dokument:
    """Store an upload whose type the form has read from its content (netzwerk.dateien)."""
    dokument = form.save(commit=False)
    upload = form.cleaned_data["file"]
    dokument.forum = forum
    dokument.uploaded_by = by
    dokument.original_name = upload.name[:255]
    dokument.content_type = typ.content_type
    dokument.endung = typ.endung
    dokument.size = upload.size
    dokument.save()
    return dokument


def dokument_delete(*, dokument: Dokument) -> None:
    """A file uploaded by mistake (or as public by mistake) goes, with the stored file."""
    dokument.file.delete(save=False)
    dokument.delete()


# --- Weekly digest ---------------------------------------------------------------------------
def digests_send(*, now=None) -> int:
    """Celery beat, weekly: each member who opted in gets one mail with what happened in their
    forums since their last digest (at most a week back). Nothing new, no mail. The mail row and
    the mark commit together, so a second run in the same week sends nothing."""
    now = now or timezone.now()
    due_before = now - DIGEST_PERIOD + timedelta(hours=1)
    users = (
        Mitgliedschaft.objects.filter(digest=True, user__is_active=True)
        .filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lt=due_before))
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(users):
        with transaction.atomic():
            rows = list(
                Mitgliedschaft.objects.select_for_update(skip_locked=True)
                .select_related("forum", "user")
                .filter(user_id=user_id, digest=True)
                .filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lt=due_before))
            )
            if not rows:
                continue
            foren = []
            for row in rows:
                since = max(row.digest_sent_at or row.joined_at, now - DIGEST_PERIOD)
                neuigkeiten = _forum_news(row.forum, since=since, now=now)
                if neuigkeiten["anzahl"]:
                    foren.append({"forum": row.forum, **neuigkeiten})
            if foren and mail_queue(
                name="foren_wochenuebersicht",
                context={"user": rows[0].user, "foren": foren},
                to=[rows[0].user.email],
            ):
                sent += 1
            Mitgliedschaft.objects.filter(pk__in=[r.pk for r in rows]).update(digest_sent_at=now)
    return sent


def _forum_news(forum: Forum, *, since, now) -> dict:
    window = {"created_at__gte": since, "created_at__lt": now}
    beitraege = list(forum.beitraege.filter(**window).order_by("created_at")[:20])
    kommentare = Kommentar.objects.filter(beitrag__forum=forum, **window).count()
    dokumente = list(
        forum.dokumente.filter(uploaded_at__gte=since, uploaded_at__lt=now).order_by("uploaded_at")
    )
    runden = list(forum.abstimmungen.filter(status=Abstimmung.Status.OFFEN))
    return {
        "beitraege": beitraege,
        "kommentare": kommentare,
        "dokumente": dokumente,
        "runden": runden,
        "anzahl": len(beitraege) + kommentare + len(dokumente),
    }
