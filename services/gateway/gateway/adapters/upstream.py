"""Typed httpx clients for the internal supplier and scoring services.

A dependency that is down or slow answers a clear 503 problem, never a hang; an upstream 4xx
problem is passed on unchanged so the caller sees the field-level detail.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx

from shared.contracts.supplier_api import SupplierRead, SupplierRegistration
from shared.problems import Problem


class Upstream:
    def __init__(self, name: str, http: httpx.Client) -> None:
        self.name = name
        self.http = http

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise Problem(
                503,
                "Dependency unavailable",
                f"The {self.name} service did not answer: {type(error).__name__}.",
                headers={"Retry-After": "5"},
            ) from error
        if response.status_code >= 500:
            raise Problem(
                503,
                "Dependency unavailable",
                f"The {self.name} service failed ({response.status_code}).",
                headers={"Retry-After": "5"},
            )
        if response.status_code >= 400:
            raise _passed_on(response)
        return response


def _passed_on(response: httpx.Response) -> Problem:
    try:
        body = response.json()
    except ValueError:
        body = {}
    extensions = {
        k: v for k, v in body.items() if k not in {"type", "title", "status", "detail", "correlation_id"}
    }
    return Problem(
        response.status_code, body.get("title", "Request failed"), body.get("detail"), **extensions
    )


class SupplierClient(Upstream):
    def register(self, registration: SupplierRegistration) -> SupplierRead:
        response = self.call("POST", "/v1/suppliers", json=registration.model_dump(mode="json"))
        return SupplierRead.model_validate(response.json())

    def get(self, supplier_id: UUID) -> SupplierRead:
        return SupplierRead.model_validate(self.call("GET", f"/v1/suppliers/{supplier_id}").json())


class ScoringClient(Upstream):
    def scorecards(self, supplier_id: UUID) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/v1/scorecards/{supplier_id}").json())
