"""The local content-addressed blob store: sharded paths, atomic idempotent writes, streaming reads."""

import hashlib

import pytest

from supplier.adapters.blobs import BlobNotFound, LocalBlobStore, shard


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_put_open_exists_delete(tmp_path):
    store = LocalBlobStore(tmp_path)
    content = b"%PDF-1.7 " + bytes(range(256)) * 1000
    key = sha(content)
    assert not store.exists(key)
    assert store.put(key, content) is True
    assert store.exists(key)
    assert b"".join(store.open(key)) == content
    assert (tmp_path / key[:2] / key[2:4] / key).is_file()
    store.delete(key)
    store.delete(key)  # deleting twice is fine
    assert not store.exists(key)


def test_the_same_content_is_written_once_and_no_temp_files_remain(tmp_path):
    store = LocalBlobStore(tmp_path)
    key = sha(b"x")
    assert store.put(key, b"x") is True
    assert store.put(key, b"x") is False
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [key]


def test_open_missing_raises_not_found(tmp_path):
    with pytest.raises(BlobNotFound):
        LocalBlobStore(tmp_path).open(sha(b"missing"))


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABC", "a" * 63, "A" * 64, "g" * 64])
def test_only_sha256_hex_names_a_blob(key):
    with pytest.raises(ValueError, match="sha256"):
        shard(key)
