"""Cross-service event contracts. Importing this package registers every contract."""

from shared.contracts import gateway, greencode, scoring, supplier
from shared.contracts.topics import SCORING_EVENTS, SUPPLIER_EVENTS

__all__ = ["SCORING_EVENTS", "SUPPLIER_EVENTS", "gateway", "greencode", "scoring", "supplier"]
