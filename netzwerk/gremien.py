"""Committees on the portal: the coordination creates and edits them, adds existing accounts as
members (who get the role Gremium) or invites a person by e-mail; accepting the link makes the
signed-in account with that address a member."""

import secrets
from datetime import timedelta

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import konten
from .mail import mail_queue
from .models import Gremium, Gremiumseinladung, Rolle, Sachstandsbericht, User
from .rules import is_koordination
from .services import user_approve
from .sortierung import deutsch
from .text import unique_slug

rules.add_perm("netzwerk.manage_gremien", is_koordination)

# How long an invitation link can be accepted.
EINLADUNG_TAGE = 30


def gremien_for_list() -> QuerySet[Gremium]:
    return Gremium.objects.annotate(
        mitglieder_count=Count("members", distinct=True),
        offene_einladungen=Count(
            "einladungen", filter=Q(einladungen__accepted_at__isnull=True), distinct=True
        ),
        berichte_count=Count("berichte", distinct=True),
    ).order_by(deutsch("name"))


def berichte_for_gremium(gremium: Gremium) -> QuerySet[Sachstandsbericht]:
    """The status reports this committee received, newest first."""
    return gremium.berichte.select_related("konzept").order_by("-nummer")


def kandidaten() -> QuerySet[User]:
    """Accounts that can be added to a committee: every approved, active account."""
    return User.objects.filter(is_active=True, approved_at__isnull=False).order_by(
        deutsch("last_name"), deutsch("first_name"), "email"
    )


@transaction.atomic
def gremium_create(
    *, name: str, art: str = Gremium.Art.AUSSCHUSS, description: str = "", url: str = ""
) -> Gremium:
    """A committee; its Kürzel comes from the name and stays when the name changes later."""
    name = name.strip()
    if Gremium.objects.filter(name__iexact=name).exists():
        raise ValidationError(_("Ein Gremium mit diesem Namen gibt es schon."))
    return Gremium.objects.create(
        name=name,
        slug=unique_slug(Gremium, name, "gremium"),
        art=art,
        description=description,
        url=url,
    )


@transaction.atomic
def gremium_update(
    *, gremium: Gremium, name: str, art: str, description: str = "", url: str = ""
) -> Gremium:
    name = name.strip()
    if Gremium.objects.filter(name__iexact=name).exclude(pk=gremium.pk).exists():
        raise ValidationError(_("Ein Gremium mit diesem Namen gibt es schon."))
    gremium.name, gremium.art, gremium.description, gremium.url = name, art, description, url
    gremium.save(update_fields=["name", "art", "description", "url"])
    return gremium


@transaction.atomic
def gremium_mitglied_add(*, gremium: Gremium, user: User, by: User | None) -> bool:
    """Make an approved account a member; an account without the role Gremium gets it (logged).
    False when it already was a member."""
    if not user.is_approved:
        raise ValidationError(
            _("Nur freigegebene, aktive Konten können Mitglied werden. Laden Sie die Person "
              "stattdessen per E-Mail ein.")
        )  # fmt: skip
    if gremium.members.filter(pk=user.pk).exists():
        return False
    gremium.members.add(user)
    konten.konto_rolle_add(
        user=user, rolle=Rolle.GREMIUM, by=by, detail=_("Mitglied in %(g)s") % {"g": gremium.name}
    )
    return True


@transaction.atomic
def gremium_mitglied_remove(*, gremium: Gremium, user: User) -> None:
    """The account leaves the committee; its role Gremium stays (it may sit in others), the
    account page changes roles."""
    gremium.members.remove(user)


@transaction.atomic
def gremium_einladung_create(
    *, gremium: Gremium, email: str, name: str = "", by: User | None
) -> Gremiumseinladung:
    """An invitation with a personal link, sent through the outbox. Refused for members and for
    an address that already has an open invitation to this committee."""
    email = email.strip()
    if gremium.members.filter(email__iexact=email).exists():
        raise ValidationError(_("Diese Person ist schon Mitglied des Gremiums."))
    if gremium.einladungen.filter(email__iexact=email, accepted_at__isnull=True).exists():
        raise ValidationError(
            _("An diese Adresse ist schon eine Einladung unterwegs. Ziehen Sie sie zurück, um "
              "neu einzuladen.")
        )  # fmt: skip
    einladung = Gremiumseinladung.objects.create(
        gremium=gremium,
        email=email,
        name=name.strip(),
        token=secrets.token_urlsafe(32),
        created_by=by,
    )
    mail_queue(
        name="gremium_einladung",
        context={
            "einladung": einladung,
            "gremium": gremium,
            "by": by,
            "gueltig_bis": einladung_gueltig_bis(einladung),
        },
        to=[email],
    )
    return einladung


def einladung_gueltig_bis(einladung: Gremiumseinladung):
    return einladung.created_at + timedelta(days=EINLADUNG_TAGE)


@transaction.atomic
def gremium_einladung_withdraw(*, einladung: Gremiumseinladung) -> None:
    """An open invitation is deleted; its link then says it is not valid."""
    if einladung.accepted_at is not None:
        raise ValidationError(_("Diese Einladung ist schon angenommen."))
    einladung.delete()


def gremium_einladung_read(token: str, *, now=None) -> tuple[Gremiumseinladung | None, str]:
    """The invitation and "" when it can be accepted, else why not: "ungueltig", "abgelaufen",
    "benutzt". The link of a coordinator who has left approves nobody."""
    einladung = (
        Gremiumseinladung.objects.select_related("gremium", "created_by")
        .filter(token=token)
        .first()
    )
    if einladung is None:
        return None, "ungueltig"
    if einladung.accepted_at is not None:
        return einladung, "benutzt"
    if einladung_gueltig_bis(einladung) <= (now or timezone.now()):
        return einladung, "abgelaufen"
    inviter = einladung.created_by
    if inviter is None or not inviter.is_active or not is_koordination(inviter):
        return None, "ungueltig"
    return einladung, ""


def adresse_passt(einladung: Gremiumseinladung, user: User) -> bool:
    return user.email.lower() == einladung.email.lower()


@transaction.atomic
def gremium_einladung_accept(
    *, token: str, user: User, now=None
) -> tuple[Gremiumseinladung | None, str]:
    """Accept once, with the invited address only ("andere_adresse" otherwise): the account
    joins, gets the role Gremium and, if it still waited for approval, is approved by the
    inviting coordinator. A conditional UPDATE lets one of two simultaneous accepts win."""
    now = now or timezone.now()
    einladung, grund = gremium_einladung_read(token, now=now)
    if grund:
        return einladung, grund
    if not user.is_active:
        return einladung, "ungueltig"
    if not adresse_passt(einladung, user):
        return einladung, "andere_adresse"
    claimed = Gremiumseinladung.objects.filter(pk=einladung.pk, accepted_at__isnull=True).update(
        accepted_at=now
    )
    if not claimed:
        return einladung, "benutzt"
    einladung.accepted_at = now
    inviter, gremium = einladung.created_by, einladung.gremium
    if not user.is_approved:
        user_approve(
            user=user, approved_by=inviter, rolle=Rolle.GREMIUM,
            detail=_("als Gremium: Einladung in %(g)s angenommen") % {"g": gremium.name},
        )  # fmt: skip
    gremium_mitglied_add(gremium=gremium, user=user, by=inviter)
    return einladung, ""
