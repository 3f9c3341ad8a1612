"""When a green code is issued, superseded or revoked (pure), per DOMAIN.md §7 and issue #6.

No code for an Unrated or Non-compliant year. A change of band or of either grade supersedes the
current code with a new one; a failed gate revokes it; so does the year becoming Unrated or
Non-compliant without a gate (nothing may keep vouching for it). Other movements (a percentile that
shifts within the same grade) leave the code as it is: the code states a grade, not a live rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

NON_COMPLIANT = "Non-compliant"


@dataclass(frozen=True)
class Standing:
    """What a code would state, from the current scorecard and positions."""

    rated: bool
    band: str
    grade: str | None
    industry_grade: str | None
    failed_gates: tuple[str, ...] = ()

    @property
    def codeable(self) -> bool:
        return self.rated and self.band != NON_COMPLIANT and self.grade is not None and not self.failed_gates


@dataclass(frozen=True)
class CurrentCode:
    band: str
    grade: str
    industry_grade: str


class Action(StrEnum):
    KEEP = "keep"
    ISSUE = "issue"
    SUPERSEDE = "supersede"
    REVOKE = "revoke"
    NONE = "none"


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str


def decide(current: CurrentCode | None, standing: Standing) -> Decision:
    if not standing.codeable:
        why = _why_not(standing)
        return Decision(Action.REVOKE, why) if current else Decision(Action.NONE, why)
    if current is None:
        return Decision(Action.ISSUE, "first code for the year")
    if (current.band, current.grade, current.industry_grade) != (
        standing.band,
        standing.grade,
        standing.industry_grade,
    ):
        return Decision(Action.SUPERSEDE, _what_changed(current, standing))
    return Decision(Action.KEEP, "grade and band unchanged")


def _why_not(standing: Standing) -> str:
    if standing.failed_gates:
        return "gate failed: " + ", ".join(standing.failed_gates)
    if not standing.rated:
        return "unrated: the year's data are missing or abnormal"
    if standing.band == NON_COMPLIANT:
        return "non-compliant"
    return "not graded yet"


def _what_changed(current: CurrentCode, standing: Standing) -> str:
    changes = [
        f"{name} {old} -> {new}"
        for name, old, new in (
            ("band", current.band, standing.band),
            ("grade", current.grade, standing.grade),
            ("industry grade", current.industry_grade, standing.industry_grade),
        )
        if old != new
    ]
    return "; ".join(changes)
