"""Supplier records at the public edge: authorised by the gateway, forwarded unchanged to the supplier
service. A small local HTTP server stands in for the supplier service and records what arrives."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from launcher.tenants import Tenants

DOCUMENT = b"%PDF-1.7\n" + bytes(range(256)) * 4096  # ~1 MiB, binary
FOOTPRINT_OWNERS: dict[str, str] = {}  # footprint id -> supplier id, as the stand-in answers


@dataclass
class Upstream:
    """Answers like the supplier service would, and keeps every request it got."""

    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    port: int = 0


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    seen = Upstream()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _record(self) -> bytes:
            if self.headers.get("transfer-encoding") == "chunked":
                body = b""
                while (size := int(self.rfile.readline().strip(), 16)) > 0:
                    body += self.rfile.read(size)
                    self.rfile.readline()
                self.rfile.readline()
            else:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
            seen.requests.append(
                (self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            return body

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._record()
            if self.path.startswith("/v1/footprints/"):
                owner = FOOTPRINT_OWNERS.get(self.path.removeprefix("/v1/footprints/"), str(uuid.uuid4()))
                body = json.dumps({"id": self.path.rsplit("/", 1)[1], "supplier_id": owner}).encode()
                self._answer(200, body, {"content-type": "application/json"})
            elif self.path.endswith("/document"):
                self._answer(200, DOCUMENT, {"content-type": "application/pdf", "etag": '"abc"'})
            else:
                problem = {"type": "about:blank", "title": "Credential not found", "status": 404}
                self._answer(404, json.dumps(problem).encode(), {"content-type": "application/problem+json"})

        def do_POST(self) -> None:
            body = self._record()
            path = self.path.split("?")[0]
            location = (
                f"/v1/imports/{uuid.uuid4()}" if path.endswith("/imports") else f"{path}/{uuid.uuid4()}"
            )
            self._answer(
                201,
                json.dumps({"received_bytes": len(body)}).encode(),
                {"content-type": "application/json", "location": location},
            )

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    seen.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield seen
    server.shutdown()


@pytest.fixture(scope="module")
def edge(make_app, upstream: Upstream) -> TestClient:
    return make_app(supplier_url=f"http://127.0.0.1:{upstream.port}", max_body_bytes=4 * 1_048_576)


@pytest.fixture(scope="module")
def tenants(edge: TestClient, gateway_database_url: str) -> Iterator[Tenants]:
    made = Tenants(gateway_database_url, edge)
    yield made
    made.close()


def test_a_multipart_credential_upload_reaches_the_supplier_service_intact(
    edge: TestClient, upstream: Upstream, tenants: Tenants
):
    supplier_id = str(uuid.uuid4())
    supplier = tenants.supplier_org(supplier_id)
    metadata = json.dumps({"type": "iso_14001", "number": "CN-14001-1"})
    response = edge.post(
        f"/v1/suppliers/{supplier_id}/credentials?dry_run=false",
        headers=supplier.headers | {"Idempotency-Key": "k-1"},
        files={"document": ("iso14001.pdf", DOCUMENT, "application/pdf")},
        data={"credential": metadata},
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"].startswith(f"/v1/suppliers/{supplier_id}/credentials/")
    method, path, headers, body = upstream.requests[-1]
    assert (method, path) == ("POST", f"/v1/suppliers/{supplier_id}/credentials?dry_run=false")
    assert headers["content-type"].startswith("multipart/form-data; boundary=")
    assert DOCUMENT in body
    assert metadata.encode() in body
    assert headers["idempotency-key"] == "k-1"
    # The caller's token stays at the edge; the supplier service sees the service credential.
    assert headers["authorization"] != supplier.headers["Authorization"]
    assert response.json() == {"received_bytes": len(body)}


def test_a_buyer_downloads_a_document_of_a_supplier_in_its_supply_base(
    edge: TestClient, tenants: Tenants, engine
):
    from gateway.adapters.tables.buyers import supply_base

    supplier_id = uuid.uuid4()
    buyer = tenants.buyer("downloader")
    with engine.begin() as conn:
        conn.execute(supply_base.insert().values(buyer_id=buyer.organisation_id, supplier_id=supplier_id))
    url = f"/v1/suppliers/{supplier_id}/credentials/{uuid.uuid4()}/document"
    with edge.stream("GET", url, headers=buyer.headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["etag"] == '"abc"'
        assert b"".join(response.iter_bytes()) == DOCUMENT
    outsider = tenants.buyer("outsider")
    assert edge.get(url, headers=outsider.headers).status_code == 404


def test_an_upstream_problem_is_passed_on_unchanged(edge: TestClient, tenants: Tenants):
    supplier_id = str(uuid.uuid4())
    supplier = tenants.supplier_org(supplier_id)
    response = edge.get(f"/v1/suppliers/{supplier_id}/credentials/{uuid.uuid4()}", headers=supplier.headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Credential not found"


def test_a_supplier_service_that_is_down_is_a_503(api: TestClient, api_tenants: Tenants):
    supplier_id = str(uuid.uuid4())
    supplier = api_tenants.supplier_org(supplier_id)
    response = api.get(f"/v1/suppliers/{supplier_id}/sites", headers=supplier.headers)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"] == "application/problem+json"


def test_writes_to_another_suppliers_records_are_404_and_never_forwarded(
    edge: TestClient, upstream: Upstream, tenants: Tenants
):
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    supplier = tenants.supplier_org(mine)
    before = len(upstream.requests)
    response = edge.post(f"/v1/suppliers/{theirs}/sites", headers=supplier.headers, json={"name": "x"})
    assert response.status_code == 404
    assert len(upstream.requests) == before


def test_a_footprint_is_read_under_its_own_supplier_only(
    edge: TestClient, upstream: Upstream, tenants: Tenants
):
    owner, other = str(uuid.uuid4()), str(uuid.uuid4())
    footprint_id = str(uuid.uuid4())
    FOOTPRINT_OWNERS[footprint_id] = owner
    own = edge.get(
        f"/v1/suppliers/{owner}/footprints/{footprint_id}", headers=tenants.supplier_org(owner).headers
    )
    assert own.status_code == 200
    assert upstream.requests[-1][1] == f"/v1/footprints/{footprint_id}"
    # Another supplier naming this footprint under its own id learns nothing.
    foreign = edge.get(
        f"/v1/suppliers/{other}/footprints/{footprint_id}", headers=tenants.supplier_org(other).headers
    )
    assert foreign.status_code == 404


def test_an_import_answers_with_its_public_location(edge: TestClient, tenants: Tenants):
    supplier_id = str(uuid.uuid4())
    response = edge.post(
        f"/v1/suppliers/{supplier_id}/imports?kind=performance",
        headers=tenants.supplier_org(supplier_id).headers | {"content-type": "text/csv"},
        content=b"year,energy_kgce\n2025,1000\n",
    )
    assert response.status_code == 201
    assert response.headers["location"].startswith(f"/v1/suppliers/{supplier_id}/imports/")
