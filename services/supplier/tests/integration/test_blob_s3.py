"""S3BlobStore against moto's real S3-compatible HTTP server, built from settings as in production."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from launcher.paths import free_port
from supplier.adapters.blobs import BlobNotFound, S3BlobStore, make_blob_store
from supplier.config import Settings

BUCKET = "documents-test"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    url = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    ).create_bucket(Bucket=BUCKET)
    yield url
    server.stop()


@pytest.fixture
def store(endpoint: str) -> S3BlobStore:
    settings = Settings(
        database_url="postgresql+psycopg://unused@127.0.0.1/unused",
        kafka_bootstrap_servers="127.0.0.1:9",
        internal_token="unused",
        blob_store="s3",
        s3_endpoint_url=endpoint,
        s3_bucket=BUCKET,
        s3_access_key="test-key",
        s3_secret_key="test-secret",
    )
    blobs = make_blob_store(settings)
    assert isinstance(blobs, S3BlobStore)
    return blobs


def test_put_open_exists_delete_over_http(store: S3BlobStore):
    content = b"%PDF-1.7 " + bytes(range(256)) * 2000  # several chunks
    key = hashlib.sha256(content).hexdigest()
    assert not store.exists(key)
    assert store.put(key, content) is True
    assert store.put(key, content) is False  # content-addressed: stored once
    assert store.exists(key)
    assert b"".join(store.open(key)) == content
    listed = store.client.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert [o["Key"] for o in listed if o["Key"].endswith(key)] == [f"documents/{key[:2]}/{key[2:4]}/{key}"]
    store.delete(key)
    assert not store.exists(key)


def test_open_missing_raises_not_found(store: S3BlobStore):
    with pytest.raises(BlobNotFound):
        store.open(hashlib.sha256(b"never stored").hexdigest())
