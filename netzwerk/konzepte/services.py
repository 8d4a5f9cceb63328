"""Changes to concepts: chapters saved as versions (a save on top of someone else's newer save is
refused, not lost), the status flow, the decision that freezes the text, comments and answers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Kapitel, KapitelVersion, Kommentar, Konzept

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
    notiz = Fortschrittsnotiz.objects.create(
        massnahme=massnahme, text=text.strip(), progress=progress, status=status, author=user
    )
    Massnahme.objects.filter(pk=massnahme.pk).update(progress=progress, status=status)
    return notiz
