from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..konzepte.models import Gremium, Konzept


class Sachstandsbericht(models.Model):
    """A numbered status report for a committee. Rendered once by the worker; the finished PDF is
    the snapshot of the data at that moment (`stand`) and never changes: its SHA-256 is kept and
    checked on every download."""

    class Status(models.TextChoices):
        WARTET = "wartet", _("wartet auf den Hintergrunddienst")
        LAEUFT = "laeuft", _("wird erstellt")
        FERTIG = "fertig", _("fertig")
        FEHLER = "fehler", _("fehlgeschlagen")

    class Abschnitt(models.TextChoices):
        ZUSAMMENFASSUNG = "zusammenfassung", _("Zusammenfassung")
        ZEITLEISTE = "zeitleiste", _("Zeitleiste")
        FOREN = "foren", _("Foren")
        VERANSTALTUNGEN = "veranstaltungen", _("Veranstaltungen und Teilnahme")
        MASSNAHMEN = "massnahmen", _("Maßnahmen und Fortschritt")
        PRAEVENTIONSKETTE = "praeventionskette", _("Präventionskette und Lücken")
        BEDARF = "bedarf", _("Bedarf und Angebote nach Sozialraum")
        NEUE_AKTEURE = "neue_akteure", _("Neue Organisationen und Angebote")
        AUSBLICK = "ausblick", _("Ausblick")

    nummer = models.PositiveIntegerField(_("Nummer"), unique=True)
    title = models.CharField(_("Titel"), max_length=200, default="Sachstandsbericht")
    gremium = models.ForeignKey(
        Gremium, verbose_name=_("für das Gremium"), on_delete=models.PROTECT,
        related_name="berichte",
    )  # fmt: skip
    konzept = models.ForeignKey(
        Konzept, verbose_name=_("Maßnahmen aus dem Konzept"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="berichte",
    )  # fmt: skip
    period_start = models.DateField(_("Berichtszeitraum von"))
    period_end = models.DateField(_("Berichtszeitraum bis"))
    sections = models.JSONField(_("Abschnitte"), default=list)
    # Written for the public (it may then get a public link): it names only what the portal
    # shows everybody; a committee's report also names draft concepts and members' forums.
    oeffentlich = models.BooleanField(_("für die Öffentlichkeit"), default=False)
    # The language the PDF was asked for in (the portal's switch at that moment): the worker and
    # every later attempt render in it.
    sprache = models.CharField(
        _("Sprache"), max_length=8, default=settings.LANGUAGE_CODE, choices=settings.LANGUAGES
    )
    summary = models.TextField(_("Einleitung"), blank=True, max_length=5000)
    outlook = models.TextField(_("Ausblick"), blank=True, max_length=5000)

    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.WARTET
    )
    step = models.CharField(_("Schritt"), max_length=100, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    file = models.FileField(_("Datei"), blank=True, max_length=300)
    sha256 = models.CharField(_("Prüfsumme (SHA-256)"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("Größe in Bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("Seiten"), null=True, blank=True)
    stand = models.DateTimeField(_("Datenstand"), null=True, blank=True)
    public_token = models.CharField(
        _("öffentlicher Link"), max_length=64, null=True, blank=True, unique=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angefordert"), default=timezone.now)
    # When it was last handed to the worker (a retry hands it again).
    queued_at = models.DateTimeField(_("übergeben"), default=timezone.now)
    started_at = models.DateTimeField(_("begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig um"), null=True, blank=True)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Sachstandsbericht")
        verbose_name_plural = _("Sachstandsberichte")
        ordering = ["-nummer"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="bericht_zeitraum_geordnet",
            ),
            # A finished report has its file and checksum; nothing else has a file.
            models.CheckConstraint(
                condition=(models.Q(status="fertig") & ~models.Q(file="") & ~models.Q(sha256=""))
                | (~models.Q(status="fertig") & models.Q(file="")),
                name="bericht_datei_nur_wenn_fertig",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} Nr. {self.nummer}"

    def get_absolute_url(self) -> str:
        return reverse("netzwerk:bericht-detail", kwargs={"nummer": self.nummer})

    @property
    def filename(self) -> str:
        return f"Sachstandsbericht-{self.nummer}-{self.period_end:%Y-%m-%d}.pdf"

    @property
    def section_labels(self) -> list[str]:
        labels = dict(self.Abschnitt.choices)
        return [labels[key] for key in self.sections if key in labels]
