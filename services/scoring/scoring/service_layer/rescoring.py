"""The yearly cycle: rescore every supplier for a year, fix positions, and fix the year's green list.

Built for a whole population at once: the read model is read with one query per table (plain
tuples), each supplier's facts, scorecard, JSON and digest are made in forked worker processes
that send back only the compact ``Scored`` (without the JSON when the digest is the stored one),
positions come from one sort (scoring.domain.compute_positions), and every write is a COPY
(history, outbox) or one insert-or-update from a COPY-filled staging table (scorecards).
All in one transaction: the year is never seen half rescored, and the outbox rows commit with it.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from scoring.adapters import bulk, facts_repository, scorecard_store
from scoring.adapters.facts_mapping import to_facts
from scoring.adapters.facts_repository import YearRows
from scoring.adapters.rankings import lock_year
from scoring.adapters.scorecard_store import Scored
from scoring.adapters.tables.scorecards import scorecards
from scoring.domain import (
    CriteriaModel,
    ModelRegistry,
    Position,
    Scorecard,
    SupplierYearFacts,
    compute_positions,
)
from scoring.greencode.pipeline import CodeKeeper
from scoring.service_layer import green_list
from scoring.service_layer.batch_scoring import Progress, score_records
from scoring.service_layer.handlers import utc_today
from scoring.service_layer.scoring import EVENT_SOURCE, as_of, card_events
from shared.contracts.scoring import ComplianceGradeChanged
from shared.events import EventContract
from shared.outbox import NOTIFY_CHANNEL

# Populations from this size are scored on every core by default: forking the workers and sending
# results back has a fixed cost that a few hundred suppliers would not repay (not tuned finely).
PARALLEL_FROM = 5_000
CURRENT_COLUMNS = (
    "supplier_id", "year", "revision", "model_version", "industry", "rated", "ranked", "total", "band",
    "capped", "failed_gates", "reason", "grade", "industry_grade", "digest", "as_of", "updated_at",
)  # fmt: skip
HISTORY_COLUMNS = ("supplier_id", "year", "revision", "model_version", "total", "band", "card", "recorded_at")
OUTBOX_COLUMNS = ("event_id", "topic", "key", "event_type", "source", "payload")


@dataclass(frozen=True)
class RescoreSummary:
    year: int
    model_version: str
    suppliers: int
    changed: int
    events: int
    list_size: int
    entered: int
    exited: int


def rescore_year(
    *,
    year: int,
    model_version: str | None = None,
    engine: Engine,
    progress: Progress | None = None,
    today: date | None = None,
    workers: int | None = None,
    codes: CodeKeeper | None = None,
) -> RescoreSummary:
    """Rescore every registered supplier for ``year`` and fix the year's green list, in one transaction.

    ``workers``: processes that build facts and score; by default one per core from
    ``PARALLEL_FROM`` suppliers on, else this process only. The results do not depend on it.
    """
    day = as_of(year, today or utc_today())
    registry = ModelRegistry.from_package()
    model = registry.get(model_version) if model_version else registry.current(day)
    with engine.begin() as conn:
        lock_year(conn, year)
        previous = {
            str(row.supplier_id): row
            for row in conn.execute(select(scorecards).where(scorecards.c.year == year))
        }
        rows = facts_repository.load_year(conn, year)
        processes = workers if workers is not None else _default_workers(len(rows))
        scored = _score_all(rows, year, day, model, previous, progress, processes)
        positions = compute_positions((s for one in scored if (s := one.standing())), model.grade_shares_pct)
        changed = _write_cards(conn, scored, positions, previous)
        events = [e for one in changed for e in card_events(one, previous.get(one.supplier_id))]
        events += _grade_events(scored, positions, previous)
        fixed = green_list.fix(
            conn, year=year, model_version=model.version, scored=scored, positions=positions
        )
        if codes is not None:  # the yearly renewal: codes of everyone whose standing moved
            events += codes.after_scoring(conn, year=year, events=events)
        _publish(conn, [*events, *fixed.events])
    _tidy(engine)
    return RescoreSummary(
        year, model.version, len(scored), len(changed), len(events) + len(fixed.events),
        fixed.size, fixed.entered, fixed.exited,
    )  # fmt: skip


def _default_workers(suppliers: int) -> int:
    return (os.cpu_count() or 1) if suppliers >= PARALLEL_FROM else 1


def _score_all(
    rows: list[YearRows],
    year: int,
    day: date,
    model: CriteriaModel,
    previous: dict[str, Any],
    progress: Progress | None,
    workers: int,
) -> list[Scored]:
    """Facts, scorecard and ``Scored`` of every supplier (in the workers, if any), in ``rows`` order."""
    digests = {key: row.digest for key, row in previous.items()}

    def prepare(supplier: YearRows) -> SupplierYearFacts:
        return to_facts(facts_repository.record_of(supplier, year), as_of=day)

    def project(card: Scorecard) -> Scored:
        return Scored.of(card, known_digest=digests.get(card.supplier_id))

    return score_records(rows, model, prepare=prepare, project=project, workers=workers, progress=progress)


def _write_cards(
    conn: Connection, scored: list[Scored], positions: dict[str, Position], previous: dict[str, Any]
) -> list[Scored]:
    """Write every current row (grades move for everyone) and a revision for each changed card."""
    now = datetime.now(UTC)
    changed, current, history = [], [], []
    for one in scored:
        before = previous.get(one.supplier_id)
        revision = before.revision if before is not None else 0
        if before is None or before.digest != one.digest:
            changed.append(one)
            revision += 1
            history.append(
                (
                    one.supplier_id,
                    one.year,
                    revision,
                    one.model_version,
                    one.total,
                    one.band,
                    one.card_json,
                    now,
                )
            )
            row = scorecard_store.current_row(one, revision)
        else:
            row = before._asdict()
        current.append(_current_tuple(row, positions.get(one.supplier_id), now))
    bulk.copy_rows(conn, "scorecard_history", HISTORY_COLUMNS, history)
    bulk.upsert_via_copy(conn, "scorecards", ("supplier_id", "year"), CURRENT_COLUMNS, current)
    return changed


def _current_tuple(row: dict[str, Any], position: Position | None, now: datetime) -> tuple[Any, ...]:
    values = row | {
        "grade": position.overall.grade.value if position else None,
        "industry_grade": position.in_industry.grade.value if position else None,
        "failed_gates": json.dumps(list(row["failed_gates"])),
        "updated_at": now,
    }
    return tuple(values[column] for column in CURRENT_COLUMNS)


def _grade_events(
    scored: list[Scored], positions: dict[str, Position], previous: dict[str, Any]
) -> list[EventContract]:
    events: list[EventContract] = []
    for card in scored:
        before, position = previous.get(card.supplier_id), positions.get(card.supplier_id)
        for scope, column in (("overall", "grade"), ("industry", "industry_grade")):
            old = getattr(before, column) if before is not None else None
            placement = (
                (position.overall if scope == "overall" else position.in_industry) if position else None
            )
            new = placement.grade.value if placement else None
            if old != new:
                events.append(
                    ComplianceGradeChanged(
                        supplier_id=uuid.UUID(card.supplier_id), year=card.year,
                        model_version=card.model_version, scope=scope, industry=card.industry,
                        previous_grade=old, grade=new,
                        percentile=placement.percentile if placement else None,
                        rank=placement.rank if placement else None,
                    )
                )  # fmt: skip
    return events


def _tidy(engine: Engine) -> None:
    """Mark the rewritten pages all-visible, so the consumer's ranking-index scans stay index-only."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) scorecards"))


def _publish(conn: Connection, events: list[EventContract]) -> None:
    """The outbox rows of a whole rescore in one COPY, and one wake-up for the relay."""
    rows = (
        (uuid.uuid4(), e.topic, e.partition_key, e.event_type, EVENT_SOURCE, e.model_dump_json())
        for e in events
    )
    bulk.copy_rows(conn, "outbox", OUTBOX_COLUMNS, rows)
    conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
