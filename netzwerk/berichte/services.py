"""Status reports: asked for in a request, rendered once by the worker, then never changed.

The row holds a file only once the whole PDF is stored (a check constraint says so), so a report
that fails half-way offers nothing to download; it shows its error and can be tried again.
"""

import hashlib
import logging
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..celery import task_delay
from ..konzepte.models import Gremium, Konzept
from ..pdf import (  # noqa: F401 (the views catch Pruefsummenfehler from here)
    Pruefsummenfehler,
    bestellsprache,
    gespeichert_lesen,
)
from .models import Sachstandsbericht

logger = logging.getLogger(__name__)

Status = Sachstandsbericht.Status
# (key, label shown while the worker is at it); the page shows how far it is.
SCHRITTE = [
    ("daten", gettext_lazy("Daten werden gelesen")),
    ("satz", gettext_lazy("PDF wird gesetzt")),
    ("ablage", gettext_lazy("Datei wird gespeichert")),
]
# A report that has waited or run this long without finishing may be started again (the worker
# that had it is presumed dead).
HAENGT_NACH = timedelta(minutes=15)
FRUEHESTER_BEGINN = date(2000, 1, 1)


def bericht_create(
    *,
    gremium: Gremium,
    konzept: Konzept | None,
    period_start: date,
    period_end: date,
    sections: list[str],
    summary: str = "",
    outlook: str = "",
    oeffentlich: bool = False,
    user,
) -> Sachstandsbericht:
    """Number the report (the next free number; a concurrent request gets the one after) and
    leave the rendering to the worker, after commit."""
    if period_start > period_end:
        raise ValidationError(_("Der Berichtszeitraum endet vor seinem Beginn."))
    if period_start < FRUEHESTER_BEGINN or period_end > timezone.localdate():
        raise ValidationError(_("Der Berichtszeitraum liegt zwischen dem 01.01.2000 und heute."))
    gueltig = [key for key in Sachstandsbericht.Abschnitt.values if key in sections]
    if not gueltig:
        raise ValidationError(_("Bitte wählen Sie mindestens einen Abschnitt."))
    for _versuch in range(5):
        try:
            with transaction.atomic():
                nummer = (Sachstandsbericht.objects.aggregate(n=Max("nummer"))["n"] or 0) + 1
                bericht = Sachstandsbericht.objects.create(
                    nummer=nummer,
                    gremium=gremium,
                    konzept=konzept,
                    period_start=period_start,
                    period_end=period_end,
                    sections=gueltig,
                    summary=summary,
                    outlook=outlook,
                    oeffentlich=oeffentlich,
                    sprache=bestellsprache(),
                    created_by=user,
                )
        except IntegrityError:
            continue  # someone took this number a moment ago
        _dispatch(bericht)
        return bericht
    raise ValidationError(_("Der Bericht konnte nicht nummeriert werden; bitte noch einmal."))


def _dispatch(bericht: Sachstandsbericht) -> None:
    transaction.on_commit(
        lambda: task_delay("netzwerk.tasks.render_bericht", bericht_id=bericht.pk)
    )


def _step(bericht: Sachstandsbericht, key: str) -> None:
    Sachstandsbericht.objects.filter(
        pk=bericht.pk, status=Status.LAEUFT, attempts=bericht.attempts
    ).update(step=key)


