"""Reading multipart uploads as a stream, with a running size check per part.

Starlette's form parser spools any size of file to disk before the route sees it; here each
part has its own limit and the body is read chunk by chunk, so an oversized document is refused
(413) once it passes its limit, holding at most limit + one chunk in memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from shared.problems import Problem
from supplier.adapters.blobs import BlobStore
from supplier.domain.documents import DocumentRejected, DocumentTooLarge, check_document, sniff_media_type
from supplier.service_layer.credentials import DocumentUpload

if TYPE_CHECKING:  # the callbacks' TypedDict exists for type checkers only
    from python_multipart.multipart import MultipartCallbacks

MULTIPART = "multipart/form-data"


def get_blobs(request: Request) -> BlobStore:
    blobs: BlobStore = request.app.state.blobs
    return blobs


def get_document_limit(request: Request) -> int:
    return int(request.app.state.max_document_bytes)


BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
DocumentLimitDep = Annotated[int, Depends(get_document_limit)]


def field_problem(status: int, title: str, field: str, detail: str) -> Problem:
    """A problem naming the offending field with a JSON pointer."""
    return Problem(status, title, detail, errors=[{"pointer": f"#/{field}", "detail": detail}])


class _Collector:
    """python-multipart callbacks that keep the named parts, each up to its own limit."""

    def __init__(self, limits: Mapping[str, int]) -> None:
        self.limits = limits
        self.parts: dict[str, bytearray] = {}
        self._name: str | None = None
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda data, start, end: self._grow("_header_name", data[start:end]),
            "on_header_value": lambda data, start, end: self._grow("_header_value", data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
        }

    def _grow(self, attribute: str, chunk: bytes) -> None:
        setattr(self, attribute, getattr(self, attribute) + chunk)

    def _begin(self) -> None:
        self._name, self._disposition = None, b""

    def _header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        # Parts we do not know are read past and dropped, never buffered.
        self._name = name if name in self.limits else None
        if self._name is not None:
            if self._name in self.parts:
                raise field_problem(422, "Invalid upload", self._name, "this part is given more than once")
            self.parts[self._name] = bytearray()

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._name is None:
            return
        part = self.parts[self._name]
        part.extend(data[start:end])
        if len(part) > self.limits[self._name]:
            raise field_problem(
                413,
                "Upload too large",
                self._name,
                f"{self._name} exceeds its limit of {self.limits[self._name]} bytes",
            )


async def read_multipart(
    content_type: str, stream: AsyncIterator[bytes], limits: Mapping[str, int]
) -> dict[str, bytes]:
    """The parts named in `limits` from a multipart/form-data body; 413 as soon as one is too big."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise Problem(400, "Malformed multipart body", "The Content-Type has no boundary.")
    collector = _Collector(limits)
    parser = MultipartParser(boundary, collector.callbacks())
    try:
        async for chunk in stream:
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        raise Problem(400, "Malformed multipart body", str(error)) from error
    return {name: bytes(content) for name, content in collector.parts.items()}


def checked_upload(content: bytes, *, max_bytes: int, field: str = "document") -> DocumentUpload:
    """Check an upload by its content: 413 too large, 415 not a PDF/PNG/JPEG, 422 damaged or empty."""
    try:
        return DocumentUpload(checked=check_document(content, max_bytes), content=content)
    except DocumentTooLarge as error:
        raise field_problem(413, "Upload too large", field, str(error)) from error
    except DocumentRejected as error:
        if content and sniff_media_type(content) is None:
            raise field_problem(415, "Unsupported document type", field, str(error)) from error
        raise field_problem(422, "Document rejected", field, str(error)) from error
