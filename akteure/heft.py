"""The printed family guide (Wegweiser-Heft): ordered by the coordination, rendered once by the
worker as a tagged PDF (PDF/UA-1), then kept and downloaded like a Sachstandsbericht.

The booklet is public material: it names only what the public guide shows (public offers that are
not hidden as outdated, contact persons only with their consent for the public directory), so
the newest finished booklet of a district, or of the whole town, may be downloaded by anyone. Older
ones stay for the coordination.
"""

import base64
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from netzwerk.celery import task_delay
from netzwerk.models import Sozialraum
from netzwerk.pdf import Pruefsummenfehler, gespeichert_lesen  # noqa: F401 (the views catch it from here)
from netzwerk.sortierung import deutsch

from .models import Angebot, Einwilligung, Wegweiserheft, stale_before

logger = logging.getLogger(__name__)

Status = Wegweiserheft.Status
# A booklet that has waited or run this long without finishing may be started again (the worker
# that had it is presumed dead), as for the status reports.
HAENGT_NACH = timedelta(minutes=15)


# --- ordering, rendering, retry --------------------------------------------------------------


def heft_bestellen(*, user, sozialraum: Sozialraum | None) -> Wegweiserheft:
    """Record the order and leave the rendering to the worker, after commit (a rolled-back
    request leaves no task behind)."""
    heft = Wegweiserheft.objects.create(sozialraum=sozialraum, created_by=user)
    _dispatch(heft)
    return heft


def _dispatch(heft: Wegweiserheft) -> None:
    transaction.on_commit(lambda: task_delay("akteure.tasks.render_wegweiserheft", heft_id=heft.pk))


def heft_rendern(heft_id: int, *, now: datetime | None = None) -> str:
    """Render and store the PDF (the worker's part). Only a waiting booklet is claimed, by one
    conditional UPDATE, so two deliveries of the task (or two workers) render it once. The claim's
    start time identifies the attempt: a worker presumed dead and replaced (heft_wiederholen) that
    wakes up again finds another start time and leaves the row alone. A failure is recorded on
    the row (status fehler, no file) and logged, not raised."""
    from netzwerk.pdf import render_pdf

    now = now or timezone.now()
    claimed = Wegweiserheft.objects.filter(pk=heft_id, status=Status.WARTET).update(
        status=Status.LAEUFT, started_at=now, fehler=""
    )
    if not claimed:
        return "nichts zu tun"
    heft = Wegweiserheft.objects.select_related("sozialraum").get(pk=heft_id)
    mine = Wegweiserheft.objects.filter(pk=heft.pk, status=Status.LAEUFT, started_at=now)
    name = ""
    try:
        with translation.override(settings.LANGUAGE_CODE):
            inhalt = heft_inhalt(sozialraum=heft.sozialraum, now=now)
            pdf = render_pdf("akteure/heft/heft_pdf.html", inhalt.context())
        sha256 = hashlib.sha256(pdf).hexdigest()
        # The whole file is written before the row points to it: a crash in between leaves an
        # unreferenced file, never a reference to half a file.
        name = default_storage.save(
            f"wegweiser/wegweiser-{inhalt.kuerzel}-{sha256[:12]}.pdf", ContentFile(pdf)
        )
        done = mine.update(
            status=Status.FERTIG,
            datei=name,
            sha256=sha256,
            seiten=pdf.pages,
            angebote=inhalt.anzahl,
            kontakte=inhalt.kontakte,
            finished_at=timezone.now(),
        )
        if not done:
            raise RuntimeError("Das Heft wurde während des Erstellens geändert oder gelöscht.")
    except Exception as error:
        logger.exception("Wegweiser-Heft %s: Erstellen fehlgeschlagen", heft_id)
        if name:
            default_storage.delete(name)
        mine.update(status=Status.FEHLER, fehler=f"{type(error).__name__}: {error}"[:2000])
        # Not raised: the state is recorded for the page, and a person retries (an in-process
        # task would otherwise turn the ordering request into an error page).
        return "fehler"
    return "fertig"