def bericht_render(*, bericht_id: int, now=None) -> str:
    """Render and store the PDF (the worker's part). Only a waiting report is claimed, by a
    conditional UPDATE, so two deliveries of the task render it once. A failure is recorded on
    the row (status fehler, no file) and logged."""
    from ..pdf import render_pdf

    now = now or timezone.now()
    claimed = Sachstandsbericht.objects.filter(pk=bericht_id, status=Status.WARTET).update(
        status=Status.LAEUFT, step="daten", started_at=now, attempts=F("attempts") + 1, error=""
    )
    if not claimed:
        return "nichts zu tun"
    bericht = Sachstandsbericht.objects.select_related("gremium", "konzept").get(pk=bericht_id)
    name = ""
    try:
        with translation.override(bericht.sprache or settings.LANGUAGE_CODE):
            context = _schnappschuss(bericht, now)
            _step(bericht, "satz")
            pdf = render_pdf(
                "pdf/sachstandsbericht.html", context, bilder=context.pop("bilder", {})
            )
        _step(bericht, "ablage")
        sha256 = hashlib.sha256(pdf).hexdigest()
        # The whole file is written before the row points to it; a crash in between leaves an
        # unreferenced file, never a reference to half a file.
        name = default_storage.save(
            f"berichte/sachstandsbericht-{bericht.nummer}-{sha256[:12]}.pdf", ContentFile(pdf)
        )
        # Only this attempt finishes it: a worker presumed dead and replaced (bericht_retry) that
        # wakes up again finds another attempt number and leaves the row alone.
        mine = Sachstandsbericht.objects.filter(
            pk=bericht.pk, status=Status.LAEUFT, attempts=bericht.attempts
        )
        done = mine.update(
            status=Status.FERTIG,
            step="",
            file=name,
            sha256=sha256,
            size=len(pdf),
            pages=pdf.pages,
            stand=now,
            finished_at=timezone.now(),
        )
        if not done:
            raise RuntimeError("Der Bericht wurde während des Erstellens geändert.")
    except Exception as error:
        logger.exception("Sachstandsbericht %s: Erstellen fehlgeschlagen", bericht.nummer)
        if name:
            default_storage.delete(name)
        Sachstandsbericht.objects.filter(
            pk=bericht.pk, status=Status.LAEUFT, attempts=bericht.attempts
        ).update(status=Status.FEHLER, step="", error=f"{type(error).__name__}: {error}"[:2000])
        # Not raised: the state is recorded for the page, and a person retries (an in-process
        # task would otherwise turn the request that asked for the report into an error page).
        return "fehler"
    return "fertig"


def _schnappschuss(bericht: Sachstandsbericht, now) -> dict:
    """All the report's figures from one snapshot of the database: on PostgreSQL one read-only
    REPEATABLE READ transaction, so a long render does not mix states (SQLite's transaction is a
    snapshot anyway)."""
    from .inhalt import bericht_inhalt

    eigene = not connection.in_atomic_block  # inside another transaction (tests): its snapshot
    with transaction.atomic():
        if eigene and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return bericht_inhalt(bericht, now=now)


def bericht_retry(*, bericht: Sachstandsbericht, now=None) -> bool:
    """Start a failed report again, or one whose worker has not finished it in HAENGT_NACH."""
    now = now or timezone.now()
    haengt = now - HAENGT_NACH
    qs = Sachstandsbericht.objects.filter(pk=bericht.pk)
    neu = {"status": Status.WARTET, "step": "", "error": "", "queued_at": now, "started_at": None}
    again = qs.filter(status=Status.FEHLER).update(**neu)
    again = again or qs.filter(status=Status.LAEUFT, started_at__lt=haengt).update(**neu)
    again = again or qs.filter(status=Status.WARTET, queued_at__lt=haengt).update(**neu)
    if again:
        _dispatch(bericht)
    return bool(again)


def bericht_oeffentlich(*, bericht: Sachstandsbericht, public: bool) -> Sachstandsbericht:
    """Give a finished report written for the public a public link (a new secret each time), or
    take it away. A committee's report names drafts and members' forums: it gets none."""
    if public and bericht.status != Status.FERTIG:
        raise ValidationError(_("Nur ein fertiger Bericht kann veröffentlicht werden."))
    if public and not bericht.oeffentlich:
        raise ValidationError(
            _("Dieser Bericht ist für das Gremium geschrieben und nennt auch Nichtöffentliches. "
              "Erstellen Sie für einen öffentlichen Link einen Bericht „für die Öffentlichkeit“.")
        )  # fmt: skip
    bericht.public_token = secrets.token_urlsafe(24) if public else None
    bericht.save(update_fields=["public_token"])
    return bericht


def bericht_datei(bericht: Sachstandsbericht) -> bytes:
    """The finished file, checked against the checksum taken when it was rendered."""
    return gespeichert_lesen(
        bericht.file.name, bericht.sha256, f"Sachstandsbericht {bericht.nummer}"
    )


def standard_zeitraum(heute: date) -> tuple[date, date]:
    """The last full quarter: committees meet quarterly."""
    quartal_anfang = date(heute.year, 3 * ((heute.month - 1) // 3) + 1, 1)
    ende = quartal_anfang - timedelta(days=1)
    return date(ende.year, 3 * ((ende.month - 1) // 3) + 1, 1), ende
