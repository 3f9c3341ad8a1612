"""From uploaded evidence to a green code and a carbon label, through the public gateway only (#4, #6).

A platform registers a supplier that a buyer holds in its supply base; the supplier reports a year,
records a shipment and submits its certificates (ISO 14001 with the scanned PDF), a reviewer verifies
them: the explained scorecard rises, gains a band and a grade, and the buyer hears it by signed
webhooks. The graded supplier fetches its green code, badge and QR; anyone verifies it online, or
offline against the JWKS with the CLI; a band change supersedes it. A verified footprint gets a
carbon label that its next version supersedes. Tokens come from the real token endpoint.
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfWriter
from standardwebhooks import Webhook

from launcher.receiver import WebhookReceiver
from launcher.stack import Stack
from launcher.tenants import Tenant, Tenants
from launcher.testing import wait_until
from shared.identifiers import USCC_ALPHABET, uscc_check_character

YEAR = 2026
EVENTS = [f"greenchain.compliance.{kind}.changed.v1" for kind in ("score", "band", "grade")]
# A rated, mid-table C3825 supplier (scoring's integration story), as the supplier API takes it.
FIGURES = {
    "value_added_cny": "100000000", "scope1_tco2e": "2500", "scope2_market_tco2e": "1500",
    "energy_kgce": "1500000", "renewable_electricity_share_pct": "30", "water_intake_m3": "120000",
    "water_reuse_pct": "75", "solid_waste_generated_t": "1000", "solid_waste_utilised_t": "900",
    "green_material_use_rate_pct": "50", "recycled_content_pct": "30", "tier1_spend_audited_pct": "80",
    "low_risk_suppliers_pct": "80", "rohs_reach_declared_parts_pct": "100", "product_takeback_pct": "20",
    "packaging_recovery_pct": "50",
}  # fmt: skip
TODAY = datetime.now(UTC).date()
ISSUER = {"issuer": "China Quality Certification Centre", "issued_on": "2025-03-01"}
CERTIFICATES = [
    {"type": "iso_50001", "standard": "ISO 50001:2018", "scope": "fasteners", "expires_on": "2028-02-28"},
    {"type": "green_code_grade", "grade": "A", "year": 2025},
    {"type": "iso_14064", "inventory_year": 2025, "verification_statement": "VS-2025-17",
     "verifier": "SGS", "assurance_level": "reasonable"},
    {"type": "ecovadis", "medal": "gold", "issued_on": (TODAY - timedelta(days=30)).isoformat()},
    {"type": "cleaner_production_audit"},
]  # fmt: skip
ISO_14001 = {"type": "iso_14001", "standard": "ISO 14001:2015", "scope": "bolts", "expires_on": "2028-02-28"}
# Rail with the carrier's fuel-based figures (primary data, 10 gCO2e/tkm): full logistics accounting.
CARRIER = {"kind": "fuel_based", "trip_emissions_kgco2e": "100", "trip_tonne_km": "10000", "source": "CR"}
RAIL = {"mode": "rail", "distance_km": "1000", "mass_t": "10", "carrier_data": CARRIER}
SHIPMENT = {"shipped_on": f"{YEAR}-06-01", "legs": [RAIL]}
PCF = {
    "declaredUnitOfMeasurement": "kilogram", "declaredUnitAmount": "1", "productMassPerDeclaredUnit": "1",
    "referencePeriodStart": "2025-01-01T00:00:00Z", "referencePeriodEnd": "2026-01-01T00:00:00Z",
    "pcfExcludingBiogenicUptake": "1.80", "pcfIncludingBiogenicUptake": "1.80", "fossilGhgEmissions": "1.80",
    "fossilCarbonContent": "0", "exemptedEmissionsPercent": "1", "packagingEmissionsIncluded": True,
    "ipccCharacterizationFactors": ["AR6"], "crossSectoralStandards": ["ISO14067"],
}  # fmt: skip
FOOTPRINT = {
    "specVersion": "3.0.1", "created": "2026-02-01T10:00:00Z", "status": "Active",
    "companyName": "Ningbo Label Works", "companyIds": ["urn:pact:company:customcode:buyer-assigned:NLW-1"],
    "productDescription": "Hex bolt M8", "productIds": ["urn:pact:product:gtin:04012345678901"],
    "productNameCompany": "M8-HEX", "productClassifications": ["urn:pact:productclassification:un-cpc:4121"],
}  # fmt: skip
FOOTPRINT_VERIFICATION = {
    "type": "product_footprint_verification", "label_type": "footprint", "scheme": "ISO 14067",
    "value_kgco2e_per_declared_unit": "1.80", "declared_unit": "kilogram",
}  # fmt: skip


def new_uscc() -> str:
    body = "91" + "".join(USCC_ALPHABET[b % 31] for b in uuid.uuid4().bytes[:15])
    return body + uscc_check_character(body)


def as_tenant(stack: Stack, tenant: Tenant | None = None) -> httpx.Client:
    headers = tenant.headers if tenant else {}
    return httpx.Client(base_url=stack.url("gateway"), headers=headers, timeout=30)


def performance(**changes: str) -> dict[str, Any]:
    body = {name: {"value": value, "tier": "primary"} for name, value in (FIGURES | changes).items()}
    return body | {"pollutants_pct_of_limit": {"cod": {"value": "40", "tier": "primary"}}}


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Subject": f"ISO 14001 certificate {uuid.uuid4().hex}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def register(stack: Stack, tenants: Tenants, name: str) -> str:
    body = {"legal_name": name, "country": "CN", "uscc": new_uscc(), "industry_code": "C3825"}
    with as_tenant(stack, tenants.platform_admin()) as platform:
        return str(ok(platform.post("/v1/suppliers", json=body), 201)["id"])


def submit(supplier_org: httpx.Client, sid: str, credential: dict, document: bytes | None = None) -> dict:
    url = f"/v1/suppliers/{sid}/credentials"
    body = {"number": f"CN-{uuid.uuid4().hex[:10]}"} | ISSUER | credential
    if document is None:
        return ok(supplier_org.post(url, json=body), 201)
    files = {
        "credential": (None, json.dumps(body), "application/json"),
        "document": ("certificate.pdf", document, "application/pdf"),
    }
    return ok(supplier_org.post(url, files=files), 201)


def verify(reviewer: httpx.Client, sid: str, credential_id: str) -> None:
    url = f"/v1/suppliers/{sid}/credentials/{credential_id}/verify"
    verified = ok(reviewer.post(url, json={"reviewer": "someone else"}))
    assert verified["state"] == "verified"
    assert verified["reviewer"].startswith("client:")  # from the token, not from the body's claim


def scorecard(reader: httpx.Client, sid: str) -> dict[str, Any]:
    response = reader.get(f"/v1/suppliers/{sid}/scorecards/{YEAR}")
    return response.json() if response.status_code == 200 else {}


def await_card(reader: httpx.Client, sid: str, condition) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def ready() -> bool:
        found.update(scorecard(reader, sid))
        return bool(found) and condition(found)

    assert wait_until(ready, timeout_s=120, interval_s=0.5), found
    return found


def await_code(reader: httpx.Client, url: str, condition=lambda code: True) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def ready() -> bool:
        response = reader.get(url)
        found.clear()
        found.update(response.json() if response.status_code == 200 else {})
        return bool(found) and condition(found)

    assert wait_until(ready, timeout_s=120, interval_s=0.5), found
    return found


def public_verify(stack: Stack, token: str, **headers: str) -> httpx.Response:
    with as_tenant(stack) as anyone:
        return anyone.get("/v1/verify", params={"token": token}, headers=headers)


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = json.dumps(claims | {"score": "99.99"}).encode()
    return ".".join([header, base64.urlsafe_b64encode(forged).decode().rstrip("="), signature])


def offline_verify(stack: Stack, tmp_path: Path, token: str) -> subprocess.CompletedProcess[str]:
    with as_tenant(stack) as anyone:
        jwks = ok(anyone.get("/.well-known/jwks.json"))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks))
    command = [sys.executable, "-m", "scoring.greencode.cli", "verify", "--jwks", str(path), token]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def story(stack: Stack, tenants: Tenants, webhook_receiver: WebhookReceiver) -> dict[str, Any]:
    """The supplier reports its year and shipment (a weaker peer in its industry too), then proves
    its certificates; returns the scorecard before and after the certificates are verified."""
    buyer = as_tenant(stack, tenants.buyer("green code buyer"))
    reviewer = as_tenant(stack, tenants.reviewer())
    hooks = f"/hooks/green-code-{uuid.uuid4().hex}"
    wanted = {"url": webhook_receiver.url(hooks), "event_types": EVENTS}
    subscription = ok(buyer.post("/v1/subscriptions", json=wanted), 201)
    sid = register(stack, tenants, "Xiamen Green Fasteners Co.")
    ok(buyer.post("/v1/supply-base", json={"supplier_id": sid}), 201)
    supplier_org = as_tenant(stack, tenants.supplier_org(sid))
    # A ranked peer: relative grades need a population (one supplier alone is B, as 40 % of 1 rounds to 0).
    peer = register(stack, tenants, "Quanzhou Bolt Co.")
    with as_tenant(stack, tenants.supplier_org(peer)) as peer_org:
        ok(peer_org.put(f"/v1/suppliers/{peer}/performance/{YEAR}", json=performance(water_reuse_pct="40")))

    ok(supplier_org.put(f"/v1/suppliers/{sid}/performance/{YEAR}", json=performance()))
    ok(supplier_org.post(f"/v1/suppliers/{sid}/shipments", json=SHIPMENT), 201)
    before = await_card(buyer, sid, lambda c: c["rated"] and criterion(c, "L1")["status"] == "scored")

    iso = submit(supplier_org, sid, ISO_14001, document := pdf())
    downloaded = supplier_org.get(f"/v1/suppliers/{sid}/credentials/{iso['id']}/document")
    assert downloaded.content == document
    assert iso["document_sha256"]
    ids = [iso["id"]] + [submit(supplier_org, sid, c)["id"] for c in CERTIFICATES]
    for credential_id in ids:
        verify(reviewer, sid, credential_id)
    after = await_card(buyer, sid, lambda c: set(ids) <= used(c) and c["grade"] == "A")
    return {"sid": sid, "buyer": buyer, "supplier_org": supplier_org, "reviewer": reviewer, "ids": ids,
            "before": before, "after": after, "secret": subscription["secret"], "hooks": hooks}  # fmt: skip


def criterion(card: dict[str, Any], criterion_id: str) -> dict[str, Any]:
    return next(c for c in card["card"]["criteria"] if c["criterion_id"] == criterion_id)


def used(card: dict[str, Any]) -> set[str]:
    return {evidence for c in card["card"]["criteria"] for evidence in c["evidence_ids"]}


def test_verified_evidence_raises_the_scorecard_band_and_grade(story, webhook_receiver: WebhookReceiver):
    before, after, sid = story["before"], story["after"], story["sid"]
    assert Decimal(after["score"]) > Decimal(before["score"])
    assert (before["band"], before["grade"]) == ("Non-compliant", "B")  # management group below the floor
    assert (after["band"], after["grade"], after["industry_grade"]) == ("Qualified", "A", "A")
    m2 = criterion(after, "M2")
    assert m2["evidence_ids"] == [story["ids"][0]]
    assert Decimal(m2["points"]) == Decimal(m2["max_points"]) > 0
    assert story["ids"][0] in m2["explanation"]
    assert all(c["explanation"] for c in after["card"]["criteria"])  # every point explained
    [listed] = ok(story["buyer"].get(f"/v1/suppliers/{sid}/scorecards"))
    assert (listed["score"], listed["band"], listed["grade"]) == (after["score"], after["band"], "A")
    compliance = ok(story["buyer"].get(f"/v1/compliance/{sid}"))
    assert (compliance["score"], compliance["band"], compliance["grade"]["overall"]) == (
        after["score"], after["band"], "A")  # fmt: skip

    def hook(kind: str, **wanted: Any) -> dict[str, Any]:
        def matches(received) -> bool:
            body = json.loads(received.body)
            data = body["data"]
            return (received.path == story["hooks"] and data["supplier_id"] == sid
                    and body["type"] == f"greenchain.compliance.{kind}.changed.v1"
                    and all(str(data.get(k)) == str(v) for k, v in wanted.items()))  # fmt: skip

        [delivery, *_] = webhook_receiver.wait_for(matches, timeout_s=120)
        Webhook(story["secret"]).verify(delivery.body, delivery.headers)  # raises unless signed for us
        return json.loads(delivery.body)["data"]

    assert hook("score", score=after["score"])["previous_score"] is not None
    assert hook("band", previous_band="Non-compliant")["band"] in ("Conditional", "Qualified")
    assert hook("band", band="Qualified")
    assert hook("grade", scope="overall", grade="A")["previous_grade"] == "B"


def test_anyone_verifies_the_green_code_online_and_offline(story, stack: Stack, tmp_path: Path):
    sid, supplier_org = story["sid"], story["supplier_org"]
    code = await_code(supplier_org, f"/v1/suppliers/{sid}/greencodes/{YEAR}")
    statement = code["statement"]
    # Issued when the grade and band were reached; later score changes within them keep the code.
    assert (statement["overall"]["grade"], statement["band"]) == ("A", "Qualified")
    badge = supplier_org.get(f"/v1/suppliers/{sid}/greencodes/{YEAR}/badge.svg")
    assert badge.headers["content-type"].startswith("image/svg+xml")
    assert ">A</text>" in badge.text
    qr = supplier_org.get(f"/v1/suppliers/{sid}/greencodes/{YEAR}/qr.png")
    [scanned] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.content)))
    assert (
        scanned.text == code["verification_url"] == f"{stack.url('gateway')}/v1/verify?token={code['token']}"
    )

    answer = ok(public_verify(stack, code["token"]))
    assert (answer["valid"], answer["status"], answer["statement"]) == (True, "current", statement)
    page = public_verify(stack, code["token"], accept="text/html")
    assert page.headers["content-type"].startswith("text/html")
    assert "Genuine and current" in page.text
    offline = offline_verify(stack, tmp_path, code["token"])
    assert offline.returncode == 0, offline.stderr
    assert json.loads(offline.stdout)["verdict"] == "valid"

    forged = tampered(code["token"])
    refused = ok(public_verify(stack, forged))
    assert (refused["valid"], refused["statement"]) == (False, None)
    assert refused["signature"] != "valid"
    assert offline_verify(stack, tmp_path, forged).returncode == 1


def test_a_band_change_supersedes_the_green_code(story, stack: Stack):
    sid, supplier_org, reviewer = story["sid"], story["supplier_org"], story["reviewer"]
    url = f"/v1/suppliers/{sid}/greencodes/{YEAR}"
    old = await_code(supplier_org, url)
    iso_14001, green_code_grade = story["ids"][0], story["ids"][2]
    for credential_id in (iso_14001, green_code_grade):  # 8 points fewer: Qualified becomes Conditional
        revoked = reviewer.post(
            f"/v1/suppliers/{sid}/credentials/{credential_id}/revoke", json={"reason": "withdrawn"}
        )
        assert ok(revoked)["state"] == "revoked"

    new = await_code(supplier_org, url, lambda code: code["code_id"] != old["code_id"])
    assert (new["status"], new["statement"]["band"]) == ("current", "Conditional")
    answer = ok(public_verify(stack, old["token"]))
    verdict = (answer["valid"], answer["status"], answer["superseded_by"])
    assert verdict == (False, "superseded", new["code_id"])
    assert ok(public_verify(stack, new["token"]))["status"] == "current"


def footprint(**changes: str) -> dict[str, Any]:
    return FOOTPRINT | {"id": str(uuid.uuid4()), "pcf": PCF | changes}


def test_a_verified_footprint_gets_a_carbon_label_its_next_version_supersedes(stack: Stack, tenants: Tenants):
    sid = register(stack, tenants, "Ningbo Label Works")
    supplier_org, reviewer = as_tenant(stack, tenants.supplier_org(sid)), as_tenant(stack, tenants.reviewer())
    first = footprint()
    ok(supplier_org.post(f"/v1/suppliers/{sid}/footprints", json=first), 201)
    evidence = FOOTPRINT_VERIFICATION | {"footprint_id": first["id"]}
    verify(reviewer, sid, submit(supplier_org, sid, evidence)["id"])

    url = f"/v1/suppliers/{sid}/carbon-labels/{first['id']}"
    label = await_code(supplier_org, url)
    assert (label["status"], label["statement"]["value_kgco2e"], label["statement"]["declared_unit"]) == (
        "current", "1.80", "kilogram")  # fmt: skip
    svg = supplier_org.get(f"{url}/label.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "1.80 kgCO2e" in svg.text
    assert ok(public_verify(stack, label["token"]))["status"] == "current"

    second = footprint(pcfExcludingBiogenicUptake="1.60") | {"created": "2026-03-01T00:00:00Z"}
    ok(supplier_org.post(f"/v1/suppliers/{sid}/footprints/{first['id']}/versions", json=second), 201)
    assert wait_until(lambda: supplier_org.get(url).status_code == 404, timeout_s=120, interval_s=0.5)
    answer = ok(public_verify(stack, label["token"]))
    assert (answer["valid"], answer["status"]) == (False, "superseded")


def test_public_verification_is_rate_limited_per_address(story, stack: Stack):
    """Last in the module: it empties this address's bucket (it refills in seconds)."""
    token = await_code(story["supplier_org"], f"/v1/suppliers/{story['sid']}/greencodes/{YEAR}")["token"]
    with as_tenant(stack) as anyone:
        answers = (anyone.get("/v1/verify", params={"token": token}) for _ in range(200))
        limited = next(r for r in answers if r.status_code != 200)
    assert limited.status_code == 429
    assert limited.headers["content-type"].startswith("application/problem+json")
    assert int(limited.headers["retry-after"]) >= 1
