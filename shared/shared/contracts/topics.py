"""Topic names; each must appear in infra/topics.toml (a test checks)."""

SUPPLIER_EVENTS = "supplier.events"
SCORING_EVENTS = "scoring.events"
