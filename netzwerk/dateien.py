"""What an uploaded file really is, read from its content, never from its name.

PDF, PNG and JPEG by their magic bytes; DOCX, XLSX and ODT are ZIP containers and are told apart
by the parts inside (an Office document's [Content_Types].xml and main part, an ODF file's
"mimetype" entry). Anything else, or a file whose name claims another type, is refused.

`dokument_pruefen` and `dokument_response` are the upload check and the download every app's
documents share (forum documents, minutes of events): the same types, messages and headers.
"""

import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Dateityp:
    endung: str
    content_type: str
    label: str


PDF = Dateityp("pdf", "application/pdf", "PDF")
PNG = Dateityp("png", "image/png", "PNG")
JPEG = Dateityp("jpg", "image/jpeg", "JPEG")
DOCX = Dateityp(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word (DOCX)",
)
XLSX = Dateityp(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"
)
ODT = Dateityp("odt", "application/vnd.oasis.opendocument.text", "OpenDocument-Text (ODT)")
DOKUMENT_TYPEN = (PDF, DOCX, XLSX, ODT, PNG, JPEG)
# Names people give these files; ".jpeg" is a JPEG as much as ".jpg".
ENDUNGEN = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "docx": DOCX, "xlsx": XLSX,
            "odt": ODT}  # fmt: skip


def _zip_typ(fileobj: IO[bytes]) -> Dateityp | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                # Read 100 bytes, never the whole entry: a small upload can unpack to gigabytes.
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).decode("ascii", "replace").strip()
                return ODT if mimetype == ODT.content_type else None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


def typ_erkennen(fileobj: IO[bytes]) -> Dateityp | None:
    """The type the content shows, or None. Leaves the file at its start."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _zip_typ(fileobj)
        return None
    finally:
        fileobj.seek(0)


def endung(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def megabytes(size: int) -> str:
    """Sizes as people read them on a file list: decimal megabytes, German comma."""
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB".replace(".0 MB", " MB").replace(".", ",")


def dokument_hinweis(max_bytes: int) -> str:
    """The help text of a document field: which types, how large."""
    return _("Erlaubt: %(typen)s; höchstens %(max)s.") % {
        "typen": ", ".join(t.label for t in DOKUMENT_TYPEN),
        "max": megabytes(max_bytes),
    }


def dokument_accept() -> str:
    """The file field's accept attribute: the file picker offers the allowed endings first."""
    return ",".join(f".{e}" for e in ENDUNGEN)


def dokument_pruefen(upload, *, max_bytes: int) -> Dateityp:
    """The type of an uploaded document, read from its content; a German ValidationError for a
    file too large, of another type, or whose name claims a type its content is not."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(max)s.")
            % {"size": megabytes(upload.size), "max": megabytes(max_bytes)}
        )
    typ = typ_erkennen(upload)
    if typ is None:
        raise ValidationError(
            _("Diese Datei ist keine PDF-, Word-, Excel-, ODT-, PNG- oder JPEG-Datei. "
              "Bitte laden Sie eines dieser Formate hoch.")
        )  # fmt: skip
    if ENDUNGEN.get(endung(upload.name)) != typ:
        raise ValidationError(
            _("Der Dateiname endet nicht auf das, was die Datei enthält (%(typ)s). Bitte "
              "benennen Sie die Datei passend, z. B. „protokoll.%(endung)s“.")
            % {"typ": typ.label, "endung": typ.endung}
        )  # fmt: skip
    return typ


def dokument_response(file: FieldFile, *, content_type: str, filename: str) -> FileResponse:
    """A stored document for a view that has checked the right to read it. PDF and images open
    in the browser, Office files download; nothing in it may run script, no cache keeps it."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=content_type not in (PDF.content_type, PNG.content_type, JPEG.content_type),
        filename=filename,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response
