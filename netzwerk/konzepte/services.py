"""Changes to concepts: a new concept (empty or from another one's outline), chapters saved as
versions (a save on top of someone else's newer save is refused, not lost; the first save is
Version 1), the outline (rename, reorder, remove in the draft with its versions kept, restore),
the status flow, the decision that freezes the text, archiving, co-authors, comments and answers,
and the measures' tree that the coordination maintains before and after the decision."""

from collections.abc import Collection, Iterable
from typing import TypeVar

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..text import unique_slug
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


def _not_archived(konzept: Konzept) -> None:
    if konzept.archived_at is not None:
        raise ValidationError(
            _("Das Konzept ist archiviert und lässt sich nicht mehr ändern. Holen Sie es zuerst "
              "aus dem Archiv zurück.")
        )  # fmt: skip


def _editable(konzept: Konzept) -> None:
    _not_frozen(konzept)
    _not_archived(konzept)


def _require(user, perm: str, obj=None) -> None:
    """The views ask first; this keeps a service from doing what the rules forbid when called
    from elsewhere (a task, the shell) with a person."""
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied(_("Dazu fehlt Ihnen die Berechtigung."))


def _locked(konzept: Konzept) -> Konzept:
    return Konzept.objects.select_for_update().get(pk=konzept.pk)


def _kapitel_title(title: str) -> str:
    """The title as typed (the page leaves out a typed number when it numbers the chapters, see
    selectors.ohne_nummer); it must say something besides a number."""
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Bitte geben Sie eine Überschrift an."))
    if len(title) > 200:
        raise ValidationError(_("Die Überschrift ist zu lang (höchstens 200 Zeichen)."))
    return title


def _renumber(konzept: Konzept, kapitel: list[Kapitel] | None = None) -> None:
    """Positions 1..n in the given order (default: the stored one), so "up" and "down" always
    swap two distinct numbers, also after older rows that shared a position."""
    kapitel = list(konzept.kapitel.all()) if kapitel is None else kapitel
    changed = []
    for position, k in enumerate(kapitel, start=1):
        if k.position != position:
            k.position = position
            changed.append(k)
    Kapitel.objects.bulk_update(changed, ["position"])


@transaction.atomic
def konzept_create(
    *, title: str, description: str = "", vorlage: Konzept | None = None, mit_text: bool = False,
    user,
) -> Konzept:  # fmt: skip
    """A new concept in Entwurf. With `vorlage`, it starts with that concept's chapters: their
    titles in their order, empty, or with `mit_text` each with the template's current text as its
    Version 1 (saved by `user`). Comments, versions, co-authors and measures are not copied: the
    new concept starts its own history."""
    _require(user, "netzwerk.edit_konzept")
    if not (title or "").strip():
        raise ValidationError(_("Bitte geben Sie einen Titel an."))
    if vorlage is not None:
        _require(user, "netzwerk.read_konzept", vorlage)
    konzept = Konzept.objects.create(
        title=title.strip(),
        description=(description or "").strip(),
        slug=unique_slug(Konzept, title, "konzept", cut=180),
    )
    if vorlage is None:
        return konzept
    now = timezone.now()
    for position, alt in enumerate(vorlage.kapitel.all(), start=1):
        text = alt.text if mit_text else ""
        kapitel = Kapitel.objects.create(
            konzept=konzept, position=position, title=_kapitel_title(alt.title),
            text=text, version=1 if text else 0, updated_at=now, updated_by=user,
        )  # fmt: skip
        if text:
            KapitelVersion.objects.create(
                kapitel=kapitel, number=1, title=kapitel.title, text=text, author=user,
                created_at=now,
            )  # fmt: skip
    return konzept


@transaction.atomic
def kapitel_create(*, konzept: Konzept, title: str, user) -> Kapitel:
    """A new chapter at the end, still without text: its first save is Version 1."""
    konzept = _locked(konzept)
    _editable(konzept)
    position = (konzept.kapitel.aggregate(m=Max("position"))["m"] or 0) + 1
    return Kapitel.objects.create(
        konzept=konzept, title=_kapitel_title(title), position=position,
        updated_at=timezone.now(), updated_by=user,
    )  # fmt: skip


