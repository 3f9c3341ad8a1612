"""A buyer's procurement flow through the public gateway, on the whole running system.

A platform registers a supplier; the buyer adds it to its supply base by USCC, looks up its
compliance, sets a policy and runs a check that is denied; the supplier publishes its data (a PACT
footprint, an ISO 14001 certificate a reviewer verifies) and the same check is then allowed, with
the evidence of both. Tokens come from the real token endpoint (`tenants`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from launcher.stack import Stack
from launcher.tenants import Tenant, Tenants
from launcher.testing import wait_until
from shared.identifiers import USCC_ALPHABET, uscc_check_character

BOLT = "urn:pact:product:gtin:04012345678901"
POLICY = {
    "required_credentials": ["iso_14001"],
    "max_footprints": [{"category": "fasteners", "declared_unit": "kilogram", "max_kgco2e_per_unit": "2.5"}],
    "max_logistics_intensity_gco2e_per_tkm": "120",
}


def new_uscc() -> str:
    body = "91" + "".join(USCC_ALPHABET[b % 31] for b in uuid.uuid4().bytes[:15])
    return body + uscc_check_character(body)


def as_tenant(stack: Stack, tenant: Tenant) -> httpx.Client:
    return httpx.Client(base_url=stack.url("gateway"), headers=tenant.headers, timeout=30)


@pytest.fixture(scope="module")
def supplier(stack: Stack, tenants: Tenants) -> dict:
    body = {"legal_name": "Ningbo Bolt Works", "country": "CN", "uscc": new_uscc(), "industry_code": "C3482"}
    with as_tenant(stack, tenants.platform_admin()) as platform:
        response = platform.post("/v1/suppliers", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def footprint(kgco2e_per_kg: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "specVersion": "3.0.1",
        "created": "2026-02-01T10:00:00Z",
        "status": "Active",
        "companyName": "Ningbo Bolt Works",
        "companyIds": ["urn:pact:company:customcode:buyer-assigned:NBW-1"],
        "productDescription": "Hex bolt M8, zinc plated",
        "productIds": [BOLT],
        "productNameCompany": "M8-HEX",
        "pcf": {
            "declaredUnitOfMeasurement": "kilogram",
            "declaredUnitAmount": "1",
            "productMassPerDeclaredUnit": "1",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2026-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": kgco2e_per_kg,
            "pcfIncludingBiogenicUptake": kgco2e_per_kg,
            "fossilGhgEmissions": kgco2e_per_kg,
            "fossilCarbonContent": "0",
            "exemptedEmissionsPercent": "1",
            "packagingEmissionsIncluded": True,
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["ISO14067"],
        },
    }


def iso_14001(expires_in_days: int) -> dict:
    return {
        "type": "iso_14001",
        "number": f"CQC-{uuid.uuid4().hex[:8]}",
        "issuer": "China Quality Certification Centre",
        "standard": "ISO 14001:2015",
        "scope": "Manufacture of bolts",
        "issued_on": "2025-01-10",
        "expires_on": (datetime.now(UTC).date() + timedelta(days=expires_in_days)).isoformat(),
    }


def purchase(supplier_id: str) -> dict:
    return {
        "supplier_id": supplier_id,
        "products": [
            {"product_id": BOLT, "category": "fasteners", "quantity": "5000", "declared_unit": "kilogram"}
        ],
        "lanes": [{"mode": "rail", "distance_km": "1200", "mass_t": "5", "intensity_gco2e_per_tkm": "22"}],
    }


def codes(check: dict) -> dict[str, str]:
    return {r["clause"]: r["code"] for r in check["reasons"]}


def test_a_check_is_denied_then_allowed_once_the_supplier_proves_it(
    stack: Stack, tenants: Tenants, supplier: dict
):
    buyer = as_tenant(stack, tenants.buyer("procurement e2e"))
    supplier_org = as_tenant(stack, tenants.supplier_org(supplier["id"]))
    reviewer = as_tenant(stack, tenants.reviewer())
    sid = supplier["id"]

    added = buyer.post(
        "/v1/supply-base", json={"uscc": supplier["uscc"], "supplier_code": "NBW", "category": "fasteners"}
    )
    assert added.status_code == 201, added.text
    assert wait_until(lambda: buyer.get(f"/v1/compliance/{sid}").json().get("year") is not None, timeout_s=60)
    assert buyer.put("/v1/policies/default", json=POLICY).status_code == 201

    published = supplier_org.post(f"/v1/suppliers/{sid}/footprints", json=footprint("2.0"))
    assert published.status_code == 201, published.text
    denied = buyer.post("/v1/procurement/checks", json=purchase(sid))
    assert denied.status_code == 201, denied.text
    assert denied.json()["decision"] == "deny"
    assert codes(denied.json())["required_credential:iso_14001"] == "credential_missing"
    assert codes(denied.json())["max_footprint:fasteners"] == "footprint_within_maximum"

    submitted = supplier_org.post(f"/v1/suppliers/{sid}/credentials", json=iso_14001(400))
    assert submitted.status_code == 201, submitted.text
    credential_id = submitted.json()["id"]
    verify = reviewer.post(
        f"/v1/suppliers/{sid}/credentials/{credential_id}/verify", json={"reviewer": "e2e"}
    )
    assert verify.status_code == 200, verify.text

    allowed = buyer.post("/v1/procurement/checks", json=purchase(sid), headers={"Idempotency-Key": "po-1"})
    assert allowed.status_code == 201, allowed.text
    check = allowed.json()
    assert check["decision"] == "allow", check["reasons"]
    assert check["policy"] == {"name": "default", "version": 1}
    assert [c["id"] for c in check["evidence"]["credentials"]] == [credential_id]
    assert check["evidence"]["footprints"][BOLT]["id"] == published.json()["id"]
    replay = buyer.post("/v1/procurement/checks", json=purchase(sid), headers={"Idempotency-Key": "po-1"})
    assert replay.json() == check
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert buyer.get(f"/v1/procurement/checks/{check['id']}").json() == check

    lookup = buyer.post("/v1/compliance/lookup", json={"supplier_ids": [sid, str(uuid.uuid4())]}).json()
    assert [i["status"] for i in lookup["items"]] == ["ok", "not_in_supply_base"]
    assert "X-Request-ID" in allowed.headers


def test_another_buyer_sees_nothing_of_it(stack: Stack, tenants: Tenants, supplier: dict):
    other = as_tenant(stack, tenants.buyer("other buyer"))
    assert other.get(f"/v1/compliance/{supplier['id']}").status_code == 404
    assert other.get("/v1/procurement/checks").json()["items"] == []
    assert other.get("/v1/supply-base").json()["items"] == []
