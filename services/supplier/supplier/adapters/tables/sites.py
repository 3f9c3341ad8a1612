"""The sites tables (SQLAlchemy Core), mirroring the migrations."""

from supplier.adapters.orm import metadata

__all__ = ["metadata"]
