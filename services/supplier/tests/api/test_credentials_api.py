"""Credentials over HTTP on a real, migrated PostgreSQL: submission, bad input, lifecycle, listing."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfWriter
from sqlalchemy import Engine, create_engine, func, select

from supplier.adapters.blobs import LocalBlobStore
from supplier.adapters.orm import outbox
from supplier.adapters.tables.credentials import credentials, documents
from supplier.api.uploads import checked_upload
from supplier.domain.credentials import parse_credential
from supplier.service_layer.credentials import submit_credential
from supplier.service_layer.unit_of_work import UnitOfWork

MAX_DOCUMENT_BYTES = 200_000


@pytest.fixture(scope="module")
def blob_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("blobs")


@pytest.fixture(scope="module")
def client(supplier_client, blob_dir: Path) -> TestClient:
    return supplier_client(blob_dir=blob_dir, max_document_bytes=MAX_DOCUMENT_BYTES)


@pytest.fixture(scope="module")
def engine(supplier_db_url: str) -> Iterator[Engine]:
    engine = create_engine(supplier_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def supplier_id(client: TestClient) -> str:
    body = {
        "legal_name": "Test Co",
        "country": "DE",
        "registry_id": f"DE:{uuid.uuid4().hex}",
        "industry_code": "C3825",
    }
    response = client.post("/v1/suppliers", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def pdf_bytes(note: str = "", pad_bytes: int = 0) -> bytes:
    """A valid one-page PDF, made unique by `note` and as large as `pad_bytes` (an attachment)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Subject": note or uuid.uuid4().hex})
    if pad_bytes:
        writer.add_attachment("padding.bin", uuid.uuid4().bytes * (pad_bytes // 16))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def iso14001(**overrides: Any) -> dict[str, Any]:
    return {
        "type": "iso_14001",
        "number": f"CN-EMS-{uuid.uuid4().hex[:10]}",
        "issuer": "CQC",
        "standard": "ISO 14001:2015",
        "scope": "fasteners",
        "issued_on": "2025-01-10",
        "expires_on": "2028-01-09",
    } | overrides


def submit(client: TestClient, supplier_id: str, credential: dict[str, Any], document: bytes | None = None):
    url = f"/v1/suppliers/{supplier_id}/credentials"
    if document is None:
        return client.post(url, json=credential)
    files = {
        "credential": (None, json.dumps(credential), "application/json"),
        "document": ("certificate.pdf", document, "application/pdf"),
    }
    return client.post(url, files=files)


def pointers(response) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return [e["pointer"] for e in response.json().get("errors", [])]


def events(engine: Engine, supplier_id: str) -> list[tuple[str, dict[str, Any]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.key == supplier_id, outbox.c.event_type.like("%credential%"))
            .order_by(outbox.c.seq)
        )
        return [(row.event_type.split(".")[-2], row.payload) for row in rows]


def count(engine: Engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def blob_files(blob_dir: Path) -> set[str]:
    return {p.name for p in blob_dir.rglob("*") if p.is_file()}


# --- submission ------------------------------------------------------------------------------------


def test_json_submission_is_stored_and_announced(client, engine, supplier_id):
    response = submit(client, supplier_id, iso14001())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "submitted"
    assert body["attributes"] == {"standard": "ISO 14001:2015"}
    assert body["document_url"] is None
    assert response.headers["location"].endswith(body["id"])
    assert client.get(response.headers["location"]).json() == body
    [(kind, payload)] = events(engine, supplier_id)
    assert kind == "submitted"
    snapshot = payload["credential"]
    assert snapshot["credential_id"] == body["id"]
    assert snapshot["attributes"] == {"standard": "ISO 14001:2015", "scope": "fasteners"}
    assert snapshot["expires_on"] == "2028-01-09"


def test_snapshot_attributes_are_strings(client, engine, supplier_id):
    grade = {
        "type": "green_code_grade",
        "number": f"GC-{uuid.uuid4().hex[:8]}",
        "issuer": "MIIT",
        "issued_on": "2025-03-01",
        "grade": "A+",
        "year": 2025,
        "overall_position": {"rank": 3, "out_of": 500},
    }
    assert submit(client, supplier_id, grade).status_code == 201
    [(_, payload)] = events(engine, supplier_id)
    attributes = payload["credential"]["attributes"]
    assert attributes["grade"] == "A+"
    assert attributes["year"] == "2025"
    assert all(isinstance(v, str) for v in attributes.values())


def test_multipart_submission_stores_the_document_and_download_streams_it(client, engine, supplier_id):
    document = pdf_bytes()
    response = submit(client, supplier_id, iso14001(), document)
    assert response.status_code == 201, response.text
    body = response.json()
    sha256 = hashlib.sha256(document).hexdigest()
    assert body["document_sha256"] == sha256
    download = client.get(body["document_url"])
    assert download.status_code == 200
    assert download.content == document
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["etag"] == f'"{sha256}"'
    cached = client.get(body["document_url"], headers={"If-None-Match": f'"{sha256}"'})
    assert cached.status_code == 304
    [(_, payload)] = events(engine, supplier_id)
    assert payload["credential"]["document_sha256"] == sha256


def test_the_same_file_uploaded_twice_is_stored_once(client, engine, blob_dir, supplier_id):
    document = pdf_bytes()
    first = submit(client, supplier_id, iso14001(), document).json()
    second = submit(client, supplier_id, iso14001(), document).json()
    sha256 = first["document_sha256"]
    assert second["document_sha256"] == sha256
    assert count(engine, documents, documents.c.sha256 == sha256) == 1
    assert sorted(blob_files(blob_dir)).count(sha256) == 1
    assert client.get(second["document_url"]).content == document


def test_document_can_be_attached_after_the_submission_once(client, engine, supplier_id):
    created = submit(client, supplier_id, iso14001()).json()
    url = f"/v1/suppliers/{supplier_id}/credentials/{created['id']}/document"
    document = pdf_bytes()
    attached = client.post(url, files={"document": ("scan.pdf", document, "application/pdf")})
    assert attached.status_code == 200, attached.text
    assert attached.json()["version"] == 2
    assert client.get(url).content == document
    again = client.post(url, files={"document": ("scan.pdf", pdf_bytes(), "application/pdf")})
    assert again.status_code == 409
    assert [kind for kind, _ in events(engine, supplier_id)] == ["submitted", "submitted"]


# --- bad input ---------------------------------------------------------------------------------


def test_a_text_file_named_pdf_is_refused_by_content(client, engine, blob_dir, supplier_id):
    before = blob_files(blob_dir)
    response = submit(client, supplier_id, iso14001(), b"just some text, not a PDF at all\n")
    assert response.status_code == 415
    assert pointers(response) == ["#/document"]
    assert count(engine, credentials, credentials.c.supplier_id == supplier_id) == 0
    assert blob_files(blob_dir) == before


def test_a_truncated_pdf_is_422(client, engine, supplier_id):
    document = pdf_bytes()
    response = submit(client, supplier_id, iso14001(), document[: len(document) // 2])
    assert response.status_code == 422
    assert pointers(response) == ["#/document"]
    assert "truncated" in response.json()["errors"][0]["detail"]
    assert count(engine, credentials, credentials.c.supplier_id == supplier_id) == 0


def test_an_empty_document_part_is_422(client, supplier_id):
    response = submit(client, supplier_id, iso14001(), b"")
    assert response.status_code == 422
    assert pointers(response) == ["#/document"]


def test_an_oversized_document_is_413(client, engine, blob_dir, supplier_id):
    before = blob_files(blob_dir)
    response = submit(client, supplier_id, iso14001(), pdf_bytes(pad_bytes=MAX_DOCUMENT_BYTES + 10))
    assert response.status_code == 413
    assert pointers(response) == ["#/document"]
    assert count(engine, credentials, credentials.c.supplier_id == supplier_id) == 0
    assert blob_files(blob_dir) == before


def test_expiry_before_issue_is_422_naming_expires_on(client, supplier_id):
    response = submit(client, supplier_id, iso14001(issued_on="2025-05-01", expires_on="2024-05-01"))
    assert response.status_code == 422
    assert pointers(response) == ["#/expires_on"]
    multipart = submit(client, supplier_id, iso14001(expires_on="2020-01-01"), pdf_bytes())
    assert multipart.status_code == 422
    assert pointers(multipart) == ["#/credential/expires_on"]


def test_unknown_type_is_422_naming_type(client, supplier_id):
    response = submit(client, supplier_id, iso14001(type="iso_99999"))
    assert response.status_code == 422
    assert pointers(response) == ["#/type"]
    assert "iso_14001" in response.json()["errors"][0]["detail"]


def test_missing_type_specific_field_is_named(client, supplier_id):
    response = submit(client, supplier_id, {k: v for k, v in iso14001().items() if k != "standard"})
    assert response.status_code == 422
    assert pointers(response) == ["#/standard"]


def test_malformed_bodies_are_4xx_problems(client, supplier_id):
    url = f"/v1/suppliers/{supplier_id}/credentials"
    assert (
        client.post(url, content=b"{not json", headers={"content-type": "application/json"}).status_code
        == 400
    )
    assert client.post(url, json=["a", "list"]).status_code == 422
    no_credential = client.post(url, files={"document": ("a.pdf", pdf_bytes(), "application/pdf")})
    assert no_credential.status_code == 422
    assert pointers(no_credential) == ["#/credential"]
    no_boundary = client.post(url, content=b"x", headers={"content-type": "multipart/form-data"})
    assert no_boundary.status_code == 400


def test_duplicate_type_issuer_number_is_409_and_leaves_no_orphan_file(client, engine, blob_dir, supplier_id):
    credential = iso14001()
    assert submit(client, supplier_id, credential).status_code == 201
    document = pdf_bytes()
    sha256 = hashlib.sha256(document).hexdigest()
    same_identity = credential | {"issuer": "cqc", "number": credential["number"].lower()}
    response = submit(client, supplier_id, same_identity, document)
    assert response.status_code == 409
    assert sha256 not in blob_files(blob_dir)
    assert count(engine, documents, documents.c.sha256 == sha256) == 0
    assert count(engine, credentials, credentials.c.supplier_id == supplier_id) == 1


def test_unknown_supplier_or_credential_is_404_and_no_token_is_401(client, supplier_id):
    assert submit(client, str(uuid.uuid4()), iso14001()).status_code == 404
    assert client.get(f"/v1/suppliers/{supplier_id}/credentials/{uuid.uuid4()}").status_code == 404
    assert client.get(f"/v1/suppliers/{supplier_id}/credentials/{uuid.uuid4()}/document").status_code == 404
    created = submit(client, supplier_id, iso14001()).json()
    assert client.get(f"/v1/suppliers/{supplier_id}/credentials/{created['id']}/document").status_code == 404
    anonymous = client.get(f"/v1/suppliers/{supplier_id}/credentials", headers={"Authorization": ""})
    assert anonymous.status_code == 401


# --- lifecycle -----------------------------------------------------------------------------------


def test_verify_then_revoke_publishes_each_step(client, engine, supplier_id):
    created = submit(client, supplier_id, iso14001()).json()
    base = f"/v1/suppliers/{supplier_id}/credentials/{created['id']}"
    verified = client.post(f"{base}/verify", json={"reviewer": "auditor-7"})
    assert verified.status_code == 200
    assert verified.json()["state"] == "verified"
    refused = client.post(f"{base}/reject", json={"reviewer": "auditor-7", "reason": "late"})
    assert refused.status_code == 409
    assert "a verified credential cannot become rejected" in refused.json()["detail"]
    revoked = client.post(f"{base}/revoke", json={"reason": "certificate withdrawn by CQC"})
    assert revoked.json()["state"] == "revoked"
    assert revoked.json()["version"] == 3
    assert client.post(f"{base}/revoke", json={}).status_code == 409
    kinds = [(kind, payload["credential"]["state"]) for kind, payload in events(engine, supplier_id)]
    assert kinds == [("submitted", "submitted"), ("verified", "verified"), ("revoked", "revoked")]
    assert events(engine, supplier_id)[1][1]["reviewer"] == "auditor-7"
    assert events(engine, supplier_id)[2][1]["reason"] == "certificate withdrawn by CQC"


def test_reject_needs_a_reason_and_frees_the_number_for_resubmission(client, engine, supplier_id):
    credential = iso14001()
    created = submit(client, supplier_id, credential).json()
    base = f"/v1/suppliers/{supplier_id}/credentials/{created['id']}"
    blank = client.post(f"{base}/reject", json={"reviewer": "auditor-7", "reason": "  "})
    assert blank.status_code == 422
    assert pointers(blank) == ["#/reason"]
    rejected = client.post(f"{base}/reject", json={"reviewer": "auditor-7", "reason": "illegible scan"})
    assert rejected.json()["state"] == "rejected"
    assert rejected.json()["reason"] == "illegible scan"
    assert client.post(f"{base}/revoke", json={}).status_code == 409
    assert submit(client, supplier_id, credential).status_code == 201  # a rejected one holds no number
    assert events(engine, supplier_id)[1][1]["reason"] == "illegible scan"


def test_list_filters_and_pages(client, supplier_id):
    ids = [submit(client, supplier_id, iso14001()).json()["id"] for _ in range(3)]
    grade = {
        "type": "green_factory",
        "number": "GF-1",
        "issuer": f"MIIT {uuid.uuid4().hex}",
        "issued_on": "2024-01-01",
        "level": "national",
        "list_year": 2024,
    }
    factory = submit(client, supplier_id, grade).json()["id"]
    client.post(f"/v1/suppliers/{supplier_id}/credentials/{ids[0]}/verify", json={"reviewer": "r"})
    url = f"/v1/suppliers/{supplier_id}/credentials"
    seen, cursor = [], None
    while True:
        page = client.get(url, params={"limit": 2} | ({"cursor": cursor} if cursor else {})).json()
        seen += [item["id"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [*ids, factory]
    assert [c["id"] for c in client.get(url, params={"type": "green_factory"}).json()["items"]] == [factory]
    assert [c["id"] for c in client.get(url, params={"state": "verified"}).json()["items"]] == [ids[0]]
    assert client.get(url, params={"state": "bogus"}).status_code == 422
    assert client.get(url, params={"cursor": "bogus"}).status_code == 400


class CommitFails(UnitOfWork):
    def commit(self) -> None:
        raise RuntimeError("the database went away at commit")


def test_a_failed_commit_removes_the_file_it_wrote_but_not_a_committed_one(
    client, engine, blob_dir, supplier_id
):
    blobs = LocalBlobStore(blob_dir)
    fresh = checked_upload(pdf_bytes(), max_bytes=MAX_DOCUMENT_BYTES)
    with pytest.raises(RuntimeError):
        submit_credential(
            supplier_id=uuid.UUID(supplier_id),
            credential=parse_credential(iso14001()),
            document=fresh,
            blobs=blobs,
            uow=CommitFails(engine),
        )
    assert not blobs.exists(fresh.checked.sha256)
    assert count(engine, documents, documents.c.sha256 == fresh.checked.sha256) == 0

    stored = pdf_bytes()
    assert submit(client, supplier_id, iso14001(), stored).status_code == 201
    again = checked_upload(stored, max_bytes=MAX_DOCUMENT_BYTES)
    with pytest.raises(RuntimeError):
        submit_credential(
            supplier_id=uuid.UUID(supplier_id),
            credential=parse_credential(iso14001()),
            document=again,
            blobs=blobs,
            uow=CommitFails(engine),
        )
    assert blobs.exists(again.checked.sha256)  # a committed credential still needs it
