"""Opaque keyset cursors: they round-trip exactly and anything else is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.problems import Problem
from supplier.api.pagination import BadCursor, Keyset, after_keyset, decode_cursor, encode_cursor, page_of

aware = st.datetimes(timezones=st.just(UTC))


@given(created_at=aware, item_id=st.uuids())
def test_a_keyset_cursor_round_trips_to_the_microsecond(created_at, item_id):
    key = Keyset(created_at, item_id)
    assert Keyset.decode(key.encode()) == key


@given(parts=st.lists(st.text(), max_size=4))
def test_cursor_parts_round_trip_and_are_url_safe(parts):
    cursor = encode_cursor(parts)
    assert decode_cursor(cursor, len(parts)) == parts
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_offsets_other_than_utc_keep_their_instant():
    key = Keyset(datetime(2026, 1, 1, 8, tzinfo=timezone(timedelta(hours=8))), uuid.uuid4())
    assert Keyset.decode(key.encode()).created_at == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "***",
        encode_cursor(["only one part"]),
        encode_cursor(["2026-01-01T00:00:00+00:00", "not-a-uuid"]),
        encode_cursor(["yesterday", str(uuid.uuid4())]),
        encode_cursor(["2026-01-01T00:00:00", str(uuid.uuid4())]),  # no offset: ambiguous instant
        "eyJhIjoxfQ",  # {"a":1}
        "_w",  # not UTF-8
    ],
)
def test_a_cursor_the_service_did_not_issue_is_refused(cursor):
    with pytest.raises(BadCursor):
        Keyset.decode(cursor)


def test_a_bad_cursor_parameter_is_a_400_problem_pointing_at_it():
    with pytest.raises(Problem) as raised:
        after_keyset("***")
    assert raised.value.status == 400
    assert raised.value.extensions["errors"][0]["pointer"] == "#/query/cursor"
    assert after_keyset(None) is None


def _keys(n: int) -> list[Keyset]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [Keyset(start + timedelta(seconds=i), uuid.uuid4()) for i in range(n)]


def test_page_of_uses_the_extra_row_only_to_know_there_is_more():
    keys = _keys(4)
    page = page_of(keys, 3, key=lambda k: k, item=str)
    assert page.items == [str(k) for k in keys[:3]]
    assert page.next_cursor is not None
    assert Keyset.decode(page.next_cursor) == keys[2]


@pytest.mark.parametrize("rows", [0, 2, 3])
def test_the_last_page_has_no_cursor(rows):
    assert page_of(_keys(rows), 3, key=lambda k: k, item=str).next_cursor is None
