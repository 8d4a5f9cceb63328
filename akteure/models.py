from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from netzwerk.models import Vokabular


class Organisationstyp(Vokabular):
    class Meta(Vokabular.Meta):
        verbose_name = _("Organisationstyp")
        verbose_name_plural = _("Organisationstypen")


class Organisation(models.Model):
    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=200, unique=True)
    typ = models.ForeignKey(
        Organisationstyp, verbose_name=_("Typ"), on_delete=models.PROTECT, related_name="+"
    )
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
    website = models.URLField(_("Website"), blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("akteure:organisation-detail", kwargs={"slug": self.slug})


class Person(models.Model):
    """A contact person of an organisation, optionally the person behind an account."""

    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
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

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
