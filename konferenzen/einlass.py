"""On the day: the check-in code behind the QR on badges and on the personal page, marking
attendance (and taking it back), and the lists and badges printed for the day.

The code is the registration's pk signed with the project's secret (django.core.signing): it
cannot be guessed or made up, and it is no key to anything by itself. Only those who manage the
event can use it; the personal token stays in the confirmation mail and never goes into a QR.
"""

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import unquote

import segno
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from PIL import Image

from netzwerk.celery import task_delay
from netzwerk.pdf import Pdf, bestellsprache, render_pdf
from netzwerk.sortierung import deutsch
from netzwerk.text import schreibweisen_regex

from . import selectors
from .models import Anmeldung, Druck, Einlassbuchung, Veranstaltung

SALT = "konferenzen.einlass"
# Checking someone in earlier than this before the start asks to confirm first (a badge scanned
# at a preparatory meeting, a test of the scanner): attendance is the event's record.
VORLAUF = timedelta(days=1)
# What a handheld scanner types (it works like a keyboard) or someone pastes: the whole check-in
# address or the bare code "<pk>:<signature>".
CODE_IM_TEXT = re.compile(r"(?:^|/einlass/)(\d+:[A-Za-z0-9_-]{20,})/?$")


def code_for(anmeldung: Anmeldung) -> str:
    return signing.Signer(salt=SALT).sign(str(anmeldung.pk))


def checkin_url(anmeldung: Anmeldung) -> str:
    """The absolute address in the QR code: a phone's camera opens it."""
    return settings.SITE_URL + reverse("konferenzen:checkin", args=[code_for(anmeldung)])


def code_in(text: str) -> str | None:
    """The check-in code in a search field's text, or None if the text is a name to search for."""
    match = CODE_IM_TEXT.search(unquote(text.strip()))
    return match[1] if match else None


def anmeldung_for_code(code: str) -> Anmeldung | None:
    """The registration a code stands for; None for a forged, mistyped or cut-off code."""
    try:
        pk = signing.Signer(salt=SALT).unsign(code)
    except signing.BadSignature:
        return None
    return (
        Anmeldung.objects.select_related("veranstaltung__forum", "organisation")
        .prefetch_related("arbeitsgruppen")
        .filter(pk=pk)
        .first()
    )


def _qr(anmeldung: Anmeldung) -> segno.QRCode:
    # A fixed mask: choosing the best of eight costs 12 ms a code, 3 s for 250 badges, and the
    # signature already makes the data look random, which is what the choice is for.
    return segno.make(checkin_url(anmeldung), error="m", mask=0)


def qr_svg(anmeldung: Anmeldung) -> SafeString:
    """The QR code of the check-in address as inline SVG, for the web page."""
    svg = _qr(anmeldung).svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr", title=_("QR-Code für den Einlass")
    )
    return mark_safe(svg)  # segno's markup; the only text in it is our title


QR_RAND = 2  # light modules around the code
_GRAU = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # module to grey: light white, dark black


def qr_png(anmeldung: Anmeldung) -> bytes:
    """The same QR code as a PNG (one pixel per module), for the badges: WeasyPrint draws 250
    images in a fraction of a second, but takes 19 s for 250 SVG paths. Eight-bit grey written
    from the matrix, not segno's one-bit PNG: that takes four times as long to write, and
    WeasyPrint would convert it to RGB and encode it once more before embedding it; grey it
    embeds as it is."""
    matrix = _qr(anmeldung).matrix  # rows of 1 (dark) and 0 (light) modules
    width = len(matrix) + 2 * QR_RAND
    light, edge = b"\xff" * (QR_RAND * width), b"\xff" * QR_RAND
    pixels = b"".join(edge + bytes(row).translate(_GRAU) + edge for row in matrix)
    image = Image.frombytes("L", (width, width), light + pixels + light)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def zu_frueh(veranstaltung: Veranstaltung, now=None) -> bool:
    """Is it more than VORLAUF before the start? Then a check-in asks first."""
    return (now or timezone.now()) < veranstaltung.start - VORLAUF


def zu_frueh_text(anmeldung: Anmeldung) -> str:
    start = timezone.localtime(anmeldung.veranstaltung.start)
    return _(
        "Die Veranstaltung beginnt erst am %(datum)s um %(zeit)s Uhr. %(name)s trotzdem schon "
        "jetzt als anwesend eintragen?"
    ) % {
        "datum": formats.date_format(start, "d.m.Y"),
        "zeit": formats.time_format(start, "H:i"),
        "name": anmeldung.name,
    }