@transaction.atomic
def kapitel_save(*, kapitel: Kapitel, title: str, text: str, base_version: int, user) -> Kapitel:
    """Save a new version. `base_version` is the version the editor started from: if the chapter
    has moved on since, Konflikt (with the newer text) instead of overwriting it. A chapter's
    first saved text is Version 1; a save that changes nothing makes no version. Co-authors save
    only while the concept is a draft (netzwerk.write_kapitel)."""
    # Only the chapter's row: PostgreSQL locks no nullable side of an outer join (updated_by).
    current = (
        Kapitel.objects.select_for_update(of=("self",))
        .select_related("konzept", "updated_by")
        .filter(pk=kapitel.pk)
        .first()
    )
    if current is None:
        raise ValidationError(
            _("Dieses Kapitel ist inzwischen aus dem Konzept entfernt worden. Ihr Text ist nicht "
              "gespeichert; er steht noch im Feld, kopieren Sie ihn, wenn Sie ihn brauchen.")
        )  # fmt: skip
    _editable(current.konzept)
    if user is not None and not rules.has_perm("netzwerk.write_kapitel", user, current.konzept):
        raise ValidationError(
            _("Das Konzept ist nicht mehr im Entwurf; Mitwirkende schreiben nur am Entwurf. Ihr "
              "Text ist nicht gespeichert.")
        )  # fmt: skip
    if current.version != base_version:
        raise Konflikt(current)
    title = _kapitel_title(title)
    if (title, text) == (current.title, current.text):
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
def kapitel_rename(*, kapitel: Kapitel, title: str, user) -> Kapitel:
    """A new title; once the chapter has text, the rename is a version of its own (the versions
    keep every title), with the current text, so nothing written meanwhile is lost."""
    current = Kapitel.objects.select_for_update(of=("self",)).select_related("konzept")
    current = current.filter(pk=kapitel.pk).first()
    if current is None:
        raise ValidationError(_("Dieses Kapitel gibt es nicht mehr."))
    _editable(current.konzept)
    _require(user, "netzwerk.write_kapitel", current.konzept)
    title = _kapitel_title(title)
    if current.version:
        return kapitel_save(
            kapitel=current, title=title, text=current.text, base_version=current.version,
            user=user,
        )  # fmt: skip
    current.title, current.updated_at, current.updated_by = title, timezone.now(), user
    current.save(update_fields=["title", "updated_at", "updated_by"])
    return current


@transaction.atomic
def kapitel_move(*, kapitel: Kapitel, richtung: str, user) -> Kapitel:
    """One place up ("hoch") or down ("runter"); at the top or bottom it stays. The concept's row
    is locked, so two moves at once do not mix up the order."""
    if richtung not in ("hoch", "runter"):
        raise ValidationError(_("Bitte wählen Sie: nach oben oder nach unten."))
    konzept = _locked(kapitel.konzept)
    _editable(konzept)
    _require(user, "netzwerk.edit_konzept", konzept)
    liste = list(konzept.kapitel.all())
    index = next((i for i, k in enumerate(liste) if k.pk == kapitel.pk), None)
    if index is None:
        raise ValidationError(_("Dieses Kapitel gibt es nicht mehr."))
    ziel = index - 1 if richtung == "hoch" else index + 1
    if 0 <= ziel < len(liste):
        liste[index], liste[ziel] = liste[ziel], liste[index]
    _renumber(konzept, liste)
    return next(k for k in liste if k.pk == kapitel.pk)


def _nur_im_entwurf(konzept: Konzept, meldung: str) -> None:
    if konzept.status != Konzept.Status.ENTWURF:
        raise ValidationError(meldung)


@transaction.atomic
def kapitel_delete(*, kapitel: Kapitel, user) -> Kapitel | None:
    """Only while the concept is a draft. A chapter that never had text (no version with text,
    no comment) is deleted: nothing is lost. One with text is removed instead: it leaves the
    concept's text and numbering (Kapitel.entfernt_am) but keeps its versions and comments, and
    the outline lists it to read or restore (kapitel_restore); it is returned. The remaining
    chapters close the gap."""
    konzept = _locked(kapitel.konzept)
    _editable(konzept)
    _require(user, "netzwerk.edit_konzept", konzept)
    _nur_im_entwurf(
        konzept,
        _("Kapitel lassen sich nur im Entwurf löschen. Setzen Sie das Konzept zuerst zurück auf "
          "„Entwurf“."),
    )  # fmt: skip
    current = konzept.kapitel.filter(pk=kapitel.pk).first()
    if current is None:
        return None  # deleted or removed meanwhile: what was asked for is done
    behalten = current.versionen.exclude(text="").exists() or current.kommentare.exists()
    if behalten:
        current.entfernt_am = timezone.now()
        current.save(update_fields=["entfernt_am"])
    else:
        current.delete()
    _renumber(konzept)
    return current if behalten else None


