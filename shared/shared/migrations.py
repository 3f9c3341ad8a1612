"""Alembic plumbing shared by every service's migrations/env.py and `<service> migrate`."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, pool


def alembic_config(alembic_ini: Path, database_url: str) -> Config:
    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(alembic_ini: Path, database_url: str) -> None:
    """Create or update the schema: the only way a service's tables come to exist."""
    command.upgrade(alembic_config(alembic_ini, database_url), "head")


def run_migrations(metadata: MetaData) -> None:
    """Body of env.py: online migrations against the configured URL or DATABASE_URL."""
    url = context.config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL to the service's database, e.g. postgresql+psycopg://user@host/db")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
