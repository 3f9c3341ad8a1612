"""Bulk writes with PostgreSQL COPY, for the yearly rescore of a whole population."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, text


def copy_rows(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY ``rows`` into ``table`` within the connection's transaction (JSON columns take JSON text)."""
    raw: Any = conn.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def upsert_via_copy(
    conn: Connection, table: str, keys: Sequence[str], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY into a temporary copy of ``table``, then insert-or-update from it in one statement."""
    staging = f"{table}_staging"
    conn.execute(text(f"CREATE TEMP TABLE {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"))
    copy_rows(conn, staging, columns, rows)
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keys)
    conn.execute(
        text(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging} "  # noqa: S608 - names are ours
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        )
    )
    conn.execute(text(f"DROP TABLE {staging}"))
