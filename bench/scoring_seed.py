"""Seed the scoring service's read model in bulk from the synthetic population (benchmarks only).

The read model is normally built from `supplier.events`; producing 100,000 suppliers' events just
to set up a benchmark would take longer than what it measures, so the rows go in with COPY, in the
shape the event handlers write them (supplier-service names for credential types, figures as
`{"value": "12.5", "tier": "primary"}` with version 1 of each report).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine

from scoring.adapters.bulk import copy_rows
from scoring.adapters.facts_mapping import CREDENTIAL_TYPES
from scoring.adapters.tables.read_model import WHOLE_COMPANY
from scoring.domain import Credential, SupplierYearFacts

SUPPLIER_SERVICE_TYPES = {model_type: supplier_type for supplier_type, model_type in CREDENTIAL_TYPES.items()}
NAMESPACE = uuid.UUID("6f1c1d0e-3b7a-4c55-9a51-2a4a8c0f6b11")
PROFILE_COLUMNS = ("supplier_id", "legal_name", "country", "industry_code", "version", "updated_at")
PERFORMANCE_COLUMNS = (
    "supplier_id",
    "year",
    "site_key",
    "version",
    "figures",
    "abnormal",
    "abnormal_reasons",
    "updated_at",
)
CREDENTIAL_COLUMNS = (
    "credential_id",
    "supplier_id",
    "type",
    "state",
    "issued_on",
    "expires_on",
    "attributes",
    "version",
    "updated_at",
)


def figures_json(facts: SupplierYearFacts) -> dict[str, dict[str, str]]:
    return {name: {"value": str(f.value), "tier": f.tier.value} for name, f in facts.figures.items()}


def _attributes(credential: Credential) -> dict[str, str]:
    if credential.type == "ghg_inventory":  # the read model knows assurance, not the model's label
        third_party = credential.attributes.get("verification") == "third_party"
        return {"assurance_level": "reasonable"} if third_party else {}
    return dict(credential.attributes)


def _credential_rows(facts: SupplierYearFacts, now: datetime) -> Iterable[tuple[Any, ...]]:
    for credential in facts.credentials:
        yield (
            uuid.uuid5(NAMESPACE, f"{facts.supplier_id}/{credential.id}"),
            facts.supplier_id,
            SUPPLIER_SERVICE_TYPES[credential.type],
            credential.state.value,
            credential.issued_on,
            credential.expires_on,
            json.dumps(_attributes(credential)),
            1,
            now,
        )
    if not facts.gates.permits_valid:  # a lapsed pollutant permit fails gate G1
        yield (
            uuid.uuid5(NAMESPACE, f"{facts.supplier_id}/permit"),
            facts.supplier_id,
            "pollutant_permit",
            "expired",
            facts.as_of.replace(year=facts.as_of.year - 3),
            facts.as_of.replace(day=1),
            "{}",
            1,
            now,
        )


def seed_read_model(database_url: str, population: list[SupplierYearFacts]) -> None:
    """Profiles, the year's whole-company reports and credentials for every supplier, in one transaction."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            copy_rows(
                conn,
                "supplier_profiles",
                PROFILE_COLUMNS,
                (
                    (f.supplier_id, f"Supplier {f.supplier_id[:8]}", "CN", f.industry, 1, now)
                    for f in population
                ),
            )
            copy_rows(
                conn,
                "supplier_performance",
                PERFORMANCE_COLUMNS,
                (
                    (
                        f.supplier_id,
                        f.year,
                        WHOLE_COMPANY,
                        1,
                        json.dumps(figures_json(f)),
                        f.gates.abnormal,
                        json.dumps(list(f.gates.abnormal_reasons)),
                        now,
                    )
                    for f in population
                    if f.gates.data_filed
                ),
            )
            copy_rows(
                conn,
                "supplier_credentials",
                CREDENTIAL_COLUMNS,
                (row for f in population for row in _credential_rows(f, now)),
            )
    finally:
        engine.dispose()
