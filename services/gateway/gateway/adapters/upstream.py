"""Typed httpx clients for the internal supplier and scoring services.

A dependency that is down or slow answers a clear 503 problem, never a hang; an upstream 4xx
problem is passed on unchanged so the caller sees the field-level detail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import httpx

from shared.contracts.supplier_api import SupplierRead, SupplierRegistration
from shared.logging import CORRELATION_HEADER, current_correlation_id
from shared.problems import Problem


def unavailable(detail: str) -> Problem:
    """A dependency is down or failing: 503, and when to try again."""
    return Problem(503, "Dependency unavailable", detail, headers={"Retry-After": "5"})


class Upstream:
    def __init__(self, name: str, http: httpx.Client) -> None:
        self.name = name
        self.http = http

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise unavailable(f"The {self.name} service did not answer: {type(error).__name__}.") from error
        if response.status_code >= 500:
            raise unavailable(f"The {self.name} service failed ({response.status_code}).")
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


PAGE_LIMIT = 100  # the largest page the internal services serve


def _items(body: Any) -> list[dict[str, Any]]:
    """A list answer, bare or wrapped ({"items": [...]}, {"data": [...]}); tolerant of both."""
    if isinstance(body, dict):
        body = next((body[k] for k in ("items", "data", "results", "scorecards") if k in body), [])
    return [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []


def _missing(problem: Problem) -> bool:
    return problem.status == 404


class SupplierClient(Upstream):
    def register(self, registration: SupplierRegistration) -> SupplierRead:
        response = self.call("POST", "/v1/suppliers", json=registration.model_dump(mode="json"))
        return SupplierRead.model_validate(response.json())

    def get(self, supplier_id: UUID) -> SupplierRead:
        return SupplierRead.model_validate(self.call("GET", f"/v1/suppliers/{supplier_id}").json())

    def find(self, supplier_id: UUID) -> SupplierRead | None:
        try:
            return self.get(supplier_id)
        except Problem as problem:
            if _missing(problem):
                return None
            raise

    def by_uscc(self, uscc: str) -> SupplierRead | None:
        try:
            response = self.call("GET", f"/v1/suppliers/by-uscc/{uscc}")
        except Problem as problem:
            if _missing(problem):
                return None
            raise
        return SupplierRead.model_validate(response.json())

    def credentials(self, supplier_id: UUID, *, state: str | None = None) -> list[dict[str, Any]]:
        params = {"state": state} if state else {}
        return self._list(f"/v1/suppliers/{supplier_id}/credentials", params)

    def footprints(self, supplier_id: UUID, *, product_id: str) -> list[dict[str, Any]]:
        """Footprints naming ``product_id`` (a URN), any status; the caller picks the active one."""
        return self._list(f"/v1/suppliers/{supplier_id}/footprints", {"productId": product_id})

    def _list(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        """Every page of a supplier's records; none when the supplier (or the route) is unknown."""
        items: list[dict[str, Any]] = []
        query: dict[str, Any] = params | {"limit": PAGE_LIMIT}
        while True:
            try:
                body = self.call("GET", path, params=query).json()
            except Problem as problem:
                if _missing(problem):
                    return items
                raise
            items += _items(body)
            cursor = body.get("next_cursor") if isinstance(body, dict) else None
            if not cursor:
                return items
            query["cursor"] = cursor


class ScoringClient(Upstream):
    BATCH = 500  # the most supplier ids the scoring service takes in one request

    def scorecards(self, supplier_id: UUID) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/v1/scorecards/{supplier_id}").json())

    def supplier_scorecards(self, supplier_id: UUID) -> list[dict[str, Any]]:
        try:
            return _items(self.call("GET", f"/v1/scorecards/{supplier_id}").json())
        except Problem as problem:
            if _missing(problem):
                return []
            raise

    def scorecard_detail(self, supplier_id: UUID, year: int) -> dict[str, Any] | None:
        """One year's explained scorecard (with its gate results); None when there is none."""
        try:
            return dict(self.call("GET", f"/v1/scorecards/{supplier_id}/{year}").json())
        except Problem as problem:
            if _missing(problem):
                return None
            raise

    def batch_scorecards(self, supplier_ids: list[UUID], *, year: int | None = None) -> list[dict[str, Any]]:
        """Every scorecard of these suppliers (of ``year`` if given), in one request per 500 ids."""
        cards: list[dict[str, Any]] = []
        for start in range(0, len(supplier_ids), self.BATCH):
            chunk = supplier_ids[start : start + self.BATCH]
            params: dict[str, Any] = {"supplier_ids": ",".join(str(i) for i in chunk)}
            if year is not None:
                params["year"] = year
            cards += _items(self.call("GET", "/v1/scorecards", params=params).json())
        return cards


def make_proxy_client(base_url: str, *, token: str, timeout_s: float) -> httpx.AsyncClient:
    """An async client for forwarding: bodies stream through it instead of being held in memory."""

    async def add_correlation_id(request: httpx.Request) -> None:
        request.headers.setdefault(CORRELATION_HEADER, current_correlation_id())

    return httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=httpx.Timeout(timeout_s, connect=2.0),
        event_hooks={"request": [add_correlation_id]},
    )


class SupplierProxy:
    """Forwards a public request to the supplier service unchanged, streaming both bodies.

    The sibling of SupplierClient for routes whose bodies are files or whose shape the supplier
    service owns; the caller must close the answer (`aclose`) once it has been passed on.
    """

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: httpx.QueryParams,
        headers: dict[str, str],
        content: AsyncIterator[bytes] | bytes | None,
    ) -> httpx.Response:
        """The upstream answer, body not yet read; 503 when the service is down or fails."""
        request = self.http.build_request(method, path, params=params, headers=headers, content=content)
        try:
            response = await self.http.send(request, stream=True)
        except httpx.TransportError as error:
            raise unavailable(f"The supplier service did not answer: {type(error).__name__}.") from error
        if response.status_code >= 500:
            await response.aclose()
            raise unavailable(f"The supplier service failed ({response.status_code}).")
        return response
