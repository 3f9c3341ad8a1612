"""One database transaction per use case; the outbox rows commit with the state they describe."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, RootTransaction

from shared.events import EventContract
from shared.outbox import add_to_outbox
from supplier.adapters.orm import outbox
from supplier.adapters.repository import SupplierRepository

EVENT_SOURCE = "/greenchain/supplier"


class UnitOfWork:
    conn: Connection
    suppliers: SupplierRepository

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> Self:
        self.conn = self.engine.connect()
        self._transaction: RootTransaction = self.conn.begin()
        self.suppliers = SupplierRepository(self.conn)
        self._pending: list[EventContract] = []
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._transaction.is_active:
            self._transaction.rollback()  # anything not committed explicitly is undone
        self.conn.close()

    def publish(self, event: EventContract) -> None:
        """Queue an event; it is written to the outbox by `commit`, in the same transaction."""
        self._pending.append(event)

    def commit(self) -> None:
        """Write the recorded events to the outbox, then commit everything at once."""
        for aggregate in self.suppliers.seen:
            while aggregate.events:
                add_to_outbox(self.conn, outbox, aggregate.events.pop(0), source=EVENT_SOURCE)
        while self._pending:
            add_to_outbox(self.conn, outbox, self._pending.pop(0), source=EVENT_SOURCE)
        self._transaction.commit()
