"""Checking uploaded documents before they are stored.

A document is accepted only when its extension *and* its content agree on one
of the allowed types — PDF, ODT, DOCX, JPEG, PNG — and it is no larger than
``settings.DOCUMENT_MAX_BYTES`` (10 MiB unless set). The content is recognised
by its signature (the "magic bytes"); the office formats are ZIP archives, so
their table of contents is read too (never the whole archive).

Accepted files are renamed to a short, safe name: the original name may carry
personal data or path tricks, and a stored name must fit the FileField.
Stored documents live under MEDIA_ROOT, outside the web root, and are served
only by permission-checked views.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class DocumentType:
    name: str
    extensions: tuple[str, ...]
    content_type: str


PDF = DocumentType("PDF", (".pdf",), "application/pdf")
ODT = DocumentType("ODT", (".odt",), "application/vnd.oasis.opendocument.text")
DOCX = DocumentType("DOCX", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
JPEG = DocumentType("JPEG", (".jpg", ".jpeg"), "image/jpeg")
PNG = DocumentType("PNG", (".png",), "image/png")
DOCUMENT_TYPES = (PDF, ODT, DOCX, JPEG, PNG)
ACCEPT_ATTRIBUTE = ",".join(ext for t in DOCUMENT_TYPES for ext in t.extensions)


def max_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def type_for_extension(name: str) -> DocumentType | None:
    suffix = PurePath(name or "").suffix.lower()
    return next((t for t in DOCUMENT_TYPES if suffix in t.extensions), None)


def _zip_type(file) -> DocumentType | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(len(_ODT_MIMETYPE) + 1).strip() == _ODT_MIMETYPE:
                        return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def type_for_content(file) -> DocumentType | None:
    """The type the content's signature says, reading from the start of ``file``."""
    file.seek(0)
    head = file.read(8)
    found = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"PK\x03\x04"):
        file.seek(0)
        found = _zip_type(file)
    file.seek(0)
    return found


def validate_document(file) -> DocumentType:
    """Raise ValidationError unless ``file`` is an allowed document; return its type."""
    limit = max_bytes()
    if file.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s): the maximum is %(max)s.")
            % {"size": filesizeformat(file.size), "max": filesizeformat(limit)},
            code="file_too_large",
        )
    allowed = ", ".join(t.name for t in DOCUMENT_TYPES)
    by_name = type_for_extension(file.name)
    if by_name is None:
        raise ValidationError(
            _("This type of file is not accepted. Allowed types: %(types)s.") % {"types": allowed},
            code="file_type",
        )
    if type_for_content(file) != by_name:
        raise ValidationError(
            _("The content of the file is not a valid %(type)s document. Allowed types: %(types)s.")
            % {"type": by_name.name, "types": allowed},
            code="file_content",
        )
    return by_name


def safe_name(name: str) -> str:
    """A short ASCII file name keeping the (lower-case) extension."""
    path = PurePath(name or "")
    stem = slugify(path.stem)[:60] or "document"
    return f"{stem}{path.suffix.lower()}"


def content_type(name: str) -> str:
    found = type_for_extension(name)
    return found.content_type if found else "application/octet-stream"
