"""Veranstaltungen. This is the part the forums need (their sessions); invitations, registration
and working groups follow with the Konferenzen capability."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Veranstaltung(models.Model):
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
    title = models.CharField(_("Titel"), max_length=200)
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    place = models.CharField(_("Ort"), max_length=300, blank=True)
    online_url = models.URLField(_("Online-Link"), blank=True)
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
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["start"]
        indexes = [models.Index(fields=["forum", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="veranstaltung_ende_nach_beginn",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.start):%d.%m.%Y})"
