"""Checks on an uploaded credential document, by its content and never by its name.

Accepted: PDF (``%PDF-`` header, an ``%%EOF`` marker near the end, and pypdf can
read its page tree), PNG and JPEG (magic bytes). The caller enforces the size limit
before reading the whole body; :func:`check_size` is the shared rule.
"""

import hashlib
import io
from dataclasses import dataclass
from typing import Final

from pypdf import PdfReader

from supplier.domain.errors import SupplierError

PDF: Final = "application/pdf"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
ACCEPTED_MEDIA_TYPES: Final = frozenset({PDF, PNG, JPEG})
EXTENSIONS: Final = {PDF: "pdf", PNG: "png", JPEG: "jpg"}
DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024

_MAGIC: Final = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
# The PDF spec puts %%EOF at the very end; readers tolerate trailing bytes, as pypdf's
# strict mode does within the last 1 KiB. A cut-off upload has no %%EOF there.
_EOF_WINDOW: Final = 1024


class DocumentRejected(SupplierError):
    """The upload is not an acceptable document; the message says why."""


class DocumentTooLarge(DocumentRejected):
    def __init__(self, size: int, max_bytes: int) -> None:
        super().__init__(f"document is {size} bytes; the limit is {max_bytes} bytes")
        self.size = size
        self.max_bytes = max_bytes


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    media_type: str
    sha256: str
    size_bytes: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.media_type]


def check_size(size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise :class:`DocumentTooLarge` if ``size`` exceeds ``max_bytes``; empty is rejected too."""
    if size <= 0:
        raise DocumentRejected("document is empty")
    if size > max_bytes:
        raise DocumentTooLarge(size, max_bytes)


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sniff_media_type(content: bytes) -> str | None:
    """The media type announced by the magic bytes, or None. Does not prove the file is sound."""
    for magic, media_type in _MAGIC:
        if content.startswith(magic):
            return media_type
    return None


def detect_media_type(content: bytes) -> str:
    """The media type of an acceptable document; raises :class:`DocumentRejected` otherwise."""
    media_type = sniff_media_type(content)
    if media_type is None:
        raise DocumentRejected("unsupported file type: only PDF, PNG and JPEG documents are accepted")
    if media_type == PDF:
        _check_pdf(content)
    return media_type


def check_document(content: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedDocument:
    """Size, type and hash of an upload, or :class:`DocumentRejected` saying what is wrong."""
    check_size(len(content), max_bytes)
    media_type = detect_media_type(content)
    return CheckedDocument(media_type=media_type, sha256=sha256_hex(content), size_bytes=len(content))


def _check_pdf(content: bytes) -> None:
    if b"%%EOF" not in content[-_EOF_WINDOW:]:
        raise DocumentRejected("PDF is truncated or damaged: no end-of-file marker")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentRejected("PDF is password-protected; upload it without a password")
        pages = len(reader.pages)
    except DocumentRejected:
        raise
    except Exception as exc:
        # Untrusted input: pypdf reports malformed files with many exception types
        # (PdfReadError, ValueError, KeyError, RecursionError...). All mean "unreadable".
        raise DocumentRejected(f"PDF cannot be read: {type(exc).__name__}: {exc}") from exc
    if pages == 0:
        raise DocumentRejected("PDF has no pages")