@transaction.atomic
def kapitel_restore(*, kapitel: Kapitel, user) -> Kapitel:
    """A removed chapter back into the draft, as its last chapter, with its versions and
    comments; only while the concept is a draft (as removing). Restored meanwhile: done."""
    konzept = _locked(kapitel.konzept)
    _editable(konzept)
    _require(user, "netzwerk.edit_konzept", konzept)
    _nur_im_entwurf(
        konzept,
        _("Kapitel lassen sich nur im Entwurf wiederherstellen. Setzen Sie das Konzept zuerst "
          "zurück auf „Entwurf“."),
    )  # fmt: skip
    current = Kapitel.alle.filter(pk=kapitel.pk, konzept=konzept).first()
    if current is None:
        raise ValidationError(_("Dieses Kapitel gibt es nicht mehr."))
    if current.entfernt_am is None:
        return current
    current.entfernt_am = None
    current.position = (konzept.kapitel.aggregate(m=Max("position"))["m"] or 0) + 1
    current.save(update_fields=["entfernt_am", "position"])
    return current


@transaction.atomic
def konzept_archive(*, konzept: Konzept, archiviert: bool, user) -> Konzept:
    """Into the archive (a newer concept replaced it: it leaves the lists, stays readable for its
    readers, and nobody changes it) or back out of it."""
    _require(user, "netzwerk.edit_konzept", konzept)
    current = _locked(konzept)
    if archiviert != (current.archived_at is not None):
        current.archived_at = timezone.now() if archiviert else None
        current.save(update_fields=["archived_at"])
    return current


@transaction.atomic
def konzept_mitwirkende_set(*, konzept: Konzept, mitwirkende: Iterable, user) -> Konzept:
    """The co-authors of a draft: approved, active accounts the coordination invites to read and
    write its chapters while it is in Entwurf. Inviting is for drafts only; removing is always
    possible."""
    _require(user, "netzwerk.edit_konzept", konzept)
    current = _locked(konzept)
    _not_archived(current)
    neu = {u.pk: u for u in mitwirkende}
    bisher = set(current.mitwirkende.values_list("pk", flat=True))
    dazu = [u for pk, u in neu.items() if pk not in bisher]
    if dazu and current.status != Konzept.Status.ENTWURF:
        raise ValidationError(
            _("Mitwirkende laden Sie zu einem Entwurf ein. Dieses Konzept ist in „%(s)s“: alle "
              "freigegebenen Konten lesen es bereits.") % {"s": current.get_status_display()}
        )  # fmt: skip
    ungeeignet = [u for u in dazu if not (u.is_active and u.is_approved)]
    if ungeeignet:
        raise ValidationError(
            _("Nur freigegebene, aktive Konten können mitwirken: %(namen)s.")
            % {"namen": ", ".join(u.display_name for u in ungeeignet)}
        )
    current.mitwirkende.set(list(neu.values()))
    return current


@transaction.atomic
def konzept_status_set(
    *, konzept: Konzept, status: str, gremium=None, decided_on=None, resolution="",
    resolution_url="",
) -> Konzept:  # fmt: skip
    """The next step, or back to an earlier one; the decision needs its committee, date and
    reference, and after it nothing changes."""
    current = Konzept.objects.select_for_update().get(pk=konzept.pk)
    _editable(current)
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
    if kapitel.entfernt_am is not None:
        raise ValidationError(_("Dieses Kapitel ist aus dem Konzept entfernt worden."))
    status, archived_at = (
        Konzept.objects.filter(pk=kapitel.konzept_id).values_list("status", "archived_at").get()
    )
    if status != Konzept.Status.BETEILIGUNG or archived_at is not None:
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
    _not_archived(Konzept.objects.get(kapitel__kommentare=kommentar.pk))
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
MASSNAHME_LINKS = ["organisationen", "bedarfe", "angebote", "sozialraeume"]


@transaction.atomic
def massnahme_save(
    *,
    massnahme: Massnahme,
    organisationen: Iterable,
    bedarfe: Iterable,
    angebote: Iterable,
    sozialraeume: Iterable | None = None,
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
    links = {
        "organisationen": organisationen,
        "bedarfe": bedarfe,
        "angebote": angebote,
        "sozialraeume": sozialraeume,  # None: as they are
    }
    for name, objects in links.items():
        if name in changed and objects is not None:
            getattr(massnahme, name).set(objects)
    return massnahme


@transaction.atomic
def massnahme_delete(*, massnahme: Massnahme) -> None:
    """A measure goes with its progress notes; the page says how many before it asks."""
    Massnahme.objects.filter(pk=massnahme.pk).delete()