@transaction.atomic
def anmeldung_attend(*, anmeldung: Anmeldung, by=None, now=None, trotzdem: bool = False) -> bool:
    """Mark someone present, and book who did it and when (Einlassbuchung). Only a confirmed
    registration can be: one on the waiting list or cancelled holds no seat (ValidationError with
    a message for the desk). More than VORLAUF before the start nothing is marked unless
    `trotzdem` (ValidationError with code "zu_frueh": the page asks to confirm), so a badge
    scanned weeks ahead never counts as attendance unnoticed. Marking twice keeps the first
    time (a double scan changes nothing); True if this call marked it. A conditional UPDATE, so
    two desks scanning the same badge at once mark it (and book it) once."""
    now = now or timezone.now()
    frueh = not trotzdem and zu_frueh(anmeldung.veranstaltung, now)
    marked = 0
    if not frueh:
        marked = Anmeldung.objects.filter(
            pk=anmeldung.pk, status=Anmeldung.Status.BESTAETIGT
        ).update(status=Anmeldung.Status.TEILGENOMMEN, attended_at=now)
        if marked:
            Einlassbuchung.objects.create(
                anmeldung_id=anmeldung.pk, aktion=Einlassbuchung.Aktion.EINLASS, by=by, at=now
            )
    anmeldung.refresh_from_db(fields=["status", "attended_at"])
    if anmeldung.status == Anmeldung.Status.WARTELISTE:
        raise ValidationError(
            _("%(name)s steht auf der Warteliste und hat keinen Platz. Nachrücken geht unter "
              "„Anmeldungen“, wenn ein Platz frei ist.") % {"name": anmeldung.name}
        )  # fmt: skip
    if anmeldung.status == Anmeldung.Status.STORNIERT:
        raise ValidationError(
            _("Die Anmeldung von %(name)s ist abgesagt.") % {"name": anmeldung.name}
        )
    if frueh and anmeldung.status == Anmeldung.Status.BESTAETIGT:
        raise ValidationError(zu_frueh_text(anmeldung), code="zu_frueh")
    return bool(marked)


@transaction.atomic
def anmeldung_attend_undo(*, anmeldung: Anmeldung, by=None, now=None) -> bool:
    """Take a mistaken check-in back: present becomes confirmed again (the seat stays taken),
    booked with who and when. True if it was marked present."""
    undone = Anmeldung.objects.filter(pk=anmeldung.pk, status=Anmeldung.Status.TEILGENOMMEN).update(
        status=Anmeldung.Status.BESTAETIGT, attended_at=None
    )
    if undone:
        Einlassbuchung.objects.create(
            anmeldung_id=anmeldung.pk,
            aktion=Einlassbuchung.Aktion.ZURUECK,
            by=by,
            at=now or timezone.now(),
        )
    anmeldung.refresh_from_db(fields=["status", "attended_at"])
    return bool(undone)


def mit_buchungen(anmeldungen: QuerySet[Anmeldung]) -> QuerySet[Anmeldung]:
    """With `buchungen`, the bookings at the door, newest first (one query for all)."""
    return anmeldungen.prefetch_related(
        Prefetch("einlass", Einlassbuchung.objects.select_related("by"), to_attr="buchungen")
    )


def buchungen_of(veranstaltung: Veranstaltung) -> QuerySet[Einlassbuchung]:
    """The event's bookings at the door, newest first: the day page's recent activity."""
    return Einlassbuchung.objects.filter(anmeldung__veranstaltung=veranstaltung).select_related(
        "anmeldung", "by"
    )


# --- Reads for the desk and the lists ----------------------------------------------------------


def sort_key(name: str) -> str:
    """German order, near enough: Ä with A, ß as ss, case ignored."""
    flat = unicodedata.normalize("NFKD", name.casefold().replace("ß", "ss"))
    return "".join(c for c in flat if not unicodedata.combining(c))


def teilnehmende_of(veranstaltung: Veranstaltung) -> QuerySet[Anmeldung]:
    """Those holding a seat (confirmed or present), with organisation, working groups and the
    bookings at the door."""
    return mit_buchungen(
        selectors.anmeldungen_of(veranstaltung).filter(status__in=Anmeldung.BELEGT)
    )


def suche(veranstaltung: Veranstaltung, q: str) -> QuerySet[Anmeldung]:
    """Seat holders whose name or organisation contains q, however its umlauts are written
    ("Mueller" finds "Müller")."""
    teilnehmende = teilnehmende_of(veranstaltung)
    if q:
        rx = schreibweisen_regex(q)
        teilnehmende = teilnehmende.filter(
            Q(name__iregex=rx) | Q(organisation__name__iregex=rx) | Q(organisation_name__iregex=rx)
        )
    return teilnehmende.order_by(deutsch("name"), "pk")


@dataclass
class Abschnitt:
    titel: str
    anmeldungen: list[Anmeldung]