def heft_haengt(heft: Wegweiserheft, now: datetime | None = None) -> bool:
    """Waiting or running for longer than HAENGT_NACH: its worker is presumed dead."""
    seit = now or timezone.now()
    if heft.status == Status.LAEUFT:
        return bool(heft.started_at and heft.started_at < seit - HAENGT_NACH)
    return heft.status == Status.WARTET and heft.created_at < seit - HAENGT_NACH


def heft_wiederholen(*, heft: Wegweiserheft, now: datetime | None = None) -> bool:
    """Start a failed booklet again, or one whose worker has not finished it in HAENGT_NACH.
    A waiting one counts as ordered again (its order time is the hang check's clock)."""
    now = now or timezone.now()
    haengt = now - HAENGT_NACH
    qs = Wegweiserheft.objects.filter(pk=heft.pk)
    neu = {"status": Status.WARTET, "fehler": "", "started_at": None}
    again = qs.filter(status=Status.FEHLER).update(**neu)
    again = again or qs.filter(status=Status.LAEUFT, started_at__lt=haengt).update(**neu)
    again = again or qs.filter(status=Status.WARTET, created_at__lt=haengt).update(
        **neu, created_at=now
    )
    if again:
        _dispatch(heft)
    return bool(again)


def heft_loeschen(*, heft: Wegweiserheft) -> None:
    """Remove the booklet and its file. A worker still at it finds no row when it finishes and
    removes its own file."""
    name = heft.datei.name
    heft.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def hefte_mit_kontakt(person_ids) -> list[Wegweiserheft]:
    """The finished booklets that print any of these persons as a contact. Read in Python: the
    booklets are a few dozen, and SQLite has no JSON containment lookup."""
    gesucht = set(person_ids)
    fertig = Wegweiserheft.objects.filter(status=Status.FERTIG).exclude(kontakte=[])
    return [h for h in fertig if gesucht.intersection(h.kontakte)]


def hefte_ersetzen(person_ids) -> int:
    """A contact's consent to the public directory withdrawn, or her data erased: every finished
    booklet naming her goes with its file, older editions included, and each scope whose public
    edition was among them gets a new one, rendered without her (ordered in the name of whoever
    ordered the old one). Returns the number of booklets removed."""
    betroffen = hefte_mit_kontakt(person_ids)
    if not betroffen:
        return 0
    pks = [h.pk for h in betroffen]
    oeffentlich = set(hefte_aktuell().filter(pk__in=pks).values_list("pk", flat=True))
    for heft in betroffen:
        if heft.pk in oeffentlich:
            neu = Wegweiserheft.objects.create(
                sozialraum_id=heft.sozialraum_id, created_by_id=heft.created_by_id
            )
            _dispatch(neu)
        heft_loeschen(heft=heft)
    logger.info("Wegweiser-Hefte %s ersetzt (Kontaktperson ohne Einwilligung)", pks)
    return len(betroffen)


def heft_datei(heft: Wegweiserheft) -> bytes:
    """The finished file, checked against the checksum taken when it was rendered."""
    return gespeichert_lesen(heft.datei.name, heft.sha256, f"Wegweiser-Heft {heft.pk}")


# --- reads ------------------------------------------------------------------------------------


def hefte_aktuell() -> QuerySet[Wegweiserheft]:
    """The newest finished booklet of each scope (each district, and the whole town): the ones
    everybody may download."""
    neuere = Wegweiserheft.objects.filter(
        status=Status.FERTIG,
        sozialraum=OuterRef("sozialraum"),
        finished_at__gt=OuterRef("finished_at"),
    )
    neuere_stadt = Wegweiserheft.objects.filter(
        status=Status.FERTIG, sozialraum__isnull=True, finished_at__gt=OuterRef("finished_at")
    )
    return Wegweiserheft.objects.filter(status=Status.FERTIG).filter(
        (Q(sozialraum__isnull=False) & ~Exists(neuere))
        | (Q(sozialraum__isnull=True) & ~Exists(neuere_stadt))
    )


def heft_aktuell(sozialraum: Sozialraum | None) -> Wegweiserheft | None:
    """The newest finished booklet for a district (None: the whole town), for a download link."""
    qs = Wegweiserheft.objects.filter(status=Status.FERTIG)
    qs = qs.filter(sozialraum=sozialraum) if sozialraum else qs.filter(sozialraum__isnull=True)
    return qs.order_by("-finished_at", "-pk").first()


