"""The supplier aggregate. Pure Python: no database, web or Kafka here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.contracts.supplier import SupplierRegistered
from shared.events import EventContract


@dataclass
class Supplier:
    id: uuid.UUID
    legal_name: str
    country: str
    industry_code: str
    uscc: str | None
    registry_id: str | None
    created_at: datetime
    version: int = 1
    events: list[EventContract] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(
        cls, *, legal_name: str, country: str, industry_code: str, uscc: str | None, registry_id: str | None
    ) -> Supplier:
        """A new supplier; records SupplierRegistered for the outbox."""
        supplier = cls(
            id=uuid.uuid4(),
            legal_name=legal_name,
            country=country,
            industry_code=industry_code,
            uscc=uscc,
            registry_id=registry_id,
            created_at=datetime.now(UTC),
        )
        supplier.events.append(
            SupplierRegistered(
                supplier_id=supplier.id,
                legal_name=legal_name,
                country=country,
                uscc=uscc,
                registry_id=registry_id,
                industry_code=industry_code,
            )
        )
        return supplier
