"""Events the supplier service publishes on `supplier.events`."""

from __future__ import annotations

from typing import ClassVar

from shared.contracts.topics import SUPPLIER_EVENTS
from shared.events import EventContract, contract


@contract
class SupplierRegistered(EventContract):
    """A supplier was registered. Carries the whole record (event-carried state transfer)."""

    event_type: ClassVar[str] = "greenchain.supplier.registered.v1"
    topic: ClassVar[str] = SUPPLIER_EVENTS

    legal_name: str
    country: str
    uscc: str | None = None
    registry_id: str | None = None
    industry_code: str
