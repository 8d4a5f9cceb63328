"""Veranstaltungen with working groups and registrations that never overbook.

Capacity is computed from the rows (confirmed registrations) while the event's row is locked, never
kept as a counter (konferenzen.services.anmeldung_create).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from netzwerk.felder import LinkField
from netzwerk.sortierung import DeutschCharField, deutsch


def abfragen_standard() -> list[str]:
    return ["needs", "on_list"]


class Veranstaltung(models.Model):
    # What the registration form asks beyond name, address and working group.
    ABFRAGEN = [
        ("needs", _("Barrierefreiheit, Ernährung")),
        ("on_list", _("Name auf der Teilnehmendenliste")),
        ("comment", _("Anmerkung oder Frage an das Team")),
    ]

    class Art(models.TextChoices):
        NETZWERKTREFFEN = "netzwerktreffen", _("Netzwerktreffen")
        WORKSHOP = "workshop", _("Workshop")
        PRAEVENTIONSKONFERENZ = "praeventionskonferenz", _("Präventionskonferenz")
        FORUMSSITZUNG = "forumssitzung", _("Forumssitzung")
        GREMIENSITZUNG = "gremiensitzung", _("Gremiensitzung")

    class Sichtbarkeit(models.TextChoices):
        PUBLIC = "public", _("öffentlich")
        MEMBERS = "members", _("für Mitglieder")
        INVITED = "invited", _("nur für Eingeladene")

    art = models.CharField(_("Art"), max_length=30, choices=Art.choices)
    title = DeutschCharField(_("Titel"), max_length=200)
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    place = models.CharField(_("Ort"), max_length=300, blank=True)
    room = models.CharField(_("Raum"), max_length=200, blank=True)
    accessibility = models.TextField(
        _("Barrierefreiheit"),
        blank=True,
        help_text=_("Zugang, Aufzug, Toiletten, Induktionsschleife, Gebärdensprache ..."),
    )
    online_url = LinkField(_("Online-Link"), blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    forum = models.ForeignKey(
        "foren.Forum",
        verbose_name=_("Forum"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="veranstaltungen",
    )
    visibility = models.CharField(
        _("Sichtbarkeit"),
        max_length=10,
        choices=Sichtbarkeit.choices,
        default=Sichtbarkeit.MEMBERS,
    )
    registration_opens = models.DateTimeField(_("Anmeldung ab"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("Anmeldung bis"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("Plätze"), null=True, blank=True, help_text=_("Leer: ohne Begrenzung.")
    )
    abfragen = models.JSONField(
        _("Bei der Anmeldung fragen"), default=abfragen_standard, blank=True
    )
    # Dates of one series (a forum meeting every n weeks) share this key; each stays editable.
    serie = models.UUIDField(_("Serie"), null=True, blank=True, db_index=True, editable=False)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)
    cancel_reason = models.TextField(_("Grund der Absage"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)
    # Set once when the reminder before the start went out (konferenzen.tasks.send_reminders).
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet"), null=True, blank=True)

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["start", deutsch("title")]
        indexes = [models.Index(fields=["forum", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="veranstaltung_ende_nach_beginn",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.start):%d.%m.%Y})"

    def get_absolute_url(self) -> str:
        return reverse("konferenzen:veranstaltung-detail", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def is_registration_open(self, now) -> bool:
        if self.cancelled_at is not None:
            return False
        if self.registration_opens and now < self.registration_opens:
            return False
        closes = self.registration_closes or self.start
        return now < closes


class Tagesordnungspunkt(models.Model):
    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="tagesordnung"
    )
    time = models.TimeField(_("Beginn"), null=True, blank=True)
    end_time = models.TimeField(_("Ende"), null=True, blank=True)
    title = models.CharField(_("Thema"), max_length=300)
    speaker = models.CharField(_("Wer"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnung")
        ordering = ["position", "time"]

    def __str__(self) -> str:
        return self.title


class Arbeitsgruppe(models.Model):
    """A parallel working group; a registration takes at most one per time slot (Runde)."""

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="arbeitsgruppen"
    )
    name = DeutschCharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    runde = models.PositiveSmallIntegerField(
        _("Zeitfenster"), default=1, help_text=_("Gruppen im selben Zeitfenster laufen parallel.")
    )
    capacity = models.PositiveIntegerField(_("Plätze"), null=True, blank=True)

    class Meta:
        verbose_name = _("Arbeitsgruppe")
        verbose_name_plural = _("Arbeitsgruppen")
        ordering = ["runde", deutsch("name")]

    def __str__(self) -> str:
        return self.name


def _token() -> str:
    return secrets.token_urlsafe(24)


class Anmeldung(models.Model):
    class Status(models.TextChoices):
        BESTAETIGT = "bestaetigt", _("bestätigt")
        WARTELISTE = "warteliste", _("Warteliste")
        STORNIERT = "storniert", _("abgesagt")
        TEILGENOMMEN = "teilgenommen", _("teilgenommen")

    AKTIV = (Status.BESTAETIGT, Status.WARTELISTE, Status.TEILGENOMMEN)
    # The registrations that hold a seat.
    BELEGT = (Status.BESTAETIGT, Status.TEILGENOMMEN)

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="anmeldungen"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="anmeldungen",
    )
    # Who filled in the form: the person, or a colleague who registered their organisation's
    # delegates in one go.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail-Adresse"))
    organisation = models.ForeignKey(
        "akteure.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="anmeldungen",
    )
    organisation_name = models.CharField(_("Organisation (frei)"), max_length=200, blank=True)
    arbeitsgruppen = models.ManyToManyField(
        Arbeitsgruppe, verbose_name=_("Arbeitsgruppen"), blank=True, related_name="anmeldungen"
    )
    needs = models.TextField(
        _("Barrierefreiheit, Ernährung"),
        blank=True,
        max_length=1000,
        help_text=_("Zum Beispiel Gebärdensprache, rollstuhlgerechter Platz, vegetarisch."),
    )
    comment = models.TextField(_("Anmerkung oder Frage an das Team"), blank=True, max_length=1000)
    on_list = models.BooleanField(
        _("Name auf der Teilnehmendenliste"),
        default=False,
        help_text=_("Ihr Name und Ihre Organisation erscheinen auf der Liste für alle."),
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.BESTAETIGT
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(_("angemeldet"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)
    attended_at = models.DateTimeField(_("anwesend seit"), null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "pk"]
        constraints = [
            # One active registration per address and event: a double click or a repeated POST
            # finds the first one instead of making a second.
            models.UniqueConstraint(
                fields=["veranstaltung", "email"],
                condition=Q(status__in=["bestaetigt", "warteliste", "teilgenommen"]),
                name="anmeldung_einmal_aktiv",
            )
        ]
        indexes = [models.Index(fields=["veranstaltung", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} – {self.veranstaltung}"

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name


class Einlassbuchung(models.Model):
    """One check-in or its undo at the door: who did it and when (the day's page and the
    statistics read these)."""

    class Aktion(models.TextChoices):
        EINLASS = "einlass", _("eingelassen")
        ZURUECK = "zurueck", _("Einlass zurückgenommen")

    anmeldung = models.ForeignKey(Anmeldung, on_delete=models.CASCADE, related_name="einlass")
    aktion = models.CharField(_("Aktion"), max_length=10, choices=Aktion.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("durch"),
    )  # fmt: skip
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)

    class Meta:
        verbose_name = _("Einlassbuchung")
        verbose_name_plural = _("Einlassbuchungen")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.anmeldung}: {self.get_aktion_display()}"


class Kalenderabo(models.Model):
    """The secret address of a person's own calendar feed (their registrations). A new token
    makes the old address useless, should it have been passed on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kalenderabo"
    )
    token = models.CharField(max_length=64, unique=True, default=_token)

    class Meta:
        verbose_name = _("Kalenderabo")
        verbose_name_plural = _("Kalenderabos")

    def __str__(self) -> str:
        return str(self.user)


