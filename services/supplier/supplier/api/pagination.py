"""Cursor pagination for every list route: opaque keyset cursors and the `Page` envelope.

A cursor is the sort key of the last item served, base64url-encoded JSON. Keyset pagination (rather
than offsets) neither skips nor repeats rows when others are inserted while a client pages.

Use in a route::

    def list_things(uow: UowDep, limit: Limit = 50, cursor: Cursor = None) -> Page[ThingRead]:
        rows = services.list_things(after=after_keyset(cursor), limit=limit + 1, uow=uow)
        return page_of(rows, limit, key=lambda t: Keyset(t.created_at, t.id), item=to_read)
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Generic, NamedTuple, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field

from shared.problems import Problem

T = TypeVar("T")
R = TypeVar("R")
MAX_LIMIT = 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"items per page, 1-{MAX_LIMIT}")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page; omit for the first")]


class PageQuery(BaseModel):
    """Paging parameters; a route's query model subclasses it to add its filters."""

    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description=f"items per page, 1-{MAX_LIMIT}")
    cursor: str | None = Field(
        default=None, description="`next_cursor` of the previous page; omit for the first"
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class BadCursor(ValueError):
    """A cursor this service did not issue, or one that was altered."""


def encode_cursor(parts: Sequence[str]) -> str:
    raw = json.dumps(list(parts), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[str]:
    """The `arity` string parts of a cursor made by `encode_cursor`; raises BadCursor otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (binascii.Error, ValueError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise BadCursor("not a cursor issued by this service") from error
    if not (isinstance(parts, list) and len(parts) == arity and all(isinstance(p, str) for p in parts)):
        raise BadCursor("not a cursor issued by this service")
    return parts


class Keyset(NamedTuple):
    """The usual sort key: creation time, then id to break ties."""

    created_at: datetime
    id: UUID

    def encode(self) -> str:
        return encode_cursor([self.created_at.isoformat(), str(self.id)])

    @classmethod
    def decode(cls, cursor: str) -> Keyset:
        created_at, item_id = decode_cursor(cursor, 2)
        try:
            created = datetime.fromisoformat(created_at)
            key = cls(created, UUID(item_id))
        except ValueError as error:
            raise BadCursor("not a cursor issued by this service") from error
        if created.tzinfo is None:
            raise BadCursor("not a cursor issued by this service")
        return key


def after_keyset(cursor: str | None) -> Keyset | None:
    """The position a `cursor` query parameter names; a bad cursor is a 400 problem."""
    if cursor is None:
        return None
    try:
        return Keyset.decode(cursor)
    except BadCursor as error:
        raise Problem(
            400,
            "Bad cursor",
            "The cursor is not one this service issued; start again without it.",
            errors=[{"pointer": "#/query/cursor", "detail": str(error)}],
        ) from error


def page_of(rows: Sequence[R], limit: int, *, key: Callable[[R], Keyset], item: Callable[[R], T]) -> Page[T]:
    """A page from up to `limit + 1` rows: the extra row only tells that another page exists."""
    shown = rows[:limit]
    more = len(rows) > limit and bool(shown)
    return Page[T](items=[item(r) for r in shown], next_cursor=key(shown[-1]).encode() if more else None)
