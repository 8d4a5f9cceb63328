"""Changes to concepts: chapters saved as versions (a save on top of someone else's newer save is
refused, not lost), the status flow, the decision that freezes the text, comments and answers,
and the measures' tree that the coordination maintains before and after the decision."""

from collections.abc import Collection, Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Handlungsschwerpunkt,
    Kapitel,
    KapitelVersion,
    Kommentar,
    Konzept,
    Massnahme,
    Ziel,
)

# Forward one step at a time; back to an earlier step at any time before the decision.
FOLGT = {
    Konzept.Status.ENTWURF: Konzept.Status.BETEILIGUNG,
    Konzept.Status.BETEILIGUNG: Konzept.Status.BESCHLUSSVORLAGE,
    Konzept.Status.BESCHLUSSVORLAGE: Konzept.Status.BESCHLOSSEN,
}
REIHENFOLGE = list(Konzept.Status)


class Konflikt(ValidationError):
    """Someone saved the chapter since this form was opened: their text is `current`."""

    def __init__(self, current: Kapitel):
        super().__init__(
            _("%(wer)s hat dieses Kapitel inzwischen gespeichert (Version %(v)s). Ihr Text ist "
              "nicht verloren: er steht unten; übernehmen Sie, was fehlt, in die neue Fassung.")
            % {"wer": current.updated_by.display_name if current.updated_by else _("Jemand"),
               "v": current.version}
        )  # fmt: skip
        self.current = current


def _not_frozen(konzept: Konzept) -> None:
    if konzept.frozen:
        raise ValidationError(
            _("Das Konzept ist beschlossen; sein Text bleibt, wie er beschlossen wurde.")
        )


@transaction.atomic
def kapitel_create(*, konzept: Konzept, title: str, user) -> Kapitel:
    konzept = Konzept.objects.select_for_update().get(pk=konzept.pk)
    _not_frozen(konzept)
    position = (konzept.kapitel.aggregate(m=Max("position"))["m"] or 0) + 1
    kapitel = Kapitel.objects.create(konzept=konzept, title=title, position=position)
    return kapitel_save(kapitel=kapitel, title=title, text="", base_version=0, user=user)


@transaction.atomic
def kapitel_save(*, kapitel: Kapitel, title: str, text: str, base_version: int, user) -> Kapitel:
    """Save a new version. `base_version` is the version the editor started from: if the chapter
    has moved on since, Konflikt (with the newer text) instead of overwriting it."""
    # Only the chapter's row: PostgreSQL locks no nullable side of an outer join (updated_by).
    current = (
        Kapitel.objects.select_for_update(of=("self",))
        .select_related("konzept", "updated_by")
        .get(pk=kapitel.pk)
    )
    _not_frozen(current.konzept)
    if current.version != base_version:
        raise Konflikt(current)
    if current.version and (title, text) == (current.title, current.text):
        return current  # nothing changed: no empty version
    now = timezone.now()
    current.version += 1
    current.title, current.text = title, text
    current.updated_at, current.updated_by = now, user
    current.save(update_fields=["version", "title", "text", "updated_at", "updated_by"])
    KapitelVersion.objects.create(
        kapitel=current, number=current.version, title=title, text=text, author=user,
        created_at=now,
    )  # fmt: skip
    return current


@transaction.atomic
def konzept_status_set(
    *, konzept: Konzept, status: str, gremium=None, decided_on=None, resolution="",
    resolution_url="",
) -> Konzept:  # fmt: skip
    """The next step, or back to an earlier one; the decision needs its committee, date and
    reference, and after it nothing changes."""
    current = Konzept.objects.select_for_update().get(pk=konzept.pk)
    _not_frozen(current)
    if status not in REIHENFOLGE:
        raise ValidationError(_("Unbekannter Status."))
    weiter = FOLGT.get(current.status) == status
    zurueck = REIHENFOLGE.index(status) < REIHENFOLGE.index(current.status)
    if not (weiter or zurueck):
        raise ValidationError(
            _("Von „%(von)s“ geht es nur zu „%(nach)s“ weiter.")
            % {"von": current.get_status_display(), "nach": FOLGT[current.status].label}
        )
    if status == Konzept.Status.BESCHLOSSEN:
        if not (gremium and decided_on and resolution.strip()):
            raise ValidationError(
                _("Für den Beschluss fehlen Gremium, Datum oder Beschlussnummer.")
            )
        current.gremium, current.decided_on = gremium, decided_on
        current.resolution, current.resolution_url = resolution.strip(), resolution_url
    current.status = status
    current.status_changed_at = timezone.now()
    current.save()
    return current


