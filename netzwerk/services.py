from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from .mail import mail_queue
from .models import Kontoprotokoll, Rolle, Rueckmeldung, User
from .selectors import koordination_emails

# Apps whose models a coordinator manages in the back office. Not allauth's account/mfa tables
# (they hold second-factor secrets), and accounts only to look at: rights are given in the portal.
KOORDINATION_APPS = ("netzwerk", "akteure", "foren", "konferenzen")
KOORDINATION_USER_PERMS = ("view_user",)


def rollen_ensure() -> None:
    """Every role exists as a group; Koordination may manage the network's data in the admin."""
    for rolle in Rolle:
        Group.objects.get_or_create(name=rolle.value)
    koordination = Group.objects.get(name=Rolle.KOORDINATION)
    perms = Permission.objects.filter(content_type__app_label__in=KOORDINATION_APPS).exclude(
        content_type__model="user"
    ) | Permission.objects.filter(
        content_type__app_label="netzwerk", codename__in=KOORDINATION_USER_PERMS
    )
    koordination.permissions.set(perms)


@transaction.atomic
def user_approve(*, user: User, approved_by: User, rolle: str, detail: str = "") -> User:
    """Approve a signed-up account with one network role; from then on it sees internal pages."""
    if rolle not in Rolle.values:
        raise ValueError(f"Unbekannte Rolle: {rolle}")
    user.approved_at = timezone.now()
    user.approved_by = approved_by
    user.is_active = True
    # Coordinators keep the network's data in the back office too.
    user.is_staff = user.is_staff or rolle == Rolle.KOORDINATION
    user.save(update_fields=["approved_at", "approved_by", "is_active", "is_staff"])
    user.groups.add(Group.objects.get(name=rolle))
    Kontoprotokoll.objects.create(
        user=user, by=approved_by, action="freigegeben",
        detail=(detail or f"Rolle {Rolle(rolle).label}")[:300],
    )  # fmt: skip
    mail_queue(name="freigabe", context={"user": user}, to=[user.email])
    return user


@transaction.atomic
def account_reject(*, user: User, rejected_by: User) -> User:
    """A rejected sign-up can no longer log in; the row stays so the decision is attributable."""
    user.is_active = False
    user.approved_at = None
    user.approved_by = None
    user.rejected_at = timezone.now()
    user.rejected_by = rejected_by
    user.save(
        update_fields=["is_active", "approved_at", "approved_by", "rejected_at", "rejected_by"]
    )
    Kontoprotokoll.objects.create(user=user, by=rejected_by, action="abgelehnt")
    return user


def signup_notify_koordination(*, user: User) -> None:
    mail_queue(name="registrierung", context={"user": user}, to=koordination_emails())


@transaction.atomic
def rueckmeldung_create(
    *, message: str, name: str = "", email: str = "", page_url: str = ""
) -> Rueckmeldung:
    """Store accessibility feedback and, in the same transaction, the mail to the coordinators."""
    rueckmeldung = Rueckmeldung.objects.create(
        name=name, email=email, page_url=page_url, message=message, notified_at=timezone.now()
    )
    mail_queue(
        name="rueckmeldung", context={"rueckmeldung": rueckmeldung}, to=koordination_emails()
    )
    return rueckmeldung
