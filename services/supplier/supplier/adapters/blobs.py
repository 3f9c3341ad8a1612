"""Content-addressed storage of document files: the key is the file's sha256.

Two implementations behind one small interface: a local directory (the default) and any
S3-compatible store (by configuration). Writing the same content twice is a no-op, so a
put can be retried or raced safely.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from supplier.config import Settings

CHUNK_BYTES = 64 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobNotFound(LookupError):
    """No blob is stored under this hash."""


class BlobStore(Protocol):
    def put(self, sha256: str, content: bytes) -> bool:
        """Store `content` under its hash; False when it was already there (nothing written)."""

    def open(self, sha256: str) -> Iterator[bytes]:
        """The stored bytes in chunks; raises BlobNotFound."""

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None:
        """Remove the blob; deleting a missing blob is not an error."""


def _checked(sha256: str) -> str:
    # The hash becomes a path or object key: never let anything else through.
    if not _SHA256.match(sha256):
        raise ValueError(f"not a lower-case hex sha256: {sha256!r}")
    return sha256


def shard(sha256: str) -> str:
    """``ab/cd/abcd…``: two levels of 256 folders keep directories and key prefixes small."""
    sha256 = _checked(sha256)
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class LocalBlobStore:
    """Blobs as files under `root`, written to a temporary file and renamed into place atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        return self.root / shard(sha256)

    def put(self, sha256: str, content: bytes) -> bool:
        path = self._path(sha256)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        # A crash mid-write leaves only a temp file; readers never see a partial blob.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return True

    def open(self, sha256: str) -> Iterator[bytes]:
        try:
            handle = self._path(sha256).open("rb")
        except FileNotFoundError as error:
            raise BlobNotFound(sha256) from error
        return _chunks(handle)

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)


def _chunks(handle: Any) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


class S3BlobStore:
    """Blobs as objects in one bucket of an S3-compatible store (MinIO, Ceph, AWS...)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "documents/") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _key(self, sha256: str) -> str:
        return self.prefix + shard(sha256)

    def put(self, sha256: str, content: bytes) -> bool:
        if self.exists(sha256):
            return False
        self.client.put_object(Bucket=self.bucket, Key=self._key(sha256), Body=content)
        return True

    def open(self, sha256: str) -> Iterator[bytes]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))
        except self.client.exceptions.NoSuchKey as error:
            raise BlobNotFound(sha256) from error
        return _closing_chunks(response["Body"])

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))


def _closing_chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()


def make_blob_store(settings: Settings) -> BlobStore:
    """The blob store the settings name; built once at start-up."""
    if settings.blob_store == "local":
        return LocalBlobStore(settings.blob_dir)
    import boto3  # only deployments on S3 pay for importing it

    client = boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key.get_secret_value() if settings.s3_access_key else None,
        aws_secret_access_key=settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None,
    )
    return S3BlobStore(client, settings.s3_bucket)
