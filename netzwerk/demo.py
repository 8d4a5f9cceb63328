"""Demo network, ground floor: vocabularies and the demo accounts for every role."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from .models import Handlungsfeld, Lebensphase, Querschnittsthema, Rolle, Sozialraum, User
from .services import rollen_ensure

DEMO_PASSWORD = "Demo-Netzwerk-2026"
# Base32; the demo coordinator's authenticator. Only demo accounts ever use a known secret.
DEMO_TOTP_SECRET = "NETZWERKDEMOKOORDINATIONZWEISECH"
DEMO_DOMAIN = "demo.example"

LEBENSPHASEN = [
    "Schwangerschaft und Geburt",
    "0-3 Jahre",
    "3-6 Jahre (Kita)",
    "6-10 Jahre (Grundschule)",
    "10-16 Jahre (weiterführende Schule)",
    "16-27 Jahre (Übergang Schule-Beruf)",
]
HANDLUNGSFELDER = [
    "Sprache und Bildung",
    "Sport und Freizeit",
    "Gesundheit",
    "Sozialraum und Wohnen",
    "Rassismus und Diskriminierung",
    "Arbeitsmarkt",
    "Kultur und Religion",
]
QUERSCHNITTSTHEMEN = ["Lebensphasenblick", "Interkulturelle Öffnung", "Geschlechtergerechtigkeit"]
SOZIALRAEUME = ["Innenstadt", "Nord", "Broich", "Am Bahnhof", "Weiden", "Bardenberg", "Morsbach"]

# (e-mail local part, first name, last name, role or None for "waiting for approval", staff)
ACCOUNTS = [
    ("koordination", "Katrin", "Kordes", Rolle.KOORDINATION, True),
    ("moderation", "Murat", "Demir", Rolle.PARTNER, False),
    ("partner", "Paula", "Sommer", Rolle.PARTNER, False),
    ("gremium", "Georg", "Rathmann", Rolle.GREMIUM, False),
    ("neu", "Nina", "Neumann", None, False),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _vocabulary(model, names: list[str]) -> None:
    for position, name in enumerate(names):
        model.objects.update_or_create(
            slug=slugify(name), defaults={"name": name, "position": position}
        )


def _account(local: str, first: str, last: str, rolle: str | None, staff: bool) -> User:
    user, created = User.objects.get_or_create(
        email=demo_email(local),
        defaults={"first_name": first, "last_name": last, "is_staff": staff},
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.first_name, user.last_name, user.is_staff, user.is_active = first, last, staff, True
    if rolle is not None and user.approved_at is None:
        user.approved_at = timezone.now()
    if rolle is None:
        user.approved_at = None
        user.organisation_hint = "Jugendtreff Bahnhof"
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    user.groups.set([Group.objects.get(name=rolle)] if rolle else [])
    return user


def build() -> dict[str, User]:
    rollen_ensure()
    _vocabulary(Lebensphase, LEBENSPHASEN)
    _vocabulary(Handlungsfeld, HANDLUNGSFELDER)
    _vocabulary(Sozialraum, SOZIALRAEUME)
    _vocabulary(Querschnittsthema, QUERSCHNITTSTHEMEN)
    users = {a[0]: _account(*a) for a in ACCOUNTS}
    koordination = users["koordination"]
    if not Authenticator.objects.filter(user=koordination, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(koordination, DEMO_TOTP_SECRET)
    return users
