import hashlib
import io

import pytest
from pypdf import PdfWriter

from supplier.domain.documents import (
    JPEG,
    PDF,
    PNG,
    DocumentRejected,
    DocumentTooLarge,
    check_document,
    check_size,
    detect_media_type,
    sha256_hex,
    sniff_media_type,
)
from supplier.domain.errors import SupplierError

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"


def make_pdf(pages: int = 1, user_password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_valid_pdf() -> None:
    content = make_pdf(pages=2)
    checked = check_document(content)
    assert checked.media_type == PDF
    assert checked.extension == "pdf"
    assert checked.size_bytes == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(("content", "media_type"), [(PNG_BYTES, PNG), (JPEG_BYTES, JPEG)])
def test_images_by_magic_bytes(content: bytes, media_type: str) -> None:
    assert detect_media_type(content) == media_type


def test_text_file_named_pdf_is_rejected() -> None:
    # Only the bytes count: a text file uploaded as "certificate.pdf" is still text.
    with pytest.raises(DocumentRejected, match="only PDF, PNG and JPEG"):
        check_document(b"This is certainly a certificate, trust me.\n")


def test_truncated_pdf_is_rejected() -> None:
    content = make_pdf()
    with pytest.raises(DocumentRejected, match="truncated"):
        check_document(content[: len(content) // 2])


def test_truncated_pdf_with_forged_end_marker_is_rejected() -> None:
    content = make_pdf()
    with pytest.raises(DocumentRejected, match="cannot be read"):
        check_document(content[: len(content) // 2] + b"\n%%EOF\n")


def test_pdf_header_on_garbage_is_rejected() -> None:
    with pytest.raises(DocumentRejected):
        check_document(b"%PDF-1.7\nnot really a pdf\n%%EOF\n")


def test_password_protected_pdf_is_rejected() -> None:
    with pytest.raises(DocumentRejected, match="password"):
        check_document(make_pdf(user_password="secret"))


def test_pdf_with_owner_password_only_is_accepted() -> None:
    assert check_document(make_pdf(user_password="")).media_type == PDF


@pytest.mark.parametrize(
    "content",
    [b"GIF89a\x01\x00\x01\x00", b"PK\x03\x04zipfile", b"<html>%PDF-</html>", b"\xff\xd8", b"\x89PNG"],
)
def test_other_types_are_rejected(content: bytes) -> None:
    assert sniff_media_type(content) is None
    with pytest.raises(DocumentRejected):
        detect_media_type(content)


def test_size_helper() -> None:
    check_size(10, max_bytes=10)
    with pytest.raises(DocumentTooLarge) as exc:
        check_size(11, max_bytes=10)
    assert exc.value.size == 11
    assert "limit is 10 bytes" in str(exc.value)
    with pytest.raises(DocumentRejected, match="empty"):
        check_size(0)


def test_check_document_applies_the_size_limit() -> None:
    with pytest.raises(DocumentTooLarge):
        check_document(make_pdf(), max_bytes=100)
    with pytest.raises(DocumentRejected, match="empty"):
        check_document(b"")


def test_sha256_hex() -> None:
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_rejections_are_domain_errors() -> None:
    assert issubclass(DocumentRejected, SupplierError)
    assert issubclass(DocumentTooLarge, DocumentRejected)
