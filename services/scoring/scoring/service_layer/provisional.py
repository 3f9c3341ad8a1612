"""PROVISIONAL scoring rule, standing in until the versioned criteria model (issue 4) replaces it.

A supplier that has just registered has filed no yearly data and no evidence, so — as the enterprise
green code gives no code without filed data — it is scored 0 and banded Unrated.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PROVISIONAL_MODEL_VERSION = "provisional-0"


@dataclass(frozen=True)
class ProvisionalScore:
    score: Decimal
    band: str
    reason: str


def score_new_supplier() -> ProvisionalScore:
    return ProvisionalScore(
        score=Decimal("0.00"),
        band="Unrated",
        reason="Provisional rule: no yearly data or evidence filed yet, so the supplier is unrated.",
    )
