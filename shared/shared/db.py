"""Database engines, built at start-up from settings."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, text


def make_engine(database_url: str, *, pool_size: int = 5) -> Engine:
    return create_engine(database_url, pool_pre_ping=True, pool_size=pool_size, max_overflow=10)


def check_database(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def libpq_url(sqlalchemy_url: str) -> str:
    """The same URL without the SQLAlchemy driver suffix, for psycopg's own connections."""
    scheme, rest = sqlalchemy_url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"