@transaction.atomic
def kommentar_create(*, kapitel: Kapitel, text: str, user) -> Kommentar:
    status = Konzept.objects.filter(pk=kapitel.konzept_id).values_list("status", flat=True).get()
    if status != Konzept.Status.BETEILIGUNG:
        raise ValidationError(_("Kommentare sind nur während der Beteiligung möglich."))
    if not text.strip():
        raise ValidationError(_("Bitte schreiben Sie Ihren Kommentar."))
    return Kommentar.objects.create(
        kapitel=kapitel, author=user, text=text.strip(), version=kapitel.version
    )


@transaction.atomic
def kommentar_answer(*, kommentar: Kommentar, status: str, answer: str, user) -> Kommentar:
    if status not in (Kommentar.Status.AUFGENOMMEN, Kommentar.Status.NICHT_AUFGENOMMEN):
        raise ValidationError(_("Bitte wählen Sie: aufgenommen oder nicht aufgenommen."))
    Kommentar.objects.filter(pk=kommentar.pk).update(
        status=status, answer=answer.strip(), answered_by=user, answered_at=timezone.now()
    )
    kommentar.refresh_from_db()
    return kommentar


@transaction.atomic
def notiz_create(*, massnahme, text: str, progress: int, status: str, user):
    """A progress note; the measure takes over its progress and status."""
    from .models import Fortschrittsnotiz, Massnahme

    if not 0 <= progress <= 100:
        raise ValidationError(_("Der Fortschritt liegt zwischen 0 und 100 Prozent."))
    if status not in Massnahme.Status.values:
        raise ValidationError(_("Unbekannter Status."))
    with transaction.atomic():
        current = Massnahme.objects.select_for_update(of=("self",)).get(pk=massnahme.pk)
        notiz = Fortschrittsnotiz.objects.create(
            massnahme=current, text=text.strip(), progress=progress, status=status, author=user
        )
        # Saved, not updated: the measure's history shows the change and who made it.
        current.progress, current.status = progress, status
        current._history_user = user  # the note's author, also outside a request
        current.save(update_fields=["progress", "status"])
    massnahme.progress, massnahme.status = progress, status
    return notiz


# --- Maintaining the measures: focal points, goals, measures ------------------------------------
# Allowed before and after the decision: the decided text is the chapters (frozen above); the
# measures are its implementation, which starts with the decision. Each parent row is locked while
# a child is added or it is deleted, so a goal is never deleted under a measure being added to it.


def _title(title: str) -> str:
    if not title.strip():
        raise ValidationError(_("Bitte geben Sie einen Titel an."))
    return title.strip()


def _next_position(queryset) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


# A focal point and its goals, or a goal and its measures: the outline's two levels.
Gliederung = TypeVar("Gliederung", Handlungsschwerpunkt, Ziel)


def _gliederung_rename(objekt: Gliederung, *, title: str) -> Gliederung:
    objekt.title = _title(title)
    objekt.save(update_fields=["title"])
    return objekt


def _gliederung_delete(
    *, model: type[Handlungsschwerpunkt | Ziel], pk: int, kinder: str, meldung: str
) -> None:
    """The row `pk` of `model`, locked, goes only once its children (the related name `kinder`)
    are gone; else `meldung`, whose %(t)s is the row's title. Deleted meanwhile: what was asked
    for is done."""
    current = model.objects.select_for_update().filter(pk=pk).first()
    if current is None:
        return
    if getattr(current, kinder).exists():
        raise ValidationError(meldung % {"t": current.title})
    current.delete()


@transaction.atomic
def schwerpunkt_create(*, konzept: Konzept, title: str) -> Handlungsschwerpunkt:
    konzept = Konzept.objects.select_for_update().get(pk=konzept.pk)
    return Handlungsschwerpunkt.objects.create(
        konzept=konzept, title=_title(title), position=_next_position(konzept.schwerpunkte)
    )


@transaction.atomic
def schwerpunkt_rename(*, schwerpunkt: Handlungsschwerpunkt, title: str) -> Handlungsschwerpunkt:
    return _gliederung_rename(schwerpunkt, title=title)