def ausgeblendet_vor(now: datetime | None = None) -> datetime:
    """Offers last confirmed before this moment are hidden from the guide (and the booklet):
    WEGWEISER_AUSBLENDEN_TAGE if configured, else twice the time after which an offer counts as
    outdated (it is marked first, then hidden)."""
    tage = getattr(settings, "WEGWEISER_AUSBLENDEN_TAGE", 2 * settings.ANGEBOT_STALE_AFTER_DAYS)
    return (now or timezone.now()) - timedelta(days=tage)


def heft_angebote(*, sozialraum: Sozialraum | None, now: datetime) -> QuerySet[Angebot]:
    """The booklet's offers: public, not hidden as outdated, in the district (the offer's own, or
    its organisation's when the offer names none), with everything an entry prints."""
    qs = Angebot.objects.public().filter(confirmed_at__gte=ausgeblendet_vor(now))
    if sozialraum is not None:
        qs = qs.filter(
            Q(sozialraum=sozialraum)
            | Q(sozialraum__isnull=True, organisation__sozialraum=sozialraum)
        )
    einwilligung = Einwilligung.objects.filter(
        person=OuterRef("contact"),
        purpose=Einwilligung.Zweck.VERZEICHNIS,
        withdrawn_at__isnull=True,
    )
    return (
        qs.select_related("organisation", "organisation__sozialraum", "sozialraum", "contact")
        .prefetch_related("lebensphasen", "zielgruppen", "sprachen", "zeiten")
        .annotate(kontakt_erlaubt=Exists(einwilligung))
        .defer("suchvektor", "organisation__suchvektor", "organisation__description")
        .order_by(deutsch("title"), "pk")
    )


# --- the booklet's content ----------------------------------------------------------------------


def angebot_url(angebot: Angebot) -> str:
    """The offer's page in the public guide: what the QR code and the printed link lead to."""
    return f"{settings.SITE_URL.rstrip('/')}/wegweiser/{angebot.uuid}/"


def _qr_data_uri(url: str) -> str:
    # Vector, so it stays sharp at any print size; a fixed mask, as for the badges (choosing the
    # best of eight costs ~12 ms a code for no gain in print).
    return segno.make(url, error="m", mask=0).svg_data_uri(scale=1, border=0, omitsize=False)


@dataclass
class Eintrag:
    """One offer as the booklet prints it."""

    angebot: Angebot
    url: str
    qr: str
    kontakt: object  # the consenting contact person, or None
    veraltet: bool  # not confirmed for ANGEBOT_STALE_AFTER_DAYS: marked, still printed
    sozialraum: Sozialraum | None

    @property
    def anker(self) -> str:
        return f"angebot-{self.angebot.pk}"


@dataclass
class Abschnitt:
    """A life phase's chapter: its offers in full, and references to offers printed in full in an
    earlier phase (an offer for several phases is printed once, under its first)."""

    anker: str
    titel: str  # the phase's name, which says its ages ("3-6 Jahre (Kita)")
    eintraege: list[Eintrag] = field(default_factory=list)
    verweise: list[Eintrag] = field(default_factory=list)


@dataclass
class Heftinhalt:
    sozialraum: Sozialraum | None
    stand: datetime
    abschnitte: list[Abschnitt]
    karte: str  # data: URL of the district map's SVG, or "" (no map module, no boundaries)
    bezirke: list[tuple[Sozialraum, int]]
    anzahl: int

    @property
    def kontakte(self) -> list[int]:
        """The pks of the persons printed as contacts."""
        return sorted(
            {e.kontakt.pk for a in self.abschnitte for e in a.eintraege if e.kontakt is not None}
        )

    @property
    def kuerzel(self) -> str:
        return self.sozialraum.slug if self.sozialraum else "stadt"

    @property
    def titel(self) -> str:
        wo = self.sozialraum.name if self.sozialraum else _("ganze Stadt")
        return _("Familienwegweiser: %(wo)s") % {"wo": wo}

    def context(self) -> dict:
        from netzwerk.pdf import SCHRIFTEN

        return {
            "heft": self,
            "portal_name": settings.PORTAL_NAME,
            "schriften": SCHRIFTEN,
            "wegweiser_url": f"{settings.SITE_URL.rstrip('/')}/wegweiser/",
        }


