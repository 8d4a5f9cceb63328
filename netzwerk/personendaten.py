"""Personal data kept by netzwerk's ground floor: accounts, their sign-in data, the outbox,
feedback, committees, the back office's log; and the retention periods of mails and logs."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from .datenschutz import (
    GELOESCHT_TEXT,
    Betroffene,
    Loeschung,
    by_user,
    not_personal,
    register,
    register_frist,
)
from .models import (
    Handlungsfeld,
    Kontoprotokoll,
    Lebensphase,
    Mail,
    Querschnittsthema,
    Rueckmeldung,
    Sozialraum,
    Sprache,
    User,
    Zielgruppe,
)


# --- Accounts ----------------------------------------------------------------------------------
def _user_rows(b: Betroffene):
    return User.objects.filter(pk=b.user_id) if b.user_id else User.objects.none()


def _user_erase(queryset, b: Betroffene, now) -> None:
    for user in queryset:
        user.email = f"geloescht-{user.pk}@invalid"
        # What others see on the forum entries and comments that stay: "Gelöschte Person".
        user.first_name, user.last_name = "Gelöschte", "Person"
        user.organisation_hint = ""
        user.sprache = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()


def _user_export(user: User) -> dict:
    return {
        "email": user.email,
        "vorname": user.first_name,
        "nachname": user.last_name,
        "organisation_laut_registrierung": user.organisation_hint,
        "sprache": user.sprache or settings.LANGUAGE_CODE,
        "registriert_am": user.date_joined.isoformat(),
        "letzte_anmeldung": user.last_login.isoformat() if user.last_login else None,
        "freigegeben_am": user.approved_at.isoformat() if user.approved_at else None,
        "rollen": sorted(user.rollen()),
    }


register(
    User,
    label=_("Benutzerkonto"),
    fields=["email", "first_name", "last_name", "organisation_hint", "last_login"],
    rows=_user_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_(
        "Das Konto wird gesperrt; was andere Personen darauf beziehen (Beiträge, Verläufe), "
        "zeigt „Gelöschte Person“."
    ),
    erase=_user_erase,
    export=_user_export,
    order=90,
)


register(
    User.groups.through,
    label=_("Rollen des Kontos"),
    fields=["group"],
    rows=by_user(User.groups.through),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda r: {"rolle": r.group.name},
    order=80,
)
register(
    User.user_permissions.through,
    label=_("Einzelne Rechte des Kontos"),
    fields=["permission"],
    rows=by_user(User.user_permissions.through),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda r: {"recht": r.permission.name},
    order=80,
)
register(
    EmailAddress,
    label=_("E-Mail-Adressen des Kontos"),
    fields=["email", "verified", "primary"],
    rows=by_user(EmailAddress),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    order=80,
)
register(
    Authenticator,
    label=_("Zweiter Faktor (Authenticator-App, Wiederherstellungscodes)"),
    fields=["type", "created_at", "last_used_at"],
    rows=by_user(Authenticator),
    loeschung=Loeschung.LOESCHEN,
    grund="",
    # The secret itself is never handed out, not even to its owner.
    export=lambda a: {
        "art": a.get_type_display(),
        "eingerichtet_am": a.created_at.isoformat(),
        "zuletzt_benutzt": a.last_used_at.isoformat() if a.last_used_at else None,
    },
    order=80,
)


def _session_rows(b: Betroffene):
    if b.user_id is None:
        return Session.objects.none()
    mine = [
        s.pk
        for s in Session.objects.all()
        if str(s.get_decoded().get("_auth_user_id", "")) == str(b.user_id)
    ]
    return Session.objects.filter(pk__in=mine)


register(
    Session,
    label=_("Angemeldete Sitzungen"),
    fields=["expire_date"],
    rows=_session_rows,
    loeschung=Loeschung.LOESCHEN,
    grund="",
    export=lambda s: {"gueltig_bis": s.expire_date.isoformat()},
    order=80,
)


def _logentry_rows(b: Betroffene):
    from django.apps import apps

    q = Q(pk__in=b.mentions(LogEntry.objects.all(), "object_repr", "change_message"))
    q |= b.user_q("user")
    if b.person_id:
        person = ContentType.objects.get_for_model(apps.get_model("akteure", "Person"))
        q |= Q(content_type=person, object_id=str(b.person_id))
    return LogEntry.objects.filter(q)


def _logentry_erase(queryset, b: Betroffene, now) -> None:
    for entry in queryset:
        entry.object_repr = b.redact(entry.object_repr)
        entry.change_message = b.redact(entry.change_message)
        entry.save(update_fields=["object_repr", "change_message"])


register(
    LogEntry,
    label=_("Protokoll der Systemverwaltung"),
    fields=["action_time", "object_repr", "change_message"],
    rows=_logentry_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_("Nachweis der Änderungen im Back Office; Name und Adresse werden ersetzt."),
    erase=_logentry_erase,
    export=lambda e: {
        "wann": e.action_time.isoformat(),
        "was": e.object_repr,
        "aenderung": e.get_change_message(),
    },
)


# --- Feedback -----------------------------------------------------------------------------------
register(
    Rueckmeldung,
    label=_("Rückmeldungen zur Barrierefreiheit"),
    fields=["name", "email", "page_url", "message", "created_at"],
    # By the address only: a name alone ("Max Muster") may be someone else's.
    rows=lambda b: Rueckmeldung.objects.filter(b.email_q("email")),
    loeschung=Loeschung.LOESCHEN,
    grund="",
)


# --- The outbox ---------------------------------------------------------------------------------
def _mail_rows(b: Betroffene):
    """Mails to the person (an exact recipient). Mails to others that name them are not theirs
    to read; erasure scrubs the name from those too (_mail_erase)."""
    emails = {e.lower() for e in b.emails}
    if not emails:
        return Mail.objects.none()
    q = Q(pk__in=[])
    for email in emails:
        q |= Q(an__icontains=email)
    kandidaten = Mail.objects.annotate(an=Cast("to", TextField())).filter(q)
    ids = [m.pk for m in kandidaten.only("pk", "to") if emails & {a.lower() for a in m.to}]
    return Mail.objects.filter(pk__in=ids)


def _mail_erase(queryset, b: Betroffene, now) -> None:
    """A queued mail only to the person is withdrawn; a sent one keeps no address and no body;
    in a mail that also went to others, or names the person, their name and address go."""
    emails = {e.lower() for e in b.emails}
    mentioned = b.mentions(Mail.objects.exclude(pk__in=queryset.values("pk")), "subject",
                           "body_text", "body_html")  # fmt: skip
    for mail in list(queryset) + list(mentioned):
        rest = [address for address in mail.to if address.lower() not in emails]
        if not rest:
            if mail.status in (Mail.Status.QUEUED, Mail.Status.SENDING):
                mail.status = Mail.Status.WITHDRAWN
            mail.subject = GELOESCHT_TEXT
            mail.body_text = mail.body_html = ""
            mail.attachments = []
        else:
            mail.subject = b.redact(mail.subject)
            mail.body_text = b.redact(mail.body_text)
            mail.body_html = b.redact(mail.body_html)
            mail.attachments = [
                {**a, "content": b.redact(a.get("content", ""))} for a in mail.attachments
            ]
        mail.to = rest
        mail.last_error = b.redact(mail.last_error)
        mail.save()


register(
    Mail,
    label=_("E-Mails im Postausgang"),
    fields=["to", "subject", "body_text", "status", "created_at", "sent_at"],
    rows=_mail_rows,
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_(
        "Noch nicht gesendete Mails an die Person werden zurückgezogen; gesendete behalten "
        "weder Adresse noch Text; in Mails an andere werden Name und Adresse ersetzt."
    ),
    erase=_mail_erase,
    export=lambda m: {
        "betreff": m.subject,
        "an": m.to,
        "status": m.get_status_display(),
        "angelegt": m.created_at.isoformat(),
        "gesendet": m.sent_at.isoformat() if m.sent_at else None,
        "text": m.body_text,
    },
    order=85,  # after the other apps' services have queued their last mails
)


def _mails_expire(now, tage: int) -> int:
    """Sent, failed and withdrawn mails keep only what the outbox counts after `tage` days."""
    return (
        Mail.objects.filter(
            status__in=[Mail.Status.SENT, Mail.Status.FAILED, Mail.Status.WITHDRAWN],
            created_at__lt=now - timedelta(days=tage),
        )
        .exclude(to=[], body_text="", body_html="", attachments=[], subject=GELOESCHT_TEXT)
        .update(
            to=[], subject=GELOESCHT_TEXT, body_text="", body_html="", attachments=[], last_error=""
        )  # fmt: skip
    )


register_frist(
    key="postausgang",
    label=_("Inhalt und Empfänger gesendeter E-Mails"),
    setting="FRIST_POSTAUSGANG_TAGE",
    default=30,
    was=_("Adresse, Betreff und Text werden gelöscht; Status und Zeitpunkte bleiben."),
    apply=_mails_expire,
)


def _rueckmeldungen_expire(now, tage: int) -> int:
    return Rueckmeldung.objects.filter(
        done=True, created_at__lt=now - timedelta(days=tage)
    ).delete()[0]


register_frist(
    key="rueckmeldungen",
    label=_("Erledigte Rückmeldungen zur Barrierefreiheit"),
    setting="FRIST_RUECKMELDUNG_TAGE",
    default=365,
    was=_("werden gelöscht"),
    apply=_rueckmeldungen_expire,
)


def _logentries_expire(now, tage: int) -> int:
    return LogEntry.objects.filter(action_time__lt=now - timedelta(days=tage)).delete()[0]


register_frist(
    key="verwaltungsprotokoll",
    label=_("Protokoll der Systemverwaltung"),
    setting="FRIST_VERWALTUNGSPROTOKOLL_TAGE",
    default=365,
    was=_("Einträge werden gelöscht"),
    apply=_logentries_expire,
)


def _sessions_expire(now, tage: int) -> int:
    # Expired sign-ins (SESSION_COOKIE_AGE); `tage` is not used: the session says when it ends.
    return Session.objects.filter(expire_date__lt=now).delete()[0]


register_frist(
    key="sitzungen",
    label=_("Abgelaufene Anmeldesitzungen"),
    setting="SESSION_TAGE",
    default=14,
    was=_("werden gelöscht, sobald sie abgelaufen sind"),
    apply=_sessions_expire,
)


# --- Changes to accounts ------------------------------------------------------------------------
def _protokoll_erase(queryset, b: Betroffene, now) -> None:
    """The person's own account log goes with the account; changes they made to other accounts
    stay as a record of what happened, without naming them."""
    queryset.filter(b.user_q("user")).delete()
    queryset.filter(b.user_q("by")).update(by=None)


register(
    Kontoprotokoll,
    label=_("Änderungen an Konten (Rollen, Sperre, zweiter Faktor)"),
    fields=["user", "by", "action", "detail", "at"],
    rows=lambda b: Kontoprotokoll.objects.filter(b.user_q("user", "by")),
    loeschung=Loeschung.ANONYMISIEREN,
    grund=_(
        "Änderungen am eigenen Konto werden gelöscht; Änderungen, die die Person an anderen "
        "Konten vorgenommen hat, bleiben ohne ihren Namen."
    ),
    erase=_protokoll_erase,
    export=lambda p: {"wann": p.at.isoformat(), "was": p.action, "einzelheiten": p.detail},
    order=80,
)


# --- Not about people ---------------------------------------------------------------------------
for _vokabular in (Lebensphase, Handlungsfeld, Sozialraum, Querschnittsthema, Zielgruppe, Sprache):
    not_personal(_vokabular, _("Begriff eines Vokabulars"))
not_personal(Group, _("Name einer Rolle"))
not_personal(Permission, _("Name eines Rechts"))
not_personal(ContentType, _("Name eines Datenmodells"))
