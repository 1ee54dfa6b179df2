"""What a document's file is, read from its bytes rather than its name: PDF, PNG and JPEG by their
signatures, DOCX, XLSX, ODT and ODS by the members of their ZIP container. A file whose content is
none of these, or disagrees with its extension, is refused."""

import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

# Content type -> the extensions a file of that type may carry; the first is the one we store.
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    ODT: ("odt",),
    ODS: ("ods",),
}
ALLOWED_NAMES = "PDF, DOCX, XLSX, ODT, ODS, JPG, PNG"
# The ODF ``mimetype`` member is a few dozen bytes; more is not an ODF file.
MIMETYPE_LIMIT = 100


def _refuse() -> ValidationError:
    return ValidationError(
        _("This file is not one of the allowed types (%(types)s), or its name does not match its content.")
        % {"types": ALLOWED_NAMES},
        code="file_type",
    )


def _zip_type(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= MIMETYPE_LIMIT:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return mimetype if mimetype in (ODT, ODS) else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError):
        return None
    return None


def sniff_content_type(stream: IO[bytes]) -> str | None:
    """The content type of ``stream`` read from its bytes, or None when it is none we accept.
    The stream is left at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "application/pdf"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "image/png"
        if head.startswith(b"\xff\xd8\xff"):
            return "image/jpeg"
        if head.startswith(b"PK\x03\x04"):
            return _zip_type(stream)
        return None
    finally:
        stream.seek(0)


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(name: str, stream: IO[bytes], size: int) -> str:
    """The content type of an upload named ``name``; a ValidationError when it is too large, of a
    type we do not accept, or named as another type than it is."""
    limit = settings.DOCUMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, code="file_size"
        )
    content_type = sniff_content_type(stream)
    if content_type is None or extension_of(name) not in EXTENSIONS[content_type]:
        raise _refuse()
    return content_type
