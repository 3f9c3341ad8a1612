"""The scoring database schema (SQLAlchemy Core), created only by Alembic migrations.

Tables live per area in ``scoring/adapters/tables/`` on this ``metadata``.
"""

from sqlalchemy import MetaData

from shared.outbox import outbox_table, processed_events_table

metadata = MetaData()

outbox = outbox_table(metadata)
processed_events = processed_events_table(metadata)
