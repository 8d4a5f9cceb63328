"""Tables as coordinators have them in Excel: the first sheet of an XLSX file, or a CSV file as
Excel writes it on German Windows (; , or tab, UTF-8 or cp1252). Read by the registry's import
(akteure.importer) and the indicator import (netzwerk.sozialmonitoring)."""

import csv
import io

MAX_BYTES = 10_000_000
MAX_ROWS = 20_000


class ImportFehler(Exception):
    """The file as a whole cannot be read; the message is for the coordinator, in German."""


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the first sheet of an XLSX file, or of a CSV file (; , or tab)."""
    if not data:
        raise ImportFehler("Die Datei ist leer.")
    if len(data) > MAX_BYTES:
        raise ImportFehler(f"Die Datei ist zu groß (höchstens {MAX_BYTES // 1_000_000} MB).")
    if data[:4] == b"PK\x03\x04":  # XLSX is a zip archive
        rows = _read_xlsx(data)
    elif filename.lower().endswith((".xlsx", ".xls", ".ods")) or b"\x00" in data[:2048]:
        raise ImportFehler(
            "Diese Datei kann das Portal nicht lesen. Bitte speichern Sie sie in Excel als "
            "„Excel-Arbeitsmappe (.xlsx)“ oder als „CSV (Trennzeichen-getrennt)“."
        )
    else:
        rows = _read_csv(data)
    rows = [r for r in rows if any(c for c in r)]
    if not rows:
        raise ImportFehler("Die Datei enthält keine Zeilen.")
    headers = [h or f"Spalte {i + 1}" for i, h in enumerate(rows[0])]
    body = rows[1:]
    if not body:
        raise ImportFehler("Die Datei enthält nur die Kopfzeile, aber keine Daten.")
    if len(body) > MAX_ROWS:
        raise ImportFehler(f"Die Datei hat zu viele Zeilen (höchstens {MAX_ROWS}).")
    width = len(headers)
    return headers, [(r + [""] * width)[:width] for r in body]


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # what Excel writes on German Windows
    sample = text[:5000]
    delimiter = max(";,\t", key=sample.count)
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any broken archive is the same message to a person
        raise ImportFehler("Die Excel-Datei ist beschädigt oder kein Excel-Format.") from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
