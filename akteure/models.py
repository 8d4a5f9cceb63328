import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from netzwerk.felder import LinkField
from netzwerk.models import Vokabular
from netzwerk.sortierung import DeutschCharField, deutsch


class Organisationstyp(Vokabular):
    class Meta(Vokabular.Meta):
        verbose_name = _("Organisationstyp")
        verbose_name_plural = _("Organisationstypen")


class Organisation(models.Model):
    # Its identity in open data (HSDS organization.id), stable across renames.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = DeutschCharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=200, unique=True)
    typ = models.ForeignKey(
        Organisationstyp, verbose_name=_("Typ"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("Kurzbeschreibung"), blank=True)
    sozialraum = models.ForeignKey(
        "netzwerk.Sozialraum",
        verbose_name=_("Sozialraum"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    # WGS 84 (EPSG:4326), as a map app shows them; the Sozialraum follows from them when unset.
    breite = models.DecimalField(
        _("Breitengrad"), max_digits=8, decimal_places=6, null=True, blank=True,
        help_text=_("z. B. 51,513400"),
    )  # fmt: skip
    laenge = models.DecimalField(
        _("Längengrad"), max_digits=9, decimal_places=6, null=True, blank=True,
        help_text=_("z. B. 7,465300"),
    )  # fmt: skip
    website = LinkField(_("Website"), blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    logo = models.FileField(_("Logo"), upload_to="logos/", blank=True)
    # Kept by a PostgreSQL trigger (migration 0008) from name and description; empty on SQLite.
    suchvektor = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["logo", "suchvektor"])

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = [deutsch("name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("akteure:organisation-detail", kwargs={"slug": self.slug})


class PersonQuerySet(models.QuerySet):
    def with_public_consent(self) -> "PersonQuerySet":
        return self.filter(
            Exists(
                Einwilligung.objects.filter(
                    person=OuterRef("pk"),
                    purpose=Einwilligung.Zweck.VERZEICHNIS,
                    withdrawn_at__isnull=True,
                )
            )
        )

    def active(self) -> "PersonQuerySet":
        return self.filter(anonymized_at__isnull=True)


class Person(models.Model):
    """A contact person of an organisation, optionally the person behind an account.

    Where a person may appear is decided by their consent records (Einwilligung).
    """

    first_name = DeutschCharField(_("Vorname"), max_length=100)
    last_name = DeutschCharField(_("Nachname"), max_length=100)
    function = models.CharField(_("Funktion"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="personen",
    )
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzerkonto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    last_activity_at = models.DateTimeField(_("zuletzt aktiv"), null=True, blank=True)
    anonymized_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = [deutsch("last_name"), deutsch("first_name")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Einwilligung(models.Model):
    """A consent record: what for, when, how it was given, and whether it was withdrawn."""

    class Zweck(models.TextChoices):
        VERZEICHNIS = "verzeichnis", _("Nennung im öffentlichen Verzeichnis")
        TEILNEHMENDENLISTE = "teilnehmendenliste", _("Nennung auf Teilnehmendenlisten")
        NEWSLETTER = "newsletter", _("Rundbriefe und Einladungen")

    class Weg(models.TextChoices):
        FORMULAR = "formular", _("Online-Formular")
        SCHRIFTLICH = "schriftlich", _("schriftlich")
        EMAIL = "email", _("per E-Mail")
        MUENDLICH = "muendlich", _("mündlich, dokumentiert")
        IMPORT = "import", _("aus Import übernommen")

    person = models.ForeignKey(
        Person, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="einwilligungen"
    )
    purpose = models.CharField(_("Zweck"), max_length=30, choices=Zweck.choices)
    given_at = models.DateTimeField(_("erteilt am"), default=timezone.now)
    method = models.CharField(_("Weg"), max_length=20, choices=Weg.choices)
    note = models.CharField(_("Vermerk"), max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Einwilligung")
        verbose_name_plural = _("Einwilligungen")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_at:%d.%m.%Y})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


def stale_before(now=None):
    """Offers last confirmed before this moment are stale."""
    return (now or timezone.now()) - timedelta(days=settings.ANGEBOT_STALE_AFTER_DAYS)


class AngebotQuerySet(models.QuerySet):
    def current(self, now=None) -> "AngebotQuerySet":
        return self.filter(confirmed_at__gte=stale_before(now))

    def stale(self, now=None) -> "AngebotQuerySet":
        return self.filter(confirmed_at__lt=stale_before(now))

    def for_lebensphase(self, lebensphase) -> "AngebotQuerySet":
        return self.filter(lebensphasen=lebensphase)

    def public(self) -> "AngebotQuerySet":
        return self.filter(is_public=True)

    def visible_to(self, user) -> "AngebotQuerySet":
        """Public offers for everyone; members and coordinators see the internal ones too."""
        if user.is_authenticated and user.is_approved:
            return self
        return self.public()


class Angebot(models.Model):
    """An offer of an organisation along the prevention chain."""

    class Kosten(models.TextChoices):
        KOSTENLOS = "kostenlos", _("kostenlos")
        ERMAESSIGT = "ermaessigt", _("Beitrag, Ermäßigung möglich")
        KOSTENPFLICHTIG = "kostenpflichtig", _("kostenpflichtig")

    # Its identity in open data (HSDS service.id), stable across renames.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="angebote",
    )
    title = DeutschCharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kürzel"), max_length=220, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    leichte_sprache = models.TextField(
        _("Kurz in Leichter Sprache"), blank=True, max_length=1000,
        help_text=_("Kurze Sätze, ein Gedanke je Satz. Der Wegweiser zeigt den Text, wenn "
                    "jemand Leichte Sprache wählt."),
    )  # fmt: skip
    barrierefrei = models.BooleanField(
        _("barrierefreier Zugang"), default=False,
        help_text=_("Stufenlos erreichbar, mit Rollstuhl nutzbar."),
    )  # fmt: skip
    lebensphasen = models.ManyToManyField(
        "netzwerk.Lebensphase", verbose_name=_("Lebensphasen"), related_name="angebote"
    )
    handlungsfelder = models.ManyToManyField(
        "netzwerk.Handlungsfeld", verbose_name=_("Handlungsfelder"), related_name="angebote"
    )
    zielgruppen = models.ManyToManyField(
        "netzwerk.Zielgruppe", verbose_name=_("Zielgruppen"), blank=True, related_name="angebote"
    )
    sozialraum = models.ForeignKey(
        "netzwerk.Sozialraum",
        verbose_name=_("Sozialraum"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="angebote",
    )
    languages = models.CharField(
        _("Sprachen"), max_length=200, blank=True, help_text=_("z. B. Deutsch, Türkisch, Arabisch")
    )
    # The same as terms of the vocabulary (filters, the public guide); `languages` keeps what was
    # typed before the vocabulary existed.
    sprachen = models.ManyToManyField(
        "netzwerk.Sprache", verbose_name=_("Sprachen"), blank=True, related_name="angebote"
    )
    cost = models.CharField(
        _("Kosten"), max_length=20, choices=Kosten.choices, default=Kosten.KOSTENLOS
    )
    contact = models.ForeignKey(
        Person,
        verbose_name=_("Ansprechperson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="angebote",
    )
    website = LinkField(_("Website"), blank=True)
    is_public = models.BooleanField(_("öffentlich sichtbar"), default=True)
    confirmed_at = models.DateTimeField(_("zuletzt bestätigt"), default=timezone.now)
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    # Kept by a PostgreSQL trigger (migration 0008) from title and description; empty on SQLite.
    suchvektor = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["reminder_sent_at", "updated_at", "suchvektor"])
    objects = AngebotQuerySet.as_manager()

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = [deutsch("title")]
        indexes = [
            models.Index(fields=["confirmed_at"]),
            models.Index(fields=["title"]),  # the directory's order: a page is an index scan
            # The public list's count ("N Angebote gefunden") and its join for the filtered
            # counts: an index-only scan of the public offers, not a scan of the wide table.
            models.Index(
                fields=["id"], condition=models.Q(is_public=True), name="akteure_angebot_oeffentl"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("akteure:angebot-detail", kwargs={"slug": self.slug})

    def is_stale(self, now=None) -> bool:
        return self.confirmed_at < stale_before(now)


class Angebotszeit(models.Model):
    """When an offer takes place: a weekday with a start and an end (HSDS schedule)."""

    class Wochentag(models.IntegerChoices):
        MONTAG = 0, _("Montag")
        DIENSTAG = 1, _("Dienstag")
        MITTWOCH = 2, _("Mittwoch")
        DONNERSTAG = 3, _("Donnerstag")
        FREITAG = 4, _("Freitag")
        SAMSTAG = 5, _("Samstag")
        SONNTAG = 6, _("Sonntag")

    angebot = models.ForeignKey(Angebot, on_delete=models.CASCADE, related_name="zeiten")
    wochentag = models.PositiveSmallIntegerField(_("Wochentag"), choices=Wochentag.choices)
    beginn = models.TimeField(_("von"))
    ende = models.TimeField(_("bis"))

    class Meta:
        verbose_name = _("Angebotszeit")
        verbose_name_plural = _("Angebotszeiten")
        ordering = ["wochentag", "beginn"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ende__gt=models.F("beginn")),
                name="angebotszeit_ende_nach_beginn",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_wochentag_display()} {self.beginn:%H:%M}–{self.ende:%H:%M}"


class Angebotsuebersetzung(models.Model):
    """An offer's title and description in a language of the family guide. A translation table
    rather than django-modeltranslation or parler: four languages, two fields, one model; no
    column per language and no second library on every query of the registry."""

    class Sprache(models.TextChoices):
        ENGLISCH = "en", "English"
        TUERKISCH = "tr", "Türkçe"
        ARABISCH = "ar", "العربية"
        UKRAINISCH = "uk", "Українська"

    angebot = models.ForeignKey(Angebot, on_delete=models.CASCADE, related_name="uebersetzungen")
    sprache = models.CharField(_("Sprache"), max_length=5, choices=Sprache.choices)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Übersetzung eines Angebots")
        verbose_name_plural = _("Übersetzungen von Angeboten")
        constraints = [
            models.UniqueConstraint(fields=["angebot", "sprache"], name="uebersetzung_einmal")
        ]

    def __str__(self) -> str:
        return f"{self.angebot} ({self.sprache})"


class Wegweiserheft(models.Model):
    """The printed family guide: a PDF for one Sozialraum or the whole town, rendered by the
    worker and kept like a Sachstandsbericht."""

    class Status(models.TextChoices):
        WARTET = "wartet", _("wartet")
        LAEUFT = "laeuft", _("wird erstellt")
        FERTIG = "fertig", _("fertig")
        FEHLER = "fehler", _("fehlgeschlagen")

    sozialraum = models.ForeignKey(
        "netzwerk.Sozialraum", verbose_name=_("Sozialraum"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Leer: die ganze Stadt."),
    )  # fmt: skip
    status = models.CharField(
        _("Stand"), max_length=10, choices=Status.choices, default=Status.WARTET
    )
    datei = models.FileField(_("PDF"), upload_to="wegweiser/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    seiten = models.PositiveIntegerField(_("Seiten"), default=0)
    angebote = models.PositiveIntegerField(_("Angebote"), default=0)
    fehler = models.TextField(_("Fehler"), blank=True)
    # Who the file names (the pks of the consenting contact persons it prints): a withdrawn
    # consent or an erasure finds the booklets to replace without opening any PDF.
    kontakte = models.JSONField(_("genannte Kontaktpersonen"), default=list, blank=True,
                                editable=False)  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bestellt von"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("bestellt am"), default=timezone.now)
    started_at = models.DateTimeField(_("begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Wegweiser-Heft")
        verbose_name_plural = _("Wegweiser-Hefte")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.sozialraum or _("ganze Stadt"))


class Import(models.Model):
    """A coordinator's import of organisations, persons or offers from CSV or XLSX."""

    class Art(models.TextChoices):
        ORGANISATIONEN = "organisationen", _("Organisationen")
        PERSONEN = "personen", _("Ansprechpersonen")
        ANGEBOTE = "angebote", _("Angebote")

    class Status(models.TextChoices):
        HOCHGELADEN = "hochgeladen", _("hochgeladen")
        GEPRUEFT = "geprueft", _("geprüft, bereit")
        LAEUFT = "laeuft", _("läuft")
        FERTIG = "fertig", _("fertig")
        FEHLGESCHLAGEN = "fehlgeschlagen", _("fehlgeschlagen")

    art = models.CharField(_("Was"), max_length=20, choices=Art.choices)
    file = models.FileField(_("Datei"), upload_to="imports/")
    filename = models.CharField(_("Dateiname"), max_length=255)
    headers = models.JSONField(_("Spalten"), default=list)
    mapping = models.JSONField(_("Zuordnung"), default=dict)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.HOCHGELADEN
    )
    rows_total = models.PositiveIntegerField(_("Zeilen"), default=0)
    created = models.PositiveIntegerField(_("angelegt"), default=0)
    skipped = models.PositiveIntegerField(_("übersprungen (Dubletten)"), default=0)
    message = models.TextField(_("Meldung"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("hochgeladen am"), default=timezone.now)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_art_display()}: {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("akteure:import-detail", kwargs={"pk": self.pk})


def _einladung_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class Organisationseinladung(models.Model):
    """A coordinator's approval in advance: the first account that accepts the link becomes a
    partner of the organisation; the link works once, and not after `expires_at`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="einladungen"
    )
    token = models.CharField(max_length=64, unique=True, default=_einladung_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now)
    expires_at = models.DateTimeField(_("gültig bis"))
    used_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("Einladungslink einer Organisation")
        verbose_name_plural = _("Einladungslinks von Organisationen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.created_at:%d.%m.%Y})"


class Datenschutzantrag(models.Model):
    """A person's own request to erase their data (Art. 17 DSGVO), reviewed by coordination
    within the legal month (Art. 12(3))."""

    class Status(models.TextChoices):
        OFFEN = "offen", _("offen")
        ERLEDIGT = "erledigt", _("gelöscht")
        ABGELEHNT = "abgelehnt", _("abgelehnt")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
        related_name="datenschutzantraege",
    )  # fmt: skip
    message = models.TextField(_("Anmerkung"), blank=True, max_length=2000)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.OFFEN
    )
    created_at = models.DateTimeField(_("gestellt am"), default=timezone.now)
    deadline = models.DateField(_("zu erledigen bis"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    answer = models.TextField(_("Begründung"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("Löschantrag")
        verbose_name_plural = _("Löschanträge")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="offen"), name="ein_offener_antrag"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"
