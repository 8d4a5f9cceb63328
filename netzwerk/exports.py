"""Tables as CSV (German Excel: semicolon, UTF-8 with BOM) or XLSX downloads."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMATS = ("csv", "xlsx")


def export_format(request) -> str | None:
    """The export a list page was asked for (?export=csv or xlsx), or None for the page."""
    fmt = request.GET.get("export")
    return fmt if fmt in FORMATS else None


def lokalzeit(value) -> str:
    """A moment as people read it in a table: local time, to the minute; empty if none."""
    from django.utils import timezone

    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""


def _cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    # Spreadsheet formula injection: a cell starting with = + - @ is data, not a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def table_response(
    *, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(list(headers))
        for row in rows:
            sheet.append([_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
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