@transaction.atomic
def schwerpunkt_delete(*, schwerpunkt: Handlungsschwerpunkt) -> None:
    """Only an empty focal point: its goals (and their measures) go first, one by one, so nobody
    deletes a measure with its progress notes by accident."""
    _gliederung_delete(
        model=Handlungsschwerpunkt, pk=schwerpunkt.pk, kinder="ziele",
        meldung=_("„%(t)s“ hat noch Ziele. Löschen Sie zuerst die Ziele, dann den "
                  "Handlungsschwerpunkt."),
    )  # fmt: skip


@transaction.atomic
def ziel_create(*, schwerpunkt: Handlungsschwerpunkt, title: str) -> Ziel:
    schwerpunkt = Handlungsschwerpunkt.objects.select_for_update().filter(pk=schwerpunkt.pk).first()
    if schwerpunkt is None:
        raise ValidationError(_("Diesen Handlungsschwerpunkt gibt es nicht mehr."))
    return Ziel.objects.create(
        schwerpunkt=schwerpunkt, title=_title(title), position=_next_position(schwerpunkt.ziele)
    )


@transaction.atomic
def ziel_rename(*, ziel: Ziel, title: str) -> Ziel:
    return _gliederung_rename(ziel, title=title)


@transaction.atomic
def ziel_delete(*, ziel: Ziel) -> None:
    """Only a goal without measures (see schwerpunkt_delete)."""
    _gliederung_delete(
        model=Ziel, pk=ziel.pk, kinder="massnahmen",
        meldung=_("Zum Ziel „%(t)s“ gehören noch Maßnahmen. Löschen Sie zuerst die Maßnahmen "
                  "oder ordnen Sie sie einem anderen Ziel zu."),
    )  # fmt: skip


MASSNAHME_FIELDS = ["ziel", "title", "description", "forum", "start", "end", "status", "progress"]
MASSNAHME_LINKS = ["organisationen", "bedarfe", "angebote"]


@transaction.atomic
def massnahme_save(
    *,
    massnahme: Massnahme,
    organisationen: Iterable,
    bedarfe: Iterable,
    angebote: Iterable,
    changed: Collection[str] | None = None,
) -> Massnahme:
    """Create a measure, or write the fields of one that `changed` names (a form's changed_data;
    None: all). Writing only what was changed keeps a progress note that someone saved while the
    form was open: status and progress set here are the coordination's correction, not the usual
    way. The end is not before the start, progress lies between 0 and 100. A new measure, or one
    moved to another goal, goes to the end of that goal."""
    ziel = Ziel.objects.select_for_update().filter(pk=massnahme.ziel_id).first()
    if ziel is None:
        raise ValidationError(_("Dieses Ziel gibt es nicht mehr; bitte wählen Sie ein anderes."))
    if massnahme.pk is not None:
        # The stored row, locked, takes the changed fields: the rest (a note's progress saved
        # meanwhile) stays, and the history records the measure as it now is.
        changed = set(MASSNAHME_FIELDS + MASSNAHME_LINKS if changed is None else changed)
        fields = [name for name in MASSNAHME_FIELDS if name in changed]
        current = Massnahme.objects.select_for_update(of=("self",)).filter(pk=massnahme.pk).first()
        if current is None:
            raise ValidationError(_("Diese Maßnahme gibt es nicht mehr."))
        for name in fields:
            setattr(current, name, getattr(massnahme, name))
        massnahme = current
    massnahme.title = _title(massnahme.title)
    massnahme.clean()
    if not 0 <= massnahme.progress <= 100:
        raise ValidationError({"progress": _("Der Fortschritt liegt zwischen 0 und 100 Prozent.")})
    if massnahme.status not in Massnahme.Status.values:
        raise ValidationError({"status": _("Unbekannter Status.")})
    if massnahme.pk is None:
        massnahme.position = _next_position(ziel.massnahmen)
        massnahme.save()
        changed = MASSNAHME_LINKS
    else:
        if "ziel" in fields:
            massnahme.position = _next_position(ziel.massnahmen.exclude(pk=massnahme.pk))
            fields.append("position")
        if fields:
            massnahme.save(update_fields=fields)
    links = {"organisationen": organisationen, "bedarfe": bedarfe, "angebote": angebote}
    for name, objects in links.items():
        if name in changed:
            getattr(massnahme, name).set(objects)
    return massnahme


@transaction.atomic
def massnahme_delete(*, massnahme: Massnahme) -> None:
    """A measure goes with its progress notes; the page says how many before it asks."""
    Massnahme.objects.filter(pk=massnahme.pk).delete()