def heft_inhalt(*, sozialraum: Sozialraum | None, now: datetime) -> Heftinhalt:
    """Everything the booklet prints, grouped by life phase in the vocabulary's order."""
    veraltet_vor = stale_before(now)
    eintraege = []
    for angebot in heft_angebote(sozialraum=sozialraum, now=now):
        kontakt = angebot.contact
        if kontakt is not None and (not angebot.kontakt_erlaubt or kontakt.anonymized_at):
            kontakt = None
        url = angebot_url(angebot)
        eintraege.append(
            Eintrag(
                angebot=angebot,
                url=url,
                qr=_qr_data_uri(url),
                kontakt=kontakt,
                veraltet=angebot.confirmed_at < veraltet_vor,
                sozialraum=angebot.sozialraum or angebot.organisation.sozialraum,
            )
        )
    anzahl = _je_bezirk(eintraege)
    return Heftinhalt(
        sozialraum=sozialraum,
        stand=now,
        abschnitte=_nach_lebensphasen(eintraege),
        karte=_karte(anzahl, sozialraum),
        bezirke=_bezirke(anzahl, sozialraum),
        anzahl=len(eintraege),
    )


def _nach_lebensphasen(eintraege: list[Eintrag]) -> list[Abschnitt]:
    phasen = sorted(
        {p for e in eintraege for p in e.angebot.lebensphasen.all()},
        key=lambda p: (p.position, p.name),
    )
    abschnitte = {p.pk: Abschnitt(f"phase-{p.slug}", p.name) for p in phasen}
    ohne = Abschnitt("phase-alle", _("Für alle Lebensphasen"))
    for eintrag in eintraege:
        eigene = sorted(eintrag.angebot.lebensphasen.all(), key=lambda p: (p.position, p.name))
        if not eigene:
            ohne.eintraege.append(eintrag)
            continue
        abschnitte[eigene[0].pk].eintraege.append(eintrag)
        for phase in eigene[1:]:
            abschnitte[phase.pk].verweise.append(eintrag)
    return [a for a in [*abschnitte.values(), ohne] if a.eintraege or a.verweise]


def _je_bezirk(eintraege: list[Eintrag]) -> dict[int, int]:
    anzahl: dict[int, int] = {}
    for eintrag in eintraege:
        if eintrag.sozialraum is not None:
            anzahl[eintrag.sozialraum.pk] = anzahl.get(eintrag.sozialraum.pk, 0) + 1
    return anzahl


def _bezirke(anzahl: dict[int, int], sozialraum: Sozialraum | None) -> list:
    """Offers per district, in the vocabulary's order: the map's data as a table."""
    bezirke = Sozialraum.objects.filter(Q(active=True) | Q(pk__in=anzahl))
    if sozialraum is not None:
        bezirke = bezirke.filter(pk=sozialraum.pk)
    return [(s, anzahl.get(s.pk, 0)) for s in bezirke.order_by("position", deutsch("name"))]


def _karte(anzahl: dict[int, int], sozialraum: Sozialraum | None) -> str:
    """The district map from akteure.karten (the guide's own map), as a data: URL for an image
    with a text alternative; empty if that module or its function is not there, or it fails
    (the table next to it says the same)."""
    try:
        from . import karten
    except ImportError:
        return ""
    wegweiser_karte = getattr(karten, "wegweiser_karte", None)
    if wegweiser_karte is None:
        return ""
    basis = f"{settings.SITE_URL.rstrip('/')}/wegweiser/"
    try:
        svg = wegweiser_karte(
            anzahl, sozialraum.pk if sozialraum else None, lambda s: f"{basis}?sozialraum={s.slug}"
        )
    except Exception:
        logger.exception("Wegweiser-Heft: Karte nicht erstellt")
        return ""
    if not svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode()
