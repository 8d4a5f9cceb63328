import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..felder import LinkField
from ..sortierung import DeutschCharField, deutsch
from ..text import render_markdown


class Gremium(models.Model):
    """A committee (Jugendhilfeausschuss, Integrationsrat, Steuerungsgruppe): it decides concepts
    and receives status reports; its members have accounts with the role Gremium."""

    class Art(models.TextChoices):
        AUSSCHUSS = "ausschuss", _("Ausschuss des Rates")
        BEIRAT = "beirat", _("Beirat")
        STEUERUNGSGRUPPE = "steuerungsgruppe", _("Steuerungsgruppe")
        ARBEITSKREIS = "arbeitskreis", _("Arbeitskreis")
        SONSTIGES = "sonstiges", _("sonstiges Gremium")

    name = DeutschCharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=200, unique=True)
    art = models.CharField(_("Art"), max_length=20, choices=Art.choices, default=Art.AUSSCHUSS)
    description = models.TextField(_("Beschreibung"), blank=True)
    url = LinkField(
        _("Link zum Ratsinformationssystem"), blank=True,
        help_text=_("Die Seite des Gremiums im Ratsinformationssystem, falls es eine gibt."),
    )  # fmt: skip
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("Mitglieder"), blank=True, related_name="gremien"
    )

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Gremium")
        verbose_name_plural = _("Gremien")
        ordering = [deutsch("name")]

    def __str__(self) -> str:
        return self.name


class Gremiumseinladung(models.Model):
    """An invitation by e-mail to join a committee: accepting it makes (or finds) the account
    and gives it the role Gremium."""

    gremium = models.ForeignKey(Gremium, on_delete=models.CASCADE, related_name="einladungen")
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("eingeladen am"), default=timezone.now)
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Einladung in ein Gremium")
        verbose_name_plural = _("Einladungen in Gremien")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.gremium}"


class Konzept(models.Model):
    class Status(models.TextChoices):
        ENTWURF = "entwurf", _("Entwurf")
        BETEILIGUNG = "beteiligung", _("Beteiligung")
        BESCHLUSSVORLAGE = "beschlussvorlage", _("Beschlussvorlage")
        BESCHLOSSEN = "beschlossen", _("beschlossen")

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kürzel"), max_length=200, unique=True)
    description = models.TextField(_("Worum es geht"), blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.ENTWURF
    )
    # The decision: which committee, when, under which reference (e.g. "VO/22/0594").
    gremium = models.ForeignKey(
        Gremium, verbose_name=_("Gremium"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="konzepte",
    )  # fmt: skip
    decided_on = models.DateField(_("beschlossen am"), null=True, blank=True)
    resolution = models.CharField(_("Beschlussnummer"), max_length=100, blank=True)
    resolution_url = LinkField(_("Link zum Ratsinformationssystem"), blank=True)
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("Status seit"), default=timezone.now)
    # Archived concepts leave the lists (a newer concept replaced them); their text stays readable.
    archived_at = models.DateTimeField(_("archiviert am"), null=True, blank=True)
    # Co-authors a coordinator invited: they read and write the draft before Beteiligung.
    mitwirkende = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("Mitwirkende"), blank=True, related_name="+"
    )

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Konzept")
        verbose_name_plural = _("Konzepte")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("netzwerk:konzept-detail", kwargs={"slug": self.slug})

    @property
    def frozen(self) -> bool:
        """A decided concept is the decided text: no chapter changes any more."""
        return self.status == self.Status.BESCHLOSSEN


class KapitelManager(models.Manager):
    """The chapters of the concepts, without those removed from a draft (Kapitel.entfernt_am).
    As the default manager it hides them in `konzept.kapitel` too (Django's reverse managers
    subclass it); `Kapitel.alle` still has them, and a version's or comment's `kapitel` reaches
    its removed chapter through the unfiltered base manager."""

    def get_queryset(self):
        return super().get_queryset().filter(entfernt_am__isnull=True)


