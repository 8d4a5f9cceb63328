import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sortierung import DeutschCharField, deutsch


class Rolle(models.TextChoices):
    """The network-wide roles; each is a Django group of the same name.

    Moderation is not a group: it is held per forum (foren.Forum.moderators).
    """

    KOORDINATION = "Koordination", _("Koordination")
    PARTNER = "Partner", _("Partner")
    GREMIUM = "Gremium", _("Gremium")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("E-Mail-Adresse fehlt.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("approved_at", timezone.now())
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """An account. Signing up is not enough: a coordinator approves it before it sees
    anything internal (approved_at)."""

    username = None
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    # As AbstractUser's, sorted in German order (netzwerk.sortierung).
    first_name = DeutschCharField(_("first name"), max_length=150, blank=True)
    last_name = DeutschCharField(_("last name"), max_length=150, blank=True)
    organisation_hint = models.CharField(
        _("Organisation laut Registrierung"),
        max_length=200,
        blank=True,
        help_text=_("Was die Person bei der Registrierung angegeben hat."),
    )
    approved_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "self",
        verbose_name=_("freigegeben von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The language of the portal's pages and of the mails to this account, as last chosen with
    # the switch in the header (netzwerk.views.sprache_setzen); empty: the portal's (German).
    sprache = models.CharField(
        _("Sprache"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    rejected_at = models.DateTimeField(_("abgelehnt am"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        "self",
        verbose_name=_("abgelehnt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")
        ordering = [deutsch("last_name"), deutsch("first_name"), "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        """What others may see of this account: the name, never the e-mail address."""
        return self.get_full_name() or _("(ohne Namen)")

    @property
    def is_approved(self) -> bool:
        return self.is_active and self.approved_at is not None

    def rollen(self) -> set[str]:
        """Names of the network roles this account holds (cached per instance)."""
        if not hasattr(self, "_rollen"):
            self._rollen = set(self.groups.values_list("name", flat=True))
        return self._rollen


class Vokabular(models.Model):
    """A configurable, ordered list entry (life phase, field of action, district)."""

    # The term's identity in open data (HSDS taxonomy_term.id): never changes, unlike name and slug.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = DeutschCharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # Deactivated terms are no longer offered in forms; records that use them keep them.
    active = models.BooleanField(
        _("aktiv"), default=True, help_text=_("Inaktive Begriffe werden nicht mehr angeboten.")
    )

    class Meta:
        abstract = True
        ordering = ["position", deutsch("name")]

    def __str__(self) -> str:
        return self.name


class Lebensphase(Vokabular):
    # The ages a phase covers, in months (0-36 months, 3-6 years = 36-72, ...); empty: open.
    alter_von = models.PositiveSmallIntegerField(_("Alter von (Monate)"), null=True, blank=True)
    alter_bis = models.PositiveSmallIntegerField(
        _("Alter bis (Monate)"), null=True, blank=True, help_text=_("ausschließlich")
    )

    class Meta(Vokabular.Meta):
        verbose_name = _("Lebensphase")
        verbose_name_plural = _("Lebensphasen")


class Handlungsfeld(Vokabular):
    class Meta(Vokabular.Meta):
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")


class Sozialraum(Vokabular):
    # The district's boundary as a GeoJSON geometry (Polygon or MultiPolygon) in EPSG:4326,
    # simplified on import (akteure.geo); empty: not on the map.
    grenze = models.JSONField(_("Grenze (GeoJSON)"), null=True, blank=True)
    # How the statistics office names it: the official key (AGS/ARS) or the town's own code; the
    # indicator import (netzwerk.sozialmonitoring) finds a district by it or by its name.
    schluessel = models.CharField(
        _("Schlüssel"),
        max_length=40,
        blank=True,
        help_text=_("Amtlicher Schlüssel (AGS/ARS) oder der Code der Stadt, wie in der Statistik"),
    )

    class Meta(Vokabular.Meta):
        verbose_name = _("Sozialraum")
        verbose_name_plural = _("Sozialräume")
        constraints = [
            models.UniqueConstraint(
                fields=["schluessel"],
                condition=~models.Q(schluessel=""),
                name="sozialraum_schluessel_einmal",
            )
        ]


class Querschnittsthema(Vokabular):
    """A theme every forum keeps in view (Lebensphasenblick, interkulturelle Öffnung, ...)."""

    class Meta(Vokabular.Meta):
        verbose_name = _("Querschnittsthema")
        verbose_name_plural = _("Querschnittsthemen")


class Rueckmeldung(models.Model):
    """Feedback on accessibility (Barrierefreiheitserklärung); it reaches the coordinators."""

    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    page_url = models.CharField(_("Betroffene Seite"), max_length=500, blank=True)
    message = models.TextField(_("Nachricht"))
    created_at = models.DateTimeField(_("eingegangen am"), default=timezone.now)
    notified_at = models.DateTimeField(_("Koordination benachrichtigt am"), null=True, blank=True)
    done = models.BooleanField(_("erledigt"), default=False)

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y} {self.name or self.email or _('anonym')}"


class Zielgruppe(Vokabular):
    class Meta(Vokabular.Meta):
        verbose_name = _("Zielgruppe")
        verbose_name_plural = _("Zielgruppen")


class Sprache(Vokabular):
    """A language an offer is held in (Deutsch, Türkisch, Arabisch, Leichte Sprache ...)."""

    code = models.CharField(_("Sprachcode"), max_length=10, blank=True, help_text=_("ISO 639-1"))

    class Meta(Vokabular.Meta):
        verbose_name = _("Sprache")
        verbose_name_plural = _("Sprachen")


class Kontoprotokoll(models.Model):
    """Who changed what about an account, and when (roles, deactivation, second factor)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="protokoll"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    action = models.CharField(_("Änderung"), max_length=40)
    detail = models.CharField(_("Einzelheiten"), max_length=300, blank=True)
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)

    class Meta:
        verbose_name = _("Änderung eines Kontos")
        verbose_name_plural = _("Änderungen von Konten")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user}: {self.action}"


class Mail(models.Model):
    """The outbox: a mail is a row written with the change that causes it, sent after commit."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        # Erasure took it back before it went out (netzwerk.personendaten).
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    template = models.CharField(_("Vorlage"), max_length=100)
    to = models.JSONField(_("an"), default=list)
    subject = models.CharField(_("Betreff"), max_length=300)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # Small text attachments, such as a calendar entry: [{"filename", "content", "mimetype"}].
    attachments = models.JSONField(_("Anhänge"), default=list, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("Versand begonnen"), null=True, blank=True)
    # After a failed attempt: no batch takes the mail before this (its back-off).
    retry_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("E-Mail")
        verbose_name_plural = _("Postausgang")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def message_id(self) -> str:
        # Stable per row: should a mail ever go out twice, the receiver sees the same message.
        return f"<mail-{self.pk}@netzwerkportal>"


# Concept documents and status reports live in their own modules; importing them here makes
# them the app's models.
from .berichte.models import Sachstandsbericht  # noqa: E402, F401
from .konzepte.models import (  # noqa: E402, F401
    Fortschrittsnotiz,
    Gremium,
    Gremiumseinladung,
    Handlungsschwerpunkt,
    Kapitel,
    KapitelVersion,
    Kommentar,
    Konzept,
    Massnahme,
    Meilenstein,
    Ziel,
)
from .sozialmonitoring.models import Indikator, IndikatorImport, IndikatorWert  # noqa: E402, F401
