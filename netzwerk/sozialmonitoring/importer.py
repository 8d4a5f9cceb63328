"""Import of an indicator's values from CSV or XLSX, as the statistics office sends them: one row
per Sozialraum and year. As with the registry's import (akteure.importer): check every row and
list each problem with its row number; store all rows in one transaction, or none while one row
is wrong.

A Sozialraum is found by its name or by its key (Sozialraum.schluessel: AGS/ARS or the town's own
code), in any case and spacing. A value about fewer persons than SOZIALMONITORING_MINDESTZAHL
(the row's "Anzahl", or the value itself where it counts persons) is stored as suppressed,
without the figure, and the preview says so: the portal never holds what could point to a family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Sozialraum
from ..tabellen import ImportFehler, read_table
from ..text import norm_name
from .models import Indikator, IndikatorImport, IndikatorWert

# Header names, compared as netzwerk.text.norm_name writes them (no case, umlauts spelt out, no
# spaces and punctuation): the first column that matches.
SPALTEN = {
    "sozialraum": ("sozialraum", "stadtteil", "bezirk", "gebiet", "quartier", "schluessel",
                   "ags", "ars", "code", "kennziffer", "district", "area"),
    "jahr": ("jahr", "year", "stichjahr", "berichtsjahr"),
    "wert": ("wert", "value", "anteil", "quote", "zahl"),
    "anzahl": ("anzahl", "fallzahl", "personen", "grundgesamtheit", "basis", "n", "count",
               "persons"),
}  # fmt: skip
PFLICHT = ("sozialraum", "jahr", "wert")
GROESSTER_WERT = Decimal(10) ** 12
DEZIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
MEHRFACH_TAUSENDER = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3}){2,}$")  # 1.234.567
MEHRDEUTIG = re.compile(r"^-?[1-9][0-9]{0,2}\.[0-9]{3}$")  # 12.345
TAUSENDER = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$")  # 1.234,5


@dataclass
class Pruefung:
    zeilen: list[dict] = field(default_factory=list)
    fehler: list[str] = field(default_factory=list)
    hinweise: list[str] = field(default_factory=list)


def spalten(headers: list[str]) -> dict[str, int]:
    """Which column holds what, by its header; raises ImportFehler naming the missing ones."""
    gefunden: dict[str, int] = {}
    normiert = [norm_name(h) for h in headers]

    def passt(kopf: str, name: str) -> bool:  # "Anteil in %" is a value, "n" only itself
        return kopf == name or (len(name) > 3 and kopf.startswith(name))

    for feld, namen in SPALTEN.items():
        for index, kopf in enumerate(normiert):
            if index in gefunden.values():
                continue
            if any(passt(kopf, n) for n in namen):
                gefunden[feld] = index
                break
    fehlen = [f for f in PFLICHT if f not in gefunden]
    if fehlen:
        raise ImportFehler(
            _(
                "Es fehlen Spalten: %(fehlen)s. Die Datei braucht eine Kopfzeile mit "
                "„Sozialraum“ (Name oder Schlüssel), „Jahr“ und „Wert“, dazu wahlweise „Anzahl“ "
                "(wie viele Personen der Wert beschreibt)."
            )
            % {"fehlen": ", ".join(f"„{f.capitalize()}“" for f in fehlen)}
        )
    return gefunden


def _bereinigt(text: str) -> str:
    return text.replace("\u00a0", "").replace(" ", "").removesuffix("%")


def zahl(text: str) -> Decimal | None:
    """A number as German and English files write it (12,5 · 1.234,5 · 12.5 · 0.125 · 12,5 %);
    None if it is none. With a comma, the comma is the decimal point and dots group thousands;
    without one, a dot is the decimal point, unless it groups thousands twice (1.234.567)."""
    text = _bereinigt(text)
    if "," in text:
        if "." in text:
            if not TAUSENDER.match(text):
                return None
            text = text.replace(".", "")
        text = text.replace(",", ".")
    elif MEHRFACH_TAUSENDER.match(text):
        text = text.replace(".", "")
    if not DEZIMAL.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def mehrdeutig(text: str) -> bool:
    """12.345 is 12345 in a German file and 12.345 in an English one: the import asks."""
    return bool(MEHRDEUTIG.match(_bereinigt(text)))


MEHRDEUTIGER_SOZIALRAUM = (0, "")


def _sozialraum_lookup() -> dict[str, tuple[int, str]]:
    """Name and key of every district, as the import compares them; a spelling two districts
    share (a key like another's name) is marked ambiguous, never given to either."""
    lookup: dict[str, tuple[int, str]] = {}
    for pk, name, schluessel in Sozialraum.objects.values_list("pk", "name", "schluessel"):
        for wort in {norm_name(name), norm_name(schluessel)} - {""}:
            if lookup.get(wort, (pk, name))[0] != pk:
                lookup[wort] = MEHRDEUTIGER_SOZIALRAUM
            else:
                lookup[wort] = (pk, name)
    return lookup


def check(indikator: Indikator, headers: list[str], rows: list[list[str]]) -> Pruefung:
    """Every row checked; `zeilen` holds the good ones, ready for execute()."""
    pruefung = Pruefung()
    index = spalten(headers)
    lookup = _sozialraum_lookup()
    mindest = settings.SOZIALMONITORING_MINDESTZAHL
    erstes, letztes = settings.SOZIALMONITORING_ERSTES_JAHR, timezone.localdate().year
    gesehen: dict[tuple[int, int], int] = {}
    vorhanden = set(
        IndikatorWert.objects.filter(indikator=indikator).values_list("sozialraum", "jahr")
    )
    for nummer, row in enumerate(rows, start=2):  # row 1 is the header
        zelle = {f: row[i].strip() for f, i in index.items()}
        fehler: list[str] = []
        sozialraum = lookup.get(norm_name(zelle["sozialraum"])) if zelle["sozialraum"] else None
        if not zelle["sozialraum"]:
            fehler.append(_("Sozialraum fehlt"))
        elif sozialraum is None:
            fehler.append(
                _("Sozialraum „%(s)s“ ist unbekannt (weder Name noch Schlüssel)")
                % {"s": zelle["sozialraum"]}
            )
        elif sozialraum is MEHRDEUTIGER_SOZIALRAUM:
            fehler.append(
                _(
                    "Sozialraum „%(s)s“ ist mehrdeutig: so heißt einer und so ist der Schlüssel "
                    "eines anderen (Vokabular Sozialräume)"
                )
                % {"s": zelle["sozialraum"]}
            )
            sozialraum = None
        jahr = int(zelle["jahr"]) if re.fullmatch(r"[0-9]{4}", zelle["jahr"]) else None
        if jahr is None:
            fehler.append(_("Jahr „%(j)s“ ist keine Jahreszahl") % {"j": zelle["jahr"]})
        elif not erstes <= jahr <= letztes:
            fehler.append(
                _("Jahr %(j)s liegt nicht zwischen %(von)s und %(bis)s")
                % {"j": jahr, "von": erstes, "bis": letztes}
            )
        wert = zahl(zelle["wert"])
        if not zelle["wert"]:
            fehler.append(_("Wert fehlt"))
        elif mehrdeutig(zelle["wert"]):
            fehler.append(
                _(
                    "Wert „%(w)s“ ist mehrdeutig: Tausenderpunkt oder Dezimalpunkt? Bitte ohne "
                    "Tausenderpunkt oder mit Komma schreiben"
                )
                % {"w": zelle["wert"]}
            )
            wert = None
        elif wert is None:
            fehler.append(_("Wert „%(w)s“ ist keine Zahl") % {"w": zelle["wert"]})
        else:
            wert = wert.quantize(Decimal("0.01"), ROUND_HALF_UP)  # as the column stores it
            if abs(wert) >= GROESSTER_WERT:  # IndikatorWert.wert: 12 digits before the comma
                fehler.append(_("Wert „%(w)s“ ist zu groß") % {"w": zelle["wert"]})
                wert = None
        anzahl = None
        if zelle.get("anzahl"):
            anzahl = zahl(zelle["anzahl"])
            if anzahl is None or anzahl < 0 or anzahl != anzahl.to_integral_value():
                fehler.append(
                    _("Anzahl „%(a)s“ ist keine Zahl von Personen") % {"a": zelle["anzahl"]}
                )
                anzahl = None
        if sozialraum is not None and jahr is not None:
            schon = gesehen.setdefault((sozialraum[0], jahr), nummer)
            if schon != nummer:
                fehler.append(
                    _("%(s)s %(j)s steht schon in Zeile %(z)s")
                    % {"s": sozialraum[1], "j": jahr, "z": schon}
                )
        if fehler:
            pruefung.fehler.append(_("Zeile %(z)s: %(f)s.") % {"z": nummer, "f": "; ".join(fehler)})
            continue
        unterdrueckt = _zu_klein(indikator, wert, anzahl, mindest)
        if unterdrueckt:
            pruefung.hinweise.append(
                _(
                    "Zeile %(z)s: %(s)s %(j)s beschreibt weniger als %(m)s Personen. Der Wert "
                    "wird nicht gespeichert und nirgends gezeigt."
                )
                % {"z": nummer, "s": sozialraum[1], "j": jahr, "m": mindest}
            )
        pruefung.zeilen.append(
            {
                "zeile": nummer,
                "sozialraum": sozialraum[0],
                "sozialraum_name": sozialraum[1],
                "jahr": jahr,
                "wert": None if unterdrueckt else str(wert),
                "anzahl": None if anzahl is None else str(anzahl),
                "unterdrueckt": unterdrueckt,
                "ersetzt": (sozialraum[0], jahr) in vorhanden,
            }
        )
    return pruefung


def _zu_klein(indikator: Indikator, wert: Decimal | None, anzahl: Decimal | None, mindest) -> bool:
    """The figure is about fewer persons than the threshold: the row's "Anzahl", or the value
    itself where the indicator counts persons."""
    personen = anzahl if anzahl is not None else (wert if indikator.zaehlt_personen else None)
    return personen is not None and personen < mindest


def pruefen(*, indikator: Indikator, data: bytes, dateiname: str, user) -> IndikatorImport:
    """Read and check an upload; the result is kept for the preview (raises ImportFehler when the
    file as a whole cannot be read)."""
    headers, rows = read_table(data, dateiname)
    pruefung = check(indikator, headers, rows)
    return IndikatorImport.objects.create(
        indikator=indikator,
        dateiname=dateiname[:255],
        zeilen=pruefung.zeilen,
        fehler=pruefung.fehler,
        hinweise=pruefung.hinweise,
        erstellt_von=user,
    )


class NichtUebernommen(Exception):
    """The checked import cannot be stored; the message says why, in German."""


def uebernehmen(*, vorgang: IndikatorImport) -> int:
    """Store every checked row, replacing the values of the same district and year, or nothing.
    Returns the number of rows stored."""
    with transaction.atomic():
        # The indicator locked: two imports for it taken over at once replace one after the
        # other, and its definition (counts persons or not) holds while the rows are written.
        indikator = Indikator.objects.select_for_update().get(pk=vorgang.indikator_id)
        vorgang = IndikatorImport.objects.select_for_update().get(pk=vorgang.pk)
        if vorgang.uebernommen_am is not None:
            raise NichtUebernommen(_("Dieser Import ist schon übernommen."))
        if vorgang.fehler:
            raise NichtUebernommen(
                _("Die Datei hat Fehler: korrigieren Sie sie und laden Sie sie neu hoch.")
            )
        zeilen = vorgang.zeilen
        # Suppressed again by today's rule: the indicator or the threshold may have changed since
        # the check (a row checked as 3 % of 40 stays; a count of 3 persons goes).
        mindest = settings.SOZIALMONITORING_MINDESTZAHL
        for z in zeilen:
            wert = None if z["wert"] is None else Decimal(z["wert"])
            anzahl = None if z.get("anzahl") is None else Decimal(z["anzahl"])
            if not z["unterdrueckt"] and _zu_klein(indikator, wert, anzahl, mindest):
                z["wert"], z["unterdrueckt"] = None, True
        bekannt = set(
            Sozialraum.objects.filter(pk__in={z["sozialraum"] for z in zeilen}).values_list(
                "pk", flat=True
            )
        )
        weg = sorted({z["sozialraum_name"] for z in zeilen if z["sozialraum"] not in bekannt})
        if weg:
            raise NichtUebernommen(
                _("Inzwischen gelöscht: %(s)s. Bitte laden Sie die Datei neu hoch.")
                % {"s": ", ".join(weg)}
            )
        jetzt = timezone.now()
        for jahr in {z["jahr"] for z in zeilen}:
            IndikatorWert.objects.filter(
                indikator=indikator,
                jahr=jahr,
                sozialraum__in=[z["sozialraum"] for z in zeilen if z["jahr"] == jahr],
            ).delete()
        IndikatorWert.objects.bulk_create(
            IndikatorWert(
                indikator=indikator,
                sozialraum_id=z["sozialraum"],
                jahr=z["jahr"],
                wert=None if z["wert"] is None else Decimal(z["wert"]),
                unterdrueckt=z["unterdrueckt"],
                importiert_am=jetzt,
            )
            for z in zeilen
        )
        vorgang.uebernommen_am = jetzt
        vorgang.save(update_fields=["uebernommen_am"])
        Indikator.objects.filter(pk=vorgang.indikator_id).update(updated_at=jetzt)
    return len(zeilen)
