"""Subscription and delivery additions (SQLAlchemy Core), mirroring the migrations."""

from gateway.adapters.orm import metadata

__all__ = ["metadata"]
