"""Read-side queries of scorecards: current per year, one year explained, history, batch lookup."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, and_, select

from scoring.adapters import rankings
from scoring.adapters.tables.scorecards import scorecard_history, scorecards
from scoring.domain.scorecard import quantise

SUMMARY = (
    scorecards.c.supplier_id,
    scorecards.c.year,
    scorecards.c.model_version,
    scorecards.c.total.label("score"),
    scorecards.c.band,
    scorecards.c.reason,
    scorecards.c.rated,
    scorecards.c.industry,
    scorecards.c.grade,
    scorecards.c.industry_grade,
    scorecards.c.as_of,
    scorecards.c.updated_at,
)


class ScorecardNotFound(LookupError):
    def __init__(self, supplier_id: UUID, year: int | None = None) -> None:
        which = f" for {year}" if year is not None else " yet"
        super().__init__(f"No scorecard for supplier {supplier_id}{which}.")


def list_scorecards(*, supplier_id: UUID, engine: Engine) -> list[dict[str, Any]]:
    """A supplier's current scorecards, newest year first; raises ScorecardNotFound when it has none."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(*SUMMARY).where(scorecards.c.supplier_id == supplier_id).order_by(scorecards.c.year.desc())
        ).mappings()
        cards = [dict(row) for row in rows]
    if not cards:
        raise ScorecardNotFound(supplier_id)
    return cards


def get_scorecard(*, supplier_id: UUID, year: int, engine: Engine) -> dict[str, Any]:
    """The current explained scorecard of a year with its positions overall and in the industry."""
    with engine.connect() as conn:
        row = conn.execute(
            select(*SUMMARY, scorecards.c.ranked, scorecard_history.c.card)
            .join(
                scorecard_history,
                and_(
                    scorecard_history.c.supplier_id == scorecards.c.supplier_id,
                    scorecard_history.c.year == scorecards.c.year,
                    scorecard_history.c.revision == scorecards.c.revision,
                ),
            )
            .where(scorecards.c.supplier_id == supplier_id, scorecards.c.year == year)
        ).first()
        if row is None:
            raise ScorecardNotFound(supplier_id, year)
        card = dict(row._mapping)
        card["overall"] = _position(conn, row, None, row.grade)
        card["in_industry"] = _position(conn, row, row.industry, row.industry_grade)
    return card


def _position(conn: Connection, row: Any, industry: str | None, grade: str | None) -> dict[str, Any] | None:
    if not row.ranked:
        return None
    rank, lower, size = rankings.placement(conn, row.year, industry, row.score)
    percentile = quantise(rankings.HUNDRED * lower / size)
    return {"rank": rank, "size": size, "percentile": percentile, "grade": grade}


def history(*, supplier_id: UUID, year: int, engine: Engine) -> list[dict[str, Any]]:
    """Every revision of a year's scorecard, newest first."""
    h = scorecard_history
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                h.c.revision, h.c.recorded_at, h.c.model_version, h.c.total.label("score"), h.c.band, h.c.card
            )
            .where(h.c.supplier_id == supplier_id, h.c.year == year)
            .order_by(h.c.revision.desc())
        ).mappings()
        revisions = [dict(row) for row in rows]
    if not revisions:
        raise ScorecardNotFound(supplier_id, year)
    return revisions


def batch(*, supplier_ids: list[UUID], year: int | None, engine: Engine) -> list[dict[str, Any]]:
    """Current scorecards of many suppliers: of ``year``, or each one's newest year."""
    query = select(*SUMMARY).where(scorecards.c.supplier_id.in_(supplier_ids))
    if year is not None:
        query = query.where(scorecards.c.year == year)
    else:
        query = query.distinct(scorecards.c.supplier_id).order_by(
            scorecards.c.supplier_id, scorecards.c.year.desc()
        )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