class Kapitel(models.Model):
    """A chapter; its text is the newest of its versions (every save is kept as a version)."""

    konzept = models.ForeignKey(Konzept, on_delete=models.CASCADE, related_name="kapitel")
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    title = models.CharField(_("Überschrift"), max_length=200)
    text = models.TextField(_("Text"), blank=True, max_length=100_000)
    version = models.PositiveIntegerField(_("Version"), default=0)
    updated_at = models.DateTimeField(_("geändert"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # Removed from the draft (services.kapitel_delete) with its versions and comments kept: it
    # leaves the concept's text and numbering; its outline lists it and can restore it.
    entfernt_am = models.DateTimeField(_("entfernt am"), null=True, blank=True)

    objects = KapitelManager()  # the first manager: Kapitel's default manager
    alle = models.Manager()  # noqa: DJ012 (a manager, which ruff takes for a field)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Kapitel")
        verbose_name_plural = _("Kapitel")
        ordering = ["konzept", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def html(self):
        """The text as sanitised HTML, kept in the cache under the digest of the text: rendering a
        long concept's Markdown is most of its page's time (bench/konzept.py). Not under the
        chapter's version, which a restored older backup hands out again for another text."""
        digest = hashlib.md5(self.text.encode(), usedforsecurity=False).hexdigest()
        return cache.get_or_set(
            f"netzwerk:kapitel:html:{digest}",
            lambda: render_markdown(self.text, top=3),
            timeout=30 * 86_400,
        )


class KapitelVersion(models.Model):
    kapitel = models.ForeignKey(Kapitel, on_delete=models.CASCADE, related_name="versionen")
    number = models.PositiveIntegerField(_("Version"))
    title = models.CharField(_("Überschrift"), max_length=200)
    text = models.TextField(_("Text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("gespeichert"), default=timezone.now)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Version eines Kapitels")
        verbose_name_plural = _("Versionen von Kapiteln")
        ordering = ["kapitel", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kapitel", "number"], name="kapitelversion_einmal")
        ]

    def __str__(self) -> str:
        return f"{self.kapitel} v{self.number}"


class Kommentar(models.Model):
    """A partner's comment on a chapter during Beteiligung, and the coordination's answer."""

    class Status(models.TextChoices):
        OFFEN = "offen", _("noch nicht beantwortet")
        AUFGENOMMEN = "aufgenommen", _("aufgenommen")
        NICHT_AUFGENOMMEN = "nicht_aufgenommen", _("nicht aufgenommen")

    kapitel = models.ForeignKey(Kapitel, on_delete=models.CASCADE, related_name="kommentare")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("Kommentar"), max_length=5000)
    version = models.PositiveIntegerField(_("zu Version"), default=0)
    created_at = models.DateTimeField(_("geschrieben"), default=timezone.now)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OFFEN
    )
    answer = models.TextField(_("Antwort"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    answered_at = models.DateTimeField(_("beantwortet"), null=True, blank=True)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["kapitel", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kapitel}: {self.text[:40]}"


class Handlungsschwerpunkt(models.Model):
    """A focal point of a concept; its goals carry the measures."""

    konzept = models.ForeignKey(Konzept, on_delete=models.CASCADE, related_name="schwerpunkte")
    title = models.CharField(_("Handlungsschwerpunkt"), max_length=200)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    history = HistoricalRecords()

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Handlungsschwerpunkt")
        verbose_name_plural = _("Handlungsschwerpunkte")
        ordering = ["konzept", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Ziel(models.Model):
    schwerpunkt = models.ForeignKey(
        Handlungsschwerpunkt, on_delete=models.CASCADE, related_name="ziele"
    )
    title = models.CharField(_("Ziel"), max_length=300)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    history = HistoricalRecords()

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["schwerpunkt", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Massnahme(models.Model):
    class Status(models.TextChoices):
        GEPLANT = "geplant", _("geplant")
        IN_UMSETZUNG = "in_umsetzung", _("in Umsetzung")
        UMGESETZT = "umgesetzt", _("umgesetzt")
        ZURUECKGESTELLT = "zurueckgestellt", _("zurückgestellt")

    ziel = models.ForeignKey(Ziel, on_delete=models.CASCADE, related_name="massnahmen")
    title = models.CharField(_("Maßnahme"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    organisationen = models.ManyToManyField(
        "akteure.Organisation", verbose_name=_("verantwortlich"), blank=True, related_name="+"
    )
    forum = models.ForeignKey(
        "foren.Forum", verbose_name=_("Forum"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="massnahmen",
    )  # fmt: skip
    start = models.DateField(_("Beginn"), null=True, blank=True)
    end = models.DateField(_("Ende"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.GEPLANT
    )
    progress = models.PositiveSmallIntegerField(
        _("Fortschritt in Prozent"), default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    # The districts it targets: the measures page shows their need indicators beside it.
    sozialraeume = models.ManyToManyField(
        "netzwerk.Sozialraum", verbose_name=_("Sozialräume"), blank=True, related_name="+"
    )
    # What it answers and what it creates: the forums' needs and the registry's offers.
    bedarfe = models.ManyToManyField(
        "foren.Beitrag", verbose_name=_("beantwortet Bedarfe"), blank=True, related_name="+"
    )
    angebote = models.ManyToManyField(
        "akteure.Angebot", verbose_name=_("schafft Angebote"), blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    # When its owners were last asked for a progress note (netzwerk.konzepte.erinnerung).
    reminded_at = models.DateTimeField(_("zuletzt erinnert"), null=True, blank=True)
    # Every change is attributable (who, when, what), the responsibilities included.
    history = HistoricalRecords(
        excluded_fields=["reminded_at"], m2m_fields=[organisationen, bedarfe, angebote]
    )

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["ziel", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="massnahme_fortschritt_hoechstens_100"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                {"end": _("Das Ende liegt vor dem Beginn. Bitte prüfen Sie die beiden Daten.")}
            )


class Fortschrittsnotiz(models.Model):
    """A dated note on a measure: what happened, and the progress it stands at now."""

    massnahme = models.ForeignKey(Massnahme, on_delete=models.CASCADE, related_name="notizen")
    text = models.TextField(_("Was ist passiert?"), max_length=5000)
    progress = models.PositiveSmallIntegerField(_("Fortschritt in Prozent"))
    status = models.CharField(_("Status"), max_length=20, choices=Massnahme.Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("am"), default=timezone.now)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Fortschrittsnotiz")
        verbose_name_plural = _("Fortschrittsnotizen")
        ordering = ["massnahme", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.massnahme}: {self.created_at:%d.%m.%Y}"


class Meilenstein(models.Model):
    """A step of the process entered by the coordination ("Juni 2022: Lenkungskreis gegründet");
    the timeline adds the network's past events and the concepts' decisions by itself."""

    date = models.DateField(_("Datum"))
    title = models.CharField(_("Meilenstein"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True, max_length=2000)
    konzept = models.ForeignKey(
        Konzept, verbose_name=_("Konzept"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="meilensteine",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("eingetragen"), default=timezone.now)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.title}"
