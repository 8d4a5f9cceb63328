from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from netzwerk.sortierung import DeutschCharField, deutsch


class Forum(models.Model):
    class Status(models.TextChoices):
        AKTIV = "aktiv", _("aktiv")
        RUHEND = "ruhend", _("ruhend")

    class Sichtbarkeit(models.TextChoices):
        PUBLIC = "public", _("öffentlich")
        MEMBERS = "members", _("nur für Mitglieder")

    name = DeutschCharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=200, unique=True)
    handlungsfeld = models.ForeignKey(
        "netzwerk.Handlungsfeld",
        verbose_name=_("Handlungsfeld"),
        on_delete=models.PROTECT,
        related_name="foren",
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.AKTIV
    )
    visibility = models.CharField(
        _("Sichtbarkeit"),
        max_length=10,
        choices=Sichtbarkeit.choices,
        default=Sichtbarkeit.PUBLIC,
        help_text=_(
            "Öffentliche Foren sieht jede und jeder; ihre Sammlung lesen angemeldete Partner. "
            "Foren nur für Mitglieder sehen nur Mitglieder und die Koordination."
        ),
    )
    themen = models.ManyToManyField(
        "netzwerk.Querschnittsthema",
        verbose_name=_("Querschnittsthemen"),
        blank=True,
        related_name="foren",
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Moderation"),
        blank=True,
        related_name="moderierte_foren",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Mitglieder"),
        blank=True,
        related_name="foren",
        through="Mitgliedschaft",
    )
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)

    class Meta:
        verbose_name = _("Forum")
        verbose_name_plural = _("Foren")
        ordering = [deutsch("name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("foren:forum-detail", kwargs={"slug": self.slug})

    @property
    def is_ruhend(self) -> bool:
        return self.status == self.Status.RUHEND


class Mitgliedschaft(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="mitgliedschaften")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mitgliedschaften"
    )
    joined_at = models.DateTimeField(_("Mitglied seit"), default=timezone.now)
    digest = models.BooleanField(
        _("Wochenübersicht per E-Mail"),
        default=False,
        help_text=_("Einmal pro Woche eine E-Mail mit den Neuigkeiten aus dem Forum."),
    )
    digest_sent_at = models.DateTimeField(_("letzte Wochenübersicht"), null=True, blank=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(fields=["forum", "user"], name="mitgliedschaft_einmal")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.forum}"


class Beitrittsanfrage(models.Model):
    """A partner asks to join; a moderator (or the coordination) accepts or declines."""

    class Status(models.TextChoices):
        OFFEN = "offen", _("offen")
        ANGENOMMEN = "angenommen", _("angenommen")
        ABGELEHNT = "abgelehnt", _("abgelehnt")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="anfragen")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="beitrittsanfragen"
    )
    message = models.TextField(_("Nachricht an die Moderation"), blank=True, max_length=2000)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.OFFEN
    )
    answer = models.TextField(_("Antwort"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("gestellt am"), default=timezone.now)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entschieden von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Beitrittsanfrage")
        verbose_name_plural = _("Beitrittsanfragen")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "user"],
                condition=Q(status="offen"),
                name="beitrittsanfrage_eine_offene",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.forum}"


