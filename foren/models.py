from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Forum(models.Model):
    class Status(models.TextChoices):
        AKTIV = "aktiv", _("aktiv")
        RUHEND = "ruhend", _("ruhend")

    class Sichtbarkeit(models.TextChoices):
        PUBLIC = "public", _("öffentlich")
        MEMBERS = "members", _("nur für Mitglieder")

    name = models.CharField(_("Name"), max_length=200, unique=True)
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
        _("Sichtbarkeit"), max_length=10, choices=Sichtbarkeit.choices, default=Sichtbarkeit.PUBLIC
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
    )

    class Meta:
        verbose_name = _("Forum")
        verbose_name_plural = _("Foren")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("foren:forum-detail", kwargs={"slug": self.slug})
