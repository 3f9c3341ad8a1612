"""Streaming multipart reading and content checks of uploads: pure, no server."""

import asyncio
import io

import pytest
from pypdf import PdfWriter

from shared.problems import Problem
from supplier.api.uploads import checked_upload, read_multipart

BOUNDARY = "----greenchain"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def form(*pairs: tuple[str, bytes], **parts: bytes) -> bytes:
    body = b""
    for name, content in [*pairs, *parts.items()]:
        body += (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.bin"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    return body + f"--{BOUNDARY}--\r\n".encode()


class Stream:
    """An async body stream that counts how much of the body was read."""

    def __init__(self, body: bytes, chunk: int = 1024) -> None:
        self.chunks = [body[i : i + chunk] for i in range(0, len(body), chunk)]
        self.read = 0

    async def __aiter__(self):
        for chunk in self.chunks:
            self.read += len(chunk)
            yield chunk


def read(body: bytes, limits: dict[str, int], stream: Stream | None = None) -> dict[str, bytes]:
    return asyncio.run(read_multipart(CONTENT_TYPE, stream or Stream(body), limits))


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_named_parts_are_kept_and_unknown_parts_dropped():
    parts = read(
        form(credential=b'{"a": 1}', other=b"x" * 10_000, document=b"doc"),
        {"credential": 100, "document": 10},
    )
    assert parts == {"credential": b'{"a": 1}', "document": b"doc"}


def test_an_oversized_part_stops_the_read_early_with_413():
    body = form(document=b"x" * 1_000_000)
    stream = Stream(body)
    with pytest.raises(Problem) as raised:
        read(body, {"document": 10_000}, stream)
    assert raised.value.status == 413
    assert raised.value.extensions["errors"][0]["pointer"] == "#/document"
    assert stream.read < 10_000 + 2 * 1024  # never more than the limit plus a chunk or two


def test_a_repeated_part_is_422_and_a_missing_boundary_400():
    with pytest.raises(Problem) as raised:
        read(form(("document", b"a"), ("document", b"b")), {"document": 10})
    assert raised.value.status == 422
    with pytest.raises(Problem) as raised:
        asyncio.run(read_multipart("multipart/form-data", Stream(b"x"), {"document": 10}))
    assert raised.value.status == 400


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"plain text named certificate.pdf", 415),
        (b"", 422),
        (pdf()[:200], 422),
        (b"%PDF-1.7\n garbage without structure\n%%EOF\n", 422),
    ],
)
def test_content_checks_map_to_statuses_naming_the_document(content, status):
    with pytest.raises(Problem) as raised:
        checked_upload(content, max_bytes=1_000_000)
    assert raised.value.status == status
    assert raised.value.extensions["errors"][0]["pointer"] == "#/document"


def test_a_sound_pdf_passes_with_its_hash_and_an_oversized_one_is_413():
    upload = checked_upload(pdf(), max_bytes=1_000_000)
    assert upload.checked.media_type == "application/pdf"
    assert len(upload.checked.sha256) == 64
    with pytest.raises(Problem) as raised:
        checked_upload(pdf(), max_bytes=100)
    assert raised.value.status == 413
