"""What an uploaded file really is, read from its content, never from its name.

PDF, PNG and JPEG by their magic bytes; DOCX, XLSX and ODT are ZIP containers and are told apart
by the parts inside (an Office document's [Content_Types].xml and main part, an ODF file's
"mimetype" entry). Anything else, or a file whose name claims another type, is refused.
"""

import zipfile
from dataclasses import dataclass
from typing import IO


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
