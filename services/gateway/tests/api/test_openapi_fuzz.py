"""Schemathesis against the gateway's own OpenAPI document: no input may make it answer a 5xx of its own.

The app runs in-process on the real, migrated PostgreSQL of the API tests, with the same keys as the
shared `api` app (so tenants' tokens verify) but rate limits out of the way. Upstream services sit at a
port nobody serves: a forwarding route that passes validation and authorisation answers 503, a
dependency-down problem with `Retry-After`, which is the expected answer and not a server bug.

Callers: a buyer holding every buyer scope; on a supplier's records (paths under
`/v1/suppliers/{supplier_id}`, and registering suppliers) the platform operator, so the fuzzer gets past
authorisation to the validation behind it. Bounded and deterministic for CI: a fixed seed, a few examples
per operation, no SSE stream (it never ends) and no /metrics (plain text by design).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response, response_content_type
from schemathesis.generation.case import Case
from schemathesis.python.asgi import shutdown_lifespans

from gateway.api.app import create_app
from gateway.config import Settings
from launcher.tenants import Tenants
from shared.problems import PROBLEM_JSON

EXAMPLES_PER_OPERATION = 15
SEED = 20_250_501
EXCLUDED_PATHS = ["/v1/events/stream", "/metrics"]
PLATFORM_PATHS = ("/v1/suppliers/{supplier_id}", "/v1/suppliers")
UNLIMITED = {
    "rate_limit_per_s": 1e6,
    "rate_limit_burst": 1_000_000,
    "public_rate_limit_per_s": 1e6,
    "public_rate_limit_burst": 1_000_000,
}

SUPPLIER = "0b9f1c2e-5f4a-4a53-9c61-3f0f4b6a8d21"
# A quantity whose product with a footprint would overflow Decimal's exponent range.
PRODUCT = {"product_id": "urn:pact:p:1", "category": "steel", "quantity": "1e999999"}
CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True},
}


def document_only_app() -> FastAPI:
    """An app to read the OpenAPI document from at collection time: placeholder settings, never started."""
    placeholder = "document-only-placeholder-" + "x" * 32
    return create_app(
        Settings(
            database_url="postgresql+psycopg://unused@127.0.0.1:9/unused",
            kafka_bootstrap_servers="127.0.0.1:9",
            supplier_url="http://127.0.0.1:9",
            scoring_url="http://127.0.0.1:9",
            internal_token=placeholder,
            token_signing_key=placeholder,
            webhook_secret_key=placeholder,
        )
    )


@pytest.fixture(scope="module")
def fuzz_app(api: TestClient) -> Iterator[FastAPI]:
    """The app the fuzzer calls: the `api` app's keys and database, rate limits out of the way."""
    shared: Settings = api.app.state.gateway_settings
    yield create_app(shared.model_copy(update=UNLIMITED))
    shutdown_lifespans()  # schemathesis started the app's lifespan; stop it before the database goes


@pytest.fixture(scope="module")
def bearer(api_tenants: Tenants) -> dict[str, dict[str, str]]:
    """Authorization headers: a buyer with every buyer scope, and the platform operator."""
    return {
        "buyer": api_tenants.buyer("fuzzing buyer").headers,
        "platform": api_tenants.platform_admin().headers,
    }


def caller(case: Case) -> str:
    path = case.operation.path
    return "platform" if path.startswith(PLATFORM_PATHS) else "buyer"


def problems_in(response: Response) -> list[str]:
    """What is wrong with an answer: a server error of our own, or an error that is not problem+json."""
    found = []
    media_type = (response_content_type(response) or "").split(";")[0].strip()
    status = response.status_code
    if status >= 500 and status != 503:
        found.append(f"server error {status}")
    if status == 503 and "retry-after" not in {name.lower() for name in response.headers}:
        found.append("503 without Retry-After")
    if status >= 400 and media_type != PROBLEM_JSON:
        found.append(f"{status} answered as {media_type or 'no content type'}, not {PROBLEM_JSON}")
    return found


# Loaded at collection from an app that is never started (the document needs no database), so every
# operation is its own test; the calls go to `fuzz_app`. schemathesis.pytest.from_fixture would load it
# from a fixture instead, but its lazy tests read a pytest node attribute that pytest 9 no longer has.
schema = schemathesis.openapi.from_dict(
    document_only_app().openapi(), config=SchemathesisConfig.from_dict(CONFIG)
).exclude(path=EXCLUDED_PATHS)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: Case, fuzz_app: FastAPI, bearer: dict[str, dict[str, str]]) -> None:
    response = case.call(app=fuzz_app, headers=bearer[caller(case)])
    found = problems_in(response)
    assert not found, f"{case.as_curl_command()}\n-> {response.status_code} {response.text[:500]}\n{found}"


def _resolved(schema: dict[str, Any], components: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema a body refers to, or each alternative of an optional body (`anyOf: [X, null]`)."""
    if "$ref" in schema:
        return _resolved(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema:
        return [s for alternative in schema["anyOf"] for s in _resolved(alternative, components)]
    return [schema]


def test_openapi_has_examples() -> None:
    """Every operation is described, and every JSON request body shows an example to start from."""
    document = document_only_app().openapi()
    components = document["components"]["schemas"]
    undescribed, without_example = [], []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            if not (operation.get("summary") and operation.get("description")):
                undescribed.append(label)
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media is None or "example" in media or "examples" in media:
                continue
            if not any("examples" in s or "example" in s for s in _resolved(media["schema"], components)):
                without_example.append(label)
    assert not undescribed, f"operations without a summary and a description: {undescribed}"
    assert not without_example, f"JSON request bodies without an example: {without_example}"


EDGE_INPUTS = [
    ("GET", "/v1/supply-base?category=%00", None, {}, "#/query/category"),
    ("GET", "/v1/policies/default/versions/2147483648", None, {}, "#/path/version"),
    ("PUT", "/v1/policies/default", {}, {"If-Match": '"²"'.encode("latin-1")}, "#/header/If-Match"),
    ("POST", "/v1/supply-base", {"supplier_id": SUPPLIER, "category": "a\u0000b"}, {}, "#/category"),
    ("POST", "/v1/procurement/checks", {"supplier_id": SUPPLIER, "products": [PRODUCT]}, {}, "#/products/0"),
]


@pytest.mark.parametrize(("method", "path", "body", "headers", "pointer"), EDGE_INPUTS)
def test_edge_inputs_are_named_problems(
    api: TestClient,
    bearer: dict[str, dict[str, str]],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    headers: dict[str, str | bytes],
    pointer: str,
) -> None:
    """Inputs the fuzzer cannot reach past the unreachable upstreams (or rarely draws) are 4xx problems
    naming the field, before anything touches PostgreSQL or the decision arithmetic."""
    response = api.request(method, path, json=body, headers=bearer["buyer"] | headers)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert any(e["pointer"].startswith(pointer) for e in response.json()["errors"]), response.json()
