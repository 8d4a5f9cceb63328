"""The coordination's account management on the portal: roles, deactivation, the second factor,
the verification mail. Every change is written to the account's Kontoprotokoll (who, what, when)
in the same transaction; approving and rejecting stay with the approval page (akteure)."""

import rules
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Kontoprotokoll, Rolle, User
from .rules import is_koordination
from .sortierung import deutsch
from .text import schreibweisen_regex

rules.add_perm("netzwerk.manage_accounts", is_koordination)


class Aktion(models.TextChoices):
    """What the log says happened (Kontoprotokoll.action)."""

    ROLLE_ERTEILT = "rolle_erteilt", gettext_lazy("Rolle erteilt")
    ROLLE_ENTZOGEN = "rolle_entzogen", gettext_lazy("Rolle entzogen")
    DEAKTIVIERT = "deaktiviert", gettext_lazy("Konto deaktiviert")
    REAKTIVIERT = "reaktiviert", gettext_lazy("Konto reaktiviert")
    FREIGEGEBEN = "freigegeben", gettext_lazy("Konto freigegeben")
    ABGELEHNT = "abgelehnt", gettext_lazy("Registrierung abgelehnt")
    ZWEITER_FAKTOR = "zweiter_faktor_zurueckgesetzt", gettext_lazy("Zweiter Faktor zurückgesetzt")
    BESTAETIGUNG = "bestaetigung_gesendet", gettext_lazy("Bestätigungs-E-Mail erneut gesendet")


class Status(models.TextChoices):
    """An account's state as the list filters it."""

    WARTEND = "wartend", gettext_lazy("wartet auf Freigabe")
    FREIGEGEBEN = "freigegeben", gettext_lazy("freigegeben")
    DEAKTIVIERT = "deaktiviert", gettext_lazy("deaktiviert")
    ABGELEHNT = "abgelehnt", gettext_lazy("abgelehnt")


# The roles a coordinator gives on the portal (Moderation is held per forum, not here).
ROLLEN = [Rolle.KOORDINATION, Rolle.PARTNER, Rolle.GREMIUM]


def aktion_label(action: str) -> str:
    return str(Aktion(action).label) if action in Aktion.values else action


def konto_status(user: User) -> str:
    if not user.is_active:
        return Status.ABGELEHNT if user.rejected_at else Status.DEAKTIVIERT
    return Status.FREIGEGEBEN if user.approved_at else Status.WARTEND


_STATUS_Q = {
    Status.WARTEND: Q(is_active=True, approved_at__isnull=True),
    Status.FREIGEGEBEN: Q(is_active=True, approved_at__isnull=False),
    Status.DEAKTIVIERT: Q(is_active=False, rejected_at__isnull=True),
    Status.ABGELEHNT: Q(is_active=False, rejected_at__isnull=False),
}


def konten_for_list(*, rolle: str = "", status: str = "", suche: str = "") -> QuerySet[User]:
    """All accounts with what the list shows: organisation, roles (prefetched) and whether a
    second factor exists (`has_mfa`); filtered by role ("ohne": none), status and a search
    over name and e-mail address."""
    qs = (
        User.objects.select_related("person__organisation")
        .prefetch_related("groups")
        .annotate(has_mfa=Exists(Authenticator.objects.filter(user=OuterRef("pk"))))
        .order_by(deutsch("last_name"), deutsch("first_name"), "email")
    )
    if rolle == "ohne":
        qs = qs.filter(groups__isnull=True)
    elif rolle in Rolle.values:
        qs = qs.filter(groups__name=rolle)
    if status in _STATUS_Q:
        qs = qs.filter(_STATUS_Q[status])
    for wort in suche.split():
        rx = schreibweisen_regex(wort)  # "Mueller" finds "Müller", and the other way round
        qs = qs.filter(
            Q(first_name__iregex=rx) | Q(last_name__iregex=rx) | Q(email__icontains=wort)
        )
    return qs.distinct()


def kontoprotokoll_add(
    *, user: User, by: User | None, action: str, detail: str = ""
) -> Kontoprotokoll:
    """One line in the account's log; `detail` is cut to the column's length."""
    return Kontoprotokoll.objects.create(user=user, by=by, action=action, detail=detail[:300])


def _require_manage(by: User) -> None:
    """Accounts are changed only by whoever holds netzwerk.manage_accounts (the coordination)."""
    if not by.has_perm("netzwerk.manage_accounts"):
        raise PermissionDenied


def _nicht_an_systemverwaltung(user: User, by: User) -> None:
    """The operator's accounts are changed only by the operator (superusers); every change only
    by the coordination."""
    _require_manage(by)
    if user.is_superuser and not by.is_superuser:
        raise ValidationError(
            _("Konten der Systemverwaltung kann nur die Systemverwaltung selbst ändern.")
        )