class Interessensbekundung(models.Model):
    """Someone from the public wants to take part; it counts once the e-mail is confirmed."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="interessen")
    name = models.CharField(_("Name"), max_length=200)
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"))
    message = models.TextField(_("Nachricht"), blank=True, max_length=2000)
    consent_at = models.DateTimeField(_("Einwilligung am"))
    created_at = models.DateTimeField(_("eingegangen"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    handled_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erledigt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Interessensbekundung")
        verbose_name_plural = _("Interessensbekundungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} → {self.forum}"


class Beitrag(models.Model):
    """An entry in a forum's collection: what exists, what is missing, what could help."""

    class Art(models.TextChoices):
        BESTAND = "bestand", _("Bestand")
        BEDARF = "bedarf", _("Bedarf")
        LOESUNGSANSATZ = "loesungsansatz", _("Lösungsansatz")

    class Status(models.TextChoices):
        OFFEN = "offen", _("offen")
        IN_BEARBEITUNG = "in_bearbeitung", _("in Bearbeitung")
        AUFGEGRIFFEN = "aufgegriffen", _("aufgegriffen")
        ERLEDIGT = "erledigt", _("erledigt")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="beitraege")
    art = models.CharField(_("Art"), max_length=20, choices=Art.choices)
    title = DeutschCharField(_("Titel"), max_length=200)
    text = models.TextField(
        _("Beschreibung"),
        blank=True,
        max_length=20000,
        help_text=_("Markdown: **fett**, *kursiv*, Listen mit „-“, Links als [Text](https://…)."),
    )
    lebensphasen = models.ManyToManyField(
        "netzwerk.Lebensphase", verbose_name=_("Lebensphasen"), blank=True, related_name="+"
    )
    angebot = models.ForeignKey(
        "akteure.Angebot",
        verbose_name=_("Angebot aus dem Verzeichnis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="beitraege",
        help_text=_("Nur für Bestand: das Angebot im Akteursverzeichnis, das es schon gibt."),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OFFEN
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eingetragen von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="beitraege",
    )
    created_at = models.DateTimeField(_("eingetragen"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[lebensphasen])

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["forum", "art", "status"]),
            # The overview counts each forum's recent entries.
            models.Index(fields=["forum", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("foren:beitrag-detail", kwargs={"slug": self.forum.slug, "pk": self.pk})


class Kommentar(models.Model):
    beitrag = models.ForeignKey(Beitrag, on_delete=models.CASCADE, related_name="kommentare")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("Kommentar"), max_length=5000)
    created_at = models.DateTimeField(_("geschrieben"), default=timezone.now)

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at"]
        # The overview counts the comments of the last 90 days, grouped by forum.
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class Abstimmung(models.Model):
    """A dot-voting round: each member spreads N points over the entries, at most M on one."""

    class Status(models.TextChoices):
        OFFEN = "offen", _("offen")
        GESCHLOSSEN = "geschlossen", _("geschlossen")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="abstimmungen")
    title = models.CharField(_("Titel"), max_length=200)
    punkte = models.PositiveSmallIntegerField(
        _("Punkte pro Mitglied"), help_text=_("So viele Punkte verteilt jedes Mitglied.")
    )
    max_pro_beitrag = models.PositiveSmallIntegerField(
        _("höchstens Punkte pro Beitrag"),
        help_text=_("So viele Punkte darf ein Mitglied höchstens auf einen Beitrag setzen."),
    )
    beitraege = models.ManyToManyField(Beitrag, verbose_name=_("Beiträge"), related_name="+")
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.OFFEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("geöffnet"), default=timezone.now)
    closed_at = models.DateTimeField(_("geschlossen"), null=True, blank=True)
    # The ranking as it stood at closing, kept with the round even if entries change later.
    ergebnis = models.JSONField(_("Ergebnis"), default=list, blank=True)

    class Meta:
        verbose_name = _("Abstimmung")
        verbose_name_plural = _("Abstimmungen")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("foren:abstimmung-detail", kwargs={"slug": self.forum.slug, "pk": self.pk})

    @property
    def is_offen(self) -> bool:
        return self.status == self.Status.OFFEN


class Stimme(models.Model):
    abstimmung = models.ForeignKey(Abstimmung, on_delete=models.CASCADE, related_name="stimmen")
    beitrag = models.ForeignKey(Beitrag, on_delete=models.CASCADE, related_name="stimmen")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    punkte = models.PositiveSmallIntegerField(_("Punkte"))

    class Meta:
        verbose_name = _("Stimme")
        verbose_name_plural = _("Stimmen")
        constraints = [
            models.UniqueConstraint(
                fields=["abstimmung", "beitrag", "user"], name="stimme_einmal_pro_beitrag"
            ),
            models.CheckConstraint(condition=Q(punkte__gt=0), name="stimme_punkte_positiv"),
        ]

    def __str__(self) -> str:
        return f"{self.punkte} → {self.beitrag_id}"


def _dokument_path(instance: "Dokument", filename: str) -> str:
    # The stored name never comes from the uploader: no path tricks, no guessable names.
    return f"foren/{instance.forum_id}/{uuid4().hex}.{instance.endung}"


class Dokument(models.Model):
    class Art(models.TextChoices):
        PROTOKOLL = "protokoll", _("Protokoll")
        DATEI = "datei", _("sonstiges Dokument")

    class Sichtbarkeit(models.TextChoices):
        MEMBERS = "members", _("nur für Mitglieder")
        PUBLIC = "public", _("für alle, die das Forum sehen")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="dokumente")
    title = models.CharField(_("Titel"), max_length=200)
    art = models.CharField(_("Art"), max_length=12, choices=Art.choices, default=Art.DATEI)
    file = models.FileField(_("Datei"), upload_to=_dokument_path)
    original_name = models.CharField(_("ursprünglicher Dateiname"), max_length=255)
    content_type = models.CharField(_("Dateityp"), max_length=100)
    endung = models.CharField(_("Endung"), max_length=5)
    size = models.PositiveIntegerField(_("Größe in Bytes"))
    visibility = models.CharField(
        _("Sichtbarkeit"),
        max_length=10,
        choices=Sichtbarkeit.choices,
        default=Sichtbarkeit.MEMBERS,
    )
    veranstaltung = models.ForeignKey(
        "konferenzen.Veranstaltung",
        verbose_name=_("Sitzung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dokumente",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("hochgeladen"), default=timezone.now)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("foren:dokument-download", kwargs={"slug": self.forum.slug, "pk": self.pk})
