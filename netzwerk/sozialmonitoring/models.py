from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..sortierung import DeutschCharField, deutsch


class Indikator(models.Model):
    """A figure the statistics office keeps per Sozialraum and year: a need (a quota, a share of
    the school-entry examination) or a population (the children of a life phase, the divisor of
    "offers per 1,000 children")."""

    class Art(models.TextChoices):
        BEDARF = "bedarf", _("Bedarf")
        BEVOELKERUNG = "bevoelkerung", _("Bevölkerung einer Lebensphase")

    class Richtung(models.TextChoices):
        MEHR_BEDARF = "hoch", _("Ein höherer Wert bedeutet mehr Bedarf")
        WENIGER_BEDARF = "niedrig", _("Ein höherer Wert bedeutet weniger Bedarf")

    name = DeutschCharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=120, unique=True)
    einheit = models.CharField(_("Einheit"), max_length=40, help_text=_("zum Beispiel %, Kinder"))
    quelle = models.CharField(
        _("Quelle"),
        max_length=300,
        help_text=_("Wer die Zahlen erhebt, zum Beispiel: Statistikstelle, Sozialbericht 2024"),
    )
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    art = models.CharField(_("Art"), max_length=20, choices=Art.choices, default=Art.BEDARF)
    richtung = models.CharField(
        _("Was ein höherer Wert bedeutet"),
        max_length=10,
        choices=Richtung.choices,
        default=Richtung.MEHR_BEDARF,
    )
    # For a population: the life phase whose children it counts (offers of that phase per 1,000).
    lebensphase = models.ForeignKey(
        "netzwerk.Lebensphase",
        verbose_name=_("Lebensphase"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The value is itself a number of persons (a population, a count of cases): a value below
    # SOZIALMONITORING_MINDESTZAHL is suppressed on import, as is any value whose row names
    # fewer persons in its "Anzahl" column.
    zaehlt_personen = models.BooleanField(_("Der Wert ist eine Zahl von Personen"), default=False)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["position", deutsch("name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("netzwerk:indikator-detail", kwargs={"slug": self.slug})

    @property
    def mehr_ist_bedarf(self) -> bool:
        return self.richtung == self.Richtung.MEHR_BEDARF


class IndikatorWert(models.Model):
    """One figure of one Sozialraum in one year. A suppressed one has no value: the group was
    smaller than the threshold, and the figure never reaches a page, a PDF or an export."""

    indikator = models.ForeignKey(Indikator, on_delete=models.CASCADE, related_name="werte")
    sozialraum = models.ForeignKey(
        "netzwerk.Sozialraum", on_delete=models.CASCADE, related_name="indikatorwerte"
    )
    jahr = models.PositiveSmallIntegerField(_("Jahr"))
    wert = models.DecimalField(_("Wert"), max_digits=14, decimal_places=2, null=True, blank=True)
    unterdrueckt = models.BooleanField(_("unterdrückt (zu kleine Gruppe)"), default=False)
    importiert_am = models.DateTimeField(_("importiert am"), default=timezone.now)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Indikatorwert")
        verbose_name_plural = _("Indikatorwerte")
        ordering = ["indikator", "sozialraum", "jahr"]
        constraints = [
            models.UniqueConstraint(
                fields=["indikator", "sozialraum", "jahr"], name="indikatorwert_einmal_je_jahr"
            ),
            models.CheckConstraint(
                condition=models.Q(unterdrueckt=False) | models.Q(wert__isnull=True),
                name="indikatorwert_unterdrueckt_ohne_wert",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indikator} {self.sozialraum} {self.jahr}"


class IndikatorImport(models.Model):
    """An upload checked and waiting for the coordinator's word: the checked rows are kept here,
    so the preview and the import read the same figures; all or nothing."""

    indikator = models.ForeignKey(Indikator, on_delete=models.CASCADE, related_name="importe")
    dateiname = models.CharField(_("Datei"), max_length=255)
    zeilen = models.JSONField(_("geprüfte Zeilen"), default=list)
    fehler = models.JSONField(_("Fehler"), default=list)
    hinweise = models.JSONField(_("Hinweise"), default=list)
    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    erstellt_am = models.DateTimeField(_("hochgeladen am"), default=timezone.now)
    uebernommen_am = models.DateTimeField(_("übernommen am"), null=True, blank=True)

    class Meta:
        app_label = "netzwerk"
        verbose_name = _("Indikator-Import")
        verbose_name_plural = _("Indikator-Importe")
        ordering = ["-erstellt_am"]

    def __str__(self) -> str:
        return f"{self.indikator}: {self.dateiname}"
