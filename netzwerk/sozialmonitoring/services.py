from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..text import unique_slug
from .models import Indikator

FELDER = (
    "name", "einheit", "quelle", "beschreibung", "art", "lebensphase", "richtung",
    "zaehlt_personen",
)  # fmt: skip


def _name(name: str, ausser: int | None = None) -> str:
    name = " ".join(name.split())
    doppelt = Indikator.objects.filter(name__iexact=name).exclude(pk=ausser).first()
    if doppelt is not None:
        raise ValidationError(
            {"name": _("Einen Indikator „%(name)s“ gibt es schon.") % {"name": doppelt.name}}
        )
    return name


def _speichern(indikator: Indikator) -> Indikator:
    try:
        with transaction.atomic():
            indikator.save()
    except IntegrityError as error:  # the same name, entered at the same moment
        raise ValidationError(
            {"name": _("Einen Indikator „%(name)s“ gibt es schon.") % {"name": indikator.name}}
        ) from error
    return indikator


def _regeln(daten: dict) -> dict:
    """A population is a number of persons: its small values are suppressed like any count."""
    if daten.get("art") == Indikator.Art.BEVOELKERUNG:
        daten["zaehlt_personen"] = True
    return daten


def indikator_create(**daten) -> Indikator:
    daten = _regeln(daten)
    daten["name"] = _name(daten["name"])
    indikator = Indikator(**daten)
    indikator.slug = unique_slug(Indikator, daten["name"], "indikator", cut=110, reserved=("neu",))
    return _speichern(indikator)


def indikator_update(*, indikator: Indikator, **daten) -> Indikator:
    """The slug stays: links to the indicator keep working after a rename."""
    daten = _regeln(daten)
    daten["name"] = _name(daten["name"], ausser=indikator.pk)
    zaehlte = indikator.zaehlt_personen
    for key, value in daten.items():
        setattr(indikator, key, value)
    with transaction.atomic():
        indikator = _speichern(indikator)
        if indikator.zaehlt_personen and not zaehlte:
            # Counting persons from now on: what was stored as a figure below the threshold goes.
            indikator.werte.filter(wert__lt=settings.SOZIALMONITORING_MINDESTZAHL).update(
                wert=None, unterdrueckt=True
            )
    return indikator


def indikator_delete(*, indikator: Indikator) -> None:
    """The indicator with all its values and imports."""
    indikator.delete()
