"""Tables as CSV (German Excel: semicolon, UTF-8 with BOM) or XLSX downloads.

In the CSV a date is the text people read; in the XLSX it is a real date cell in local time
(Excel knows no time zones), so the spreadsheet sorts and filters by it. `lokalzeit` and
`lokaldatum` give both: the text, carrying the value for the spreadsheet.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("csv", "xlsx")
DATUM = "DD.MM.YYYY"
ZEITPUNKT = "DD.MM.YYYY HH:MM"
# Excel's limits for a sheet's name.
SHEET_VERBOTEN = re.compile(r"[\[\]:*?/\\]")
SHEET_LAENGE = 31
# Column widths in characters: wide enough for a date and the header, never a screen wide.
BREITE_MIN, BREITE_MAX = 8, 60


def export_format(request) -> str | None:
    """The export a list page was asked for (?export=csv or xlsx), or None for the page."""
    fmt = request.GET.get("export")
    return fmt if fmt in FORMATS else None


class Zeitwert(str):
    """A date or moment as its text for the CSV, with the value itself for the XLSX."""

    wert: date | datetime

    def __new__(cls, text: str, wert: date | datetime):
        obj = super().__new__(cls, text)
        obj.wert = wert
        return obj


def lokalzeit(value) -> str:
    """A moment as people read it in a table: local time, to the minute; empty if none."""
    if not value:
        return ""
    return Zeitwert(timezone.localtime(value).strftime("%d.%m.%Y %H:%M"), value)


def lokaldatum(value, text_format: str = "%d.%m.%Y") -> str:
    """The local day of a moment (or a date) for a table; empty if none."""
    if not value:
        return ""
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    return Zeitwert(day.strftime(text_format), day)


def _text(value) -> str:
    text = str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ is data, not a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _cell(value) -> str | int | float:
    """A CSV cell."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    if isinstance(value, Zeitwert):
        return str(value)
    if isinstance(value, datetime):
        return lokalzeit(value)
    if isinstance(value, date):
        return lokaldatum(value)
    return _text(value)


def _xlsx_value(value):
    """An XLSX cell's value and its number format (None: the default)."""
    if isinstance(value, Zeitwert):
        value = value.wert
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)  # in the portal's zone, Europe/Berlin
        return value, ZEITPUNKT
    if isinstance(value, date):
        return value, DATUM
    if value is None:
        return None, None
    if isinstance(value, int | float):
        return value, None
    return _text(value), None


def _breite(value, number_format) -> int:
    if number_format:
        return len(number_format)
    return max((len(line) for line in str(value).splitlines()), default=0) if value else 0


def sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\, at most 31 characters, not empty."""
    title = SHEET_VERBOTEN.sub(" ", name).strip().strip("'")[:SHEET_LAENGE].strip()
    return title or "Tabelle"


def _xlsx(*, sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet_title(sheet))
    table = [[_xlsx_value(v) for v in row] for row in rows]  # widths need every row first
    widths = [len(str(h)) for h in headers]
    for row in table:
        for i, (value, number_format) in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], _breite(value, number_format))
            else:
                widths.append(_breite(value, number_format))
    for i, width in enumerate(widths, start=1):
        letter = get_column_letter(i)
        worksheet.column_dimensions[letter].width = min(max(width + 2, BREITE_MIN), BREITE_MAX)
    worksheet.freeze_panes = "A2"  # the header stays when scrolling
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(worksheet, value=_text(header))
        cell.font = bold
        header_cells.append(cell)
    worksheet.append(header_cells)
    for row in table:
        cells = []
        for value, number_format in row:
            cell = WriteOnlyCell(worksheet, value=value)
            if number_format:
                cell.number_format = number_format
            cells.append(cell)
        worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(
    *,
    fmt: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    sheet: str | None = None,
) -> HttpResponse:
    """The table as a download; `sheet` names the XLSX's sheet (the file's name if not given)."""
    if fmt == "xlsx":
        response = HttpResponse(
            _xlsx(sheet=sheet or filename, headers=headers, rows=rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(headers)
        writer.writerows([_cell(v) for v in row] for row in rows)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
