"""Pure scoring logic: criteria models, scorecards and relative positions. No I/O here.

Typical use by the service layer::

    registry = ModelRegistry.from_package()
    card = score(facts, registry.get("2026.1"))
    positions = compute_positions(s for c in cards if (s := Standing.from_scorecard(c)))
    changes = changed_positions(previous_positions, positions)
"""

from scoring.domain.criteria import CriteriaModel, Criterion, Direction, GateRule, Method
from scoring.domain.errors import ModelInvalid, UnknownModelVersion
from scoring.domain.evaluation import score
from scoring.domain.facts import (
    Credential,
    CredentialState,
    Figure,
    GateInputs,
    SupplierYearFacts,
    Tier,
)
from scoring.domain.grading import Band, BandThresholds, Grade, GradeShares
from scoring.domain.loader import (
    ModelRegistry,
    load_model,
    load_model_data,
    load_packaged_model,
    packaged_versions,
    parse_model,
    parse_model_text,
)
from scoring.domain.positions import (
    Placement,
    Position,
    PositionChange,
    Standing,
    changed_positions,
    compute_positions,
)
from scoring.domain.ranked import GradeChange, RankedPopulation
from scoring.domain.scorecard import CriterionResult, CriterionStatus, GateResult, GroupScore, Scorecard

__all__ = [
    "Band",
    "BandThresholds",
    "Credential",
    "CredentialState",
    "CriteriaModel",
    "Criterion",
    "CriterionResult",
    "CriterionStatus",
    "Direction",
    "Figure",
    "GateInputs",
    "GateResult",
    "GateRule",
    "Grade",
    "GradeChange",
    "GradeShares",
    "GroupScore",
    "Method",
    "ModelInvalid",
    "ModelRegistry",
    "Placement",
    "Position",
    "PositionChange",
    "RankedPopulation",
    "Scorecard",
    "Standing",
    "SupplierYearFacts",
    "Tier",
    "UnknownModelVersion",
    "changed_positions",
    "compute_positions",
    "load_model",
    "load_model_data",
    "load_packaged_model",
    "packaged_versions",
    "parse_model",
    "parse_model_text",
    "score",
]