def runden_of(veranstaltung: Veranstaltung) -> list[int]:
    return sorted(set(veranstaltung.arbeitsgruppen.values_list("runde", flat=True)))


def abschnitte(
    veranstaltung: Veranstaltung, teilnehmende: list[Anmeldung], runde: int | None
) -> list[Abschnitt]:
    """The signature sheet's sections: one per working group of the time slot, then those
    without a group in it. Everyone appears once, so the sheet counts heads: with several
    slots the groups of one slot (the first unless asked) order the sheet."""
    gruppen = [g for g in veranstaltung.arbeitsgruppen.all() if g.runde == runde]
    if not gruppen:
        return [Abschnitt("", teilnehmende)]
    sections = {g.pk: Abschnitt(g.name, []) for g in gruppen}
    ohne = Abschnitt(_("Ohne Arbeitsgruppe"), [])
    for anmeldung in teilnehmende:
        gruppe = next((g for g in anmeldung.arbeitsgruppen.all() if g.runde == runde), None)
        (sections[gruppe.pk] if gruppe else ohne).anmeldungen.append(anmeldung)
    return [*sections.values(), *([ohne] if ohne.anmeldungen else [])]


def pdf_bytes(veranstaltung: Veranstaltung, art: str, runde: int | None = None) -> Pdf:
    """The PDF of one kind for the event as it stands: the signature sheet of everyone with a
    seat, a section per working group of the time slot `runde`; the public list (names and
    organisations of those who agreed, the others only as a number); or the badges, eight to an
    A4 sheet, each with the check-in QR code."""
    teilnehmende = sorted(teilnehmende_of(veranstaltung), key=lambda a: sort_key(a.name))
    if art == Druck.Art.TEILNEHMERLISTE:
        auf_der_liste = [a for a in teilnehmende if a.on_list]
        return render_pdf(
            "pdf/teilnehmerliste.html",
            {
                "veranstaltung": veranstaltung,
                "teilnehmende": auf_der_liste,
                "weitere": len(teilnehmende) - len(auf_der_liste),
            },
        )
    if art == Druck.Art.NAMENSSCHILDER:
        # The QR codes go to WeasyPrint as bytes, by name (netzwerk.pdf.BILDER), not as 250
        # data: URLs in the HTML to parse and decode again.
        bilder = {f"qr-{a.pk}.png": qr_png(a) for a in teilnehmende}
        schilder = [(a, f"qr-{a.pk}.png") for a in teilnehmende]
        seiten = [schilder[i : i + 8] for i in range(0, len(schilder), 8)]
        return render_pdf(
            "pdf/namensschilder.html",
            {"veranstaltung": veranstaltung, "seiten": seiten},
            bilder=bilder,
        )
    runden = runden_of(veranstaltung)
    runde = runde if runde in runden else (runden or [None])[0]
    return render_pdf(
        "pdf/unterschriftenliste.html",
        {
            "veranstaltung": veranstaltung,
            "abschnitte": abschnitte(veranstaltung, teilnehmende, runde),
            "runde": runde if len(runden) > 1 else None,
            "anzahl": len(teilnehmende),
        },
    )


def druck_create(*, veranstaltung: Veranstaltung, art: str, runde: int | None, user) -> Druck:
    """Ask for a PDF: the row now, the rendering by the worker after commit."""
    druck = Druck.objects.create(
        veranstaltung=veranstaltung,
        art=art,
        runde=runde,
        sprache=bestellsprache(),
        created_by=user,
    )
    transaction.on_commit(lambda: task_delay("konferenzen.tasks.render_druck", druck_id=druck.pk))
    return druck


def druck_render(*, druck_id: int, now=None) -> str:
    """Render and store the PDF (the worker's part). Run again, a finished one stays as it is."""
    druck = Druck.objects.select_related("veranstaltung").filter(pk=druck_id).first()
    if druck is None or druck.status == Druck.Status.FERTIG:
        return "nichts zu tun"
    try:
        with translation.override(druck.sprache or settings.LANGUAGE_CODE):
            pdf = pdf_bytes(druck.veranstaltung, druck.art, druck.runde)
    except Exception as error:  # noqa: BLE001 - recorded for the page; the task does not retry
        Druck.objects.filter(pk=druck.pk).update(
            status=Druck.Status.FEHLER, error=str(error)[:2000], finished_at=now or timezone.now()
        )
        raise
    druck.file.save(druck.filename, ContentFile(pdf), save=False)
    druck.pages = pdf.pages
    druck.status = Druck.Status.FERTIG
    druck.finished_at = now or timezone.now()
    druck.save(update_fields=["file", "pages", "status", "finished_at"])
    return "fertig"