class Versand(models.Model):
    """One sending of invitations or reminders to them, done by a Celery task in chunks; its
    counters feed the progress bar."""

    class Art(models.TextChoices):
        EINLADUNG = "einladung", _("Einladungen")
        ERINNERUNG = "erinnerung", _("Erinnerungen")

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="versande"
    )
    art = models.CharField(_("Art"), max_length=12, choices=Art.choices)
    label = models.CharField(_("Empfängerkreis"), max_length=300)
    total = models.PositiveIntegerField(_("Empfänger"), default=0)
    queued = models.PositiveIntegerField(_("in den Postausgang gelegt"), default=0)
    # Invitations still to be written by the worker (the request stores them here and returns);
    # empty once they are rows.
    recipients = models.JSONField(default=list, blank=True)
    # The run's own mails: its progress stays its own when a later reminder reaches the same
    # invitations.
    mails = models.ManyToManyField("netzwerk.Mail", related_name="+", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)
    finished_at = models.DateTimeField(_("fertig"), null=True, blank=True)

    class Meta:
        verbose_name = _("Versand")
        verbose_name_plural = _("Versände")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_art_display()}: {self.label}"


class Einladung(models.Model):
    """A personal invitation: the token in its link lets the person register without an account
    (and see an event for invited people only)."""

    class Status(models.TextChoices):
        OFFEN = "offen", _("offen")
        ANGENOMMEN = "angenommen", _("zugesagt")
        ABGELEHNT = "abgelehnt", _("abgesagt")

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="einladungen"
    )
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"))
    organisation = models.ForeignKey(
        "akteure.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation_name = models.CharField(_("Organisation (frei)"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="einladungen",
    )  # fmt: skip
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.OFFEN
    )
    anmeldung = models.ForeignKey(
        Anmeldung, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    versand = models.ForeignKey(
        Versand, on_delete=models.SET_NULL, null=True, related_name="einladungen"
    )
    mail = models.ForeignKey(
        "netzwerk.Mail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    erinnerung = models.ForeignKey(
        Versand, on_delete=models.SET_NULL, null=True, blank=True, related_name="erinnerungen"
    )
    erinnerung_mail = models.ForeignKey(
        "netzwerk.Mail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)
    sent_at = models.DateTimeField(_("versandt"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("erinnert"), null=True, blank=True)
    answered_at = models.DateTimeField(_("beantwortet"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["veranstaltung", "email"], name="einladung_einmal")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email} – {self.veranstaltung}"


class Protokoll(models.Model):
    """Minutes and results of an event, or of one of its working groups (Markdown)."""

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="protokolle"
    )
    arbeitsgruppe = models.ForeignKey(
        Arbeitsgruppe, on_delete=models.CASCADE, null=True, blank=True, related_name="protokolle"
    )
    text = models.TextField(_("Protokoll und Ergebnisse"), blank=True, max_length=50_000)
    updated_at = models.DateTimeField(_("geändert"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Protokoll")
        verbose_name_plural = _("Protokolle")
        constraints = [
            models.UniqueConstraint(
                fields=["veranstaltung", "arbeitsgruppe"], name="protokoll_einmal_je_gruppe"
            ),
            models.UniqueConstraint(
                fields=["veranstaltung"],
                condition=Q(arbeitsgruppe__isnull=True),
                name="protokoll_einmal_je_veranstaltung",
            ),
        ]

    def __str__(self) -> str:
        return str(self.arbeitsgruppe or self.veranstaltung)


def _protokoll_pfad(instance, filename: str) -> str:
    return f"konferenzen/{instance.protokoll.veranstaltung_id}/{secrets.token_hex(16)}"


class Protokolldokument(models.Model):
    """A document with the minutes (slides, photo of a flip chart, results table)."""

    protokoll = models.ForeignKey(Protokoll, on_delete=models.CASCADE, related_name="dokumente")
    file = models.FileField(_("Datei"), upload_to=_protokoll_pfad)
    filename = models.CharField(_("Dateiname"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("hochgeladen"), default=timezone.now)

    class Meta:
        verbose_name = _("Dokument zum Protokoll")
        verbose_name_plural = _("Dokumente zum Protokoll")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename


def _druck_pfad(instance, filename: str) -> str:
    return f"konferenzen/{instance.veranstaltung_id}/druck-{secrets.token_hex(16)}.pdf"


class Druck(models.Model):
    """A PDF to print (signature sheet, public list, badges), rendered by the worker after the
    request that asked for it (konferenzen.einlass.druck_render); the page shows it when ready."""

    class Art(models.TextChoices):
        UNTERSCHRIFTENLISTE = "unterschriften", _("Unterschriftenliste nach Arbeitsgruppen")
        TEILNEHMERLISTE = "teilnehmende", _("Teilnehmendenliste zum Auslegen")
        NAMENSSCHILDER = "namensschilder", _("Namensschilder mit QR-Code")

    class Status(models.TextChoices):
        WARTET = "wartet", _("wird erstellt")
        FERTIG = "fertig", _("fertig")
        FEHLER = "fehler", _("fehlgeschlagen")

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="drucke"
    )
    art = models.CharField(_("Was"), max_length=20, choices=Art.choices)
    runde = models.PositiveSmallIntegerField(_("Zeitfenster"), null=True, blank=True)
    # The language the PDF was asked for in (the portal's switch at that moment): the worker and
    # every later attempt render in it.
    sprache = models.CharField(
        _("Sprache"), max_length=8, default=settings.LANGUAGE_CODE, choices=settings.LANGUAGES
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.WARTET
    )
    file = models.FileField(_("Datei"), upload_to=_druck_pfad, blank=True)
    pages = models.PositiveIntegerField(_("Seiten"), null=True, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angefordert"), default=timezone.now)
    finished_at = models.DateTimeField(_("fertig um"), null=True, blank=True)

    class Meta:
        verbose_name = _("Druck")
        verbose_name_plural = _("Drucke")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_art_display()} ({self.veranstaltung})"

    @property
    def filename(self) -> str:
        return f"{self.art}-{self.veranstaltung_id}.pdf"