@transaction.atomic
def konto_rollen_set(*, user: User, rollen: list[str] | set[str], by: User) -> list[str]:
    """Give the account exactly these of the portal's roles; each role given or taken is logged.
    A coordinator cannot take the role Koordination from themselves. Returns what changed."""
    _nicht_an_systemverwaltung(user, by)
    if user.approved_at is None:
        raise ValidationError(
            _("Dieses Konto ist noch nicht freigegeben: die erste Rolle vergibt die Freigabe.")
        )
    neu = {r for r in rollen if r in ROLLEN}
    if unbekannt := set(rollen) - set(ROLLEN):
        raise ValidationError(_("Unbekannte Rolle: %(r)s") % {"r": ", ".join(sorted(unbekannt))})
    alt = set(user.groups.filter(name__in=ROLLEN).values_list("name", flat=True))
    if user.pk == by.pk and Rolle.KOORDINATION in alt - neu:
        raise ValidationError(
            _(
                "Sie können sich die Rolle Koordination nicht selbst entziehen. Bitten Sie eine "
                "andere Person aus der Koordination darum."
            )
        )
    geaendert = []
    for name in sorted(neu - alt):
        user.groups.add(Group.objects.get_or_create(name=name)[0])
        kontoprotokoll_add(user=user, by=by, action=Aktion.ROLLE_ERTEILT, detail=name)
        geaendert.append(_("%(r)s erteilt") % {"r": Rolle(name).label})
    for name in sorted(alt - neu):
        user.groups.remove(Group.objects.get(name=name))
        kontoprotokoll_add(user=user, by=by, action=Aktion.ROLLE_ENTZOGEN, detail=name)
        geaendert.append(_("%(r)s entzogen") % {"r": Rolle(name).label})
    # Staff follows the role Koordination, as at the approval (superusers keep theirs).
    staff = user.is_superuser or Rolle.KOORDINATION in neu
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    if hasattr(user, "_rollen"):
        del user._rollen
    return geaendert


@transaction.atomic
def konto_rolle_add(*, user: User, rolle: str, by: User | None, detail: str = "") -> bool:
    """Give one role if the account lacks it (logged); False when it already had it."""
    if user.groups.filter(name=rolle).exists():
        return False
    user.groups.add(Group.objects.get_or_create(name=rolle)[0])
    if hasattr(user, "_rollen"):
        del user._rollen
    text = f"{rolle} ({detail})" if detail else rolle
    kontoprotokoll_add(user=user, by=by, action=Aktion.ROLLE_ERTEILT, detail=text)
    return True


@transaction.atomic
def konto_deactivate(*, user: User, by: User) -> User:
    """A deactivated account can no longer log in (its open sessions end with the next request);
    everything it wrote stays. Nobody deactivates themselves."""
    _nicht_an_systemverwaltung(user, by)
    if user.pk == by.pk:
        raise ValidationError(_("Sie können Ihr eigenes Konto nicht deaktivieren."))
    if not user.is_active:
        raise ValidationError(_("Dieses Konto ist schon deaktiviert."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    kontoprotokoll_add(user=user, by=by, action=Aktion.DEAKTIVIERT)
    return user


@transaction.atomic
def konto_reactivate(*, user: User, by: User) -> User:
    """The account can log in again with its old roles; a rejected sign-up goes back to the
    approval list (the rejection is lifted)."""
    _nicht_an_systemverwaltung(user, by)
    if user.is_active:
        raise ValidationError(_("Dieses Konto ist schon aktiv."))
    detail = ""
    fields = ["is_active"]
    if user.rejected_at is not None:
        user.rejected_at, user.rejected_by = None, None
        fields += ["rejected_at", "rejected_by"]
        detail = _("Ablehnung aufgehoben: wartet wieder auf Freigabe")
    user.is_active = True
    user.save(update_fields=fields)
    kontoprotokoll_add(user=user, by=by, action=Aktion.REAKTIVIERT, detail=detail)
    return user


@transaction.atomic
def konto_zweiter_faktor_reset(*, user: User, by: User) -> int:
    """Delete every authenticator of the account (app, recovery codes, security keys): it logs in
    with its password again and, as a coordinator, must set up a new app. The view asks the
    coordinator to reauthenticate first. Own factors are managed under "Mein Konto"."""
    _nicht_an_systemverwaltung(user, by)
    if user.pk == by.pk:
        raise ValidationError(
            _("Ihren eigenen zweiten Faktor verwalten Sie unter „Mein Konto“ › Zwei-Faktor.")
        )
    authenticators = Authenticator.objects.filter(user=user)
    arten = sorted(set(authenticators.values_list("type", flat=True)))
    if not arten:
        raise ValidationError(_("Dieses Konto hat keinen zweiten Faktor eingerichtet."))
    count, _details = authenticators.delete()
    kontoprotokoll_add(user=user, by=by, action=Aktion.ZWEITER_FAKTOR, detail=", ".join(arten))
    return count


def unbestaetigte_adresse(user: User) -> EmailAddress | None:
    """The account's own address if it is not confirmed yet."""
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        return EmailAddress(user=user, email=user.email, primary=True, verified=False)
    return None if address.verified else address


@transaction.atomic
def konto_bestaetigung_senden(*, request: HttpRequest, user: User, by: User) -> EmailAddress:
    """allauth's confirmation mail again (through the outbox), for an unconfirmed address."""
    _require_manage(by)
    address = unbestaetigte_adresse(user)
    if address is None:
        raise ValidationError(_("Die E-Mail-Adresse dieses Kontos ist schon bestätigt."))
    if not user.is_active:
        raise ValidationError(_("Das Konto ist deaktiviert: reaktivieren Sie es zuerst."))
    if address.pk is None:
        address.save()
    address.send_confirmation(request)
    kontoprotokoll_add(user=user, by=by, action=Aktion.BESTAETIGUNG, detail=address.email)
    return address
