"""Tenants through the running system: the launcher's development clients, tokens from the real token
endpoint, tenant isolation on supplier records, and secret rotation."""

from __future__ import annotations

import uuid

import httpx

from launcher.stack import Stack
from launcher.tenants import Tenants, bootstrap_dev_clients, request_token
from shared.identifiers import USCC_ALPHABET, uscc_check_character


def new_uscc() -> str:
    body = "91" + "".join(USCC_ALPHABET[b % 31] for b in uuid.uuid4().bytes[:15])
    return body + uscc_check_character(body)


def test_the_development_clients_are_made_once_and_work(stack: Stack):
    first = bootstrap_dev_clients(stack.url("gateway"), stack.env("gateway"), stack.config.run_dir)
    again = bootstrap_dev_clients(stack.url("gateway"), stack.env("gateway"), stack.config.run_dir)
    assert first == again
    with httpx.Client(base_url=stack.url("gateway"), timeout=30) as http:
        admin, buyer = (request_token(http, c.client_id, c.client_secret).json() for c in first)
    assert {"admin", "reviews:write", "suppliers:write"} <= set(admin["scope"].split())
    assert buyer["scope"] == "compliance:read policies:write subscriptions:write"


def test_a_supplier_organisation_sees_its_own_record_and_nobody_elses(stack: Stack, tenants: Tenants):
    gateway = stack.url("gateway")
    body = {"legal_name": "Tenant Test Co.", "country": "CN", "uscc": new_uscc(), "industry_code": "C3825"}
    registered = httpx.post(f"{gateway}/v1/suppliers", json=body, headers=tenants.platform_admin().headers)
    assert registered.status_code == 201, registered.text
    supplier_id = registered.json()["id"]
    url = f"{gateway}/v1/suppliers/{supplier_id}"

    assert httpx.get(url, headers=tenants.supplier_org(supplier_id).headers).status_code == 200
    assert httpx.get(url, headers=tenants.reviewer().headers).status_code == 200
    assert httpx.get(url, headers=tenants.supplier_org(uuid.uuid4()).headers).status_code == 404
    assert httpx.get(url, headers=tenants.buyer("stranger").headers).status_code == 404
    # Only the platform registers suppliers, whatever scopes a supplier organisation holds.
    again = body | {"uscc": new_uscc()}
    refused = httpx.post(
        f"{gateway}/v1/suppliers", json=again, headers=tenants.supplier_org(supplier_id).headers
    )
    assert refused.status_code == 403


def test_a_buyer_rotates_its_secret_without_downtime(stack: Stack, tenants: Tenants):
    buyer = tenants.buyer("rotating buyer")
    with httpx.Client(base_url=stack.url("gateway"), timeout=30) as http:
        rotated = http.post(f"/v1/clients/{buyer.client_id}/secret", headers=buyer.headers)
        assert rotated.status_code == 200, rotated.text
        new_secret = rotated.json()["client_secret"]
        assert request_token(http, buyer.client_id, new_secret).status_code == 200
        assert request_token(http, buyer.client_id, buyer.secret).status_code == 200  # the overlap
