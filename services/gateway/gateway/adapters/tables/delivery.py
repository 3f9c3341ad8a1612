"""The event feed's audience and retention (SQLAlchemy Core), mirroring migration 0004."""

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, Table, Uuid

from gateway.adapters.orm import metadata

# Who may read an event in the feed, fixed when it happened: the buyers with the supplier in their
# supply base at that moment (or the one buyer a gateway event is for). Keyed for the feed's scan.
event_recipients = Table(
    "event_recipients",
    metadata,
    Column("organisation_id", Uuid, primary_key=True),
    Column("event_seq", BigInteger, primary_key=True),
    Column("event_id", Uuid, ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True),
)

# One row: the highest sequence the retention purge has removed. A feed cursor below it has gaps.
feed_retention = Table(
    "feed_retention",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("purged_through_seq", BigInteger, nullable=False),
)
