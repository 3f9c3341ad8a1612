"""Response bodies of the criteria-model catalogue (`/v1/models`). Decimals travel as strings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from scoring.domain import CriteriaModel, Criterion
from scoring.domain.criteria import Gate, Measure


class ModelSummary(BaseModel):
    version: str
    name: str
    effective_from: date


class ModelList(BaseModel):
    default: str | None = Field(description="the version in effect today; null before any takes effect")
    versions: list[ModelSummary] = Field(description="oldest first")


class Baseline(BaseModel):
    """A linear measure's row: the value worth 0 points and the value worth full points."""

    baseline: Decimal
    leading: Decimal


class StepOut(BaseModel):
    at: Decimal
    points: Decimal


class MeasureOut(BaseModel):
    metric: str | None = Field(description="performance figure read; null for credential measures")
    unit: str
    direction: str
    method: str = Field(description="linear, step, boolean or categorical")
    points: Decimal
    partial_floor: Decimal = Field(description="points earned at the baseline itself (linear)")
    baselines: dict[str, Baseline] | None = Field(
        description="linear rows keyed by GB/T 4754 code or prefix, and 'default'; the most specific wins"
    )
    applied_row: str | None = Field(
        default=None, description="with ?industry=: the row that industry is scored against"
    )
    steps: list[StepOut] | None
    categories: dict[str, dict[str, Decimal]] | None = Field(
        description="'credential_type.attribute' -> value -> points"
    )

    @classmethod
    def of(cls, measure: Measure, industry: str | None) -> MeasureOut:
        rows = measure.linear
        return cls(
            metric=measure.metric,
            unit=measure.unit,
            direction=measure.direction.value,
            method=measure.method.value,
            points=measure.points,
            partial_floor=measure.partial_floor,
            baselines={key: Baseline(baseline=r.baseline, leading=r.leading) for key, r in rows.items()}
            if rows
            else None,
            applied_row=measure.linear_row(industry)[0] if rows and industry else None,
            steps=[StepOut(at=step.at, points=step.points) for step in measure.steps]
            if measure.steps
            else None,
            categories=measure.categories,
        )


class EvidenceOut(BaseModel):
    required: str | list[str] = Field(description="'performance' (the yearly filing) or credential types")
    max_age_months: int | None = Field(description="freshness limit; older evidence scores 0")


class CriterionOut(BaseModel):
    id: str
    name: str
    points: Decimal
    evidence: EvidenceOut
    missing: str = Field(description="unrated: the year is Unrated without it; zero: the criterion scores 0")
    not_applicable: str = Field(description="redistribute_within_group or not_allowed")
    quality_penalty: bool = Field(description="whether lower data-quality tiers scale the points down")
    measures: list[MeasureOut]

    @classmethod
    def of(cls, criterion: Criterion, industry: str | None) -> CriterionOut:
        required = criterion.evidence.required
        return cls(
            id=criterion.id,
            name=criterion.name,
            points=criterion.points,
            evidence=EvidenceOut(
                required=required if isinstance(required, str) else list(required),
                max_age_months=criterion.evidence.max_age_months,
            ),
            missing=criterion.missing.value,
            not_applicable=criterion.not_applicable.value,
            quality_penalty=criterion.quality_penalty,
            measures=[MeasureOut.of(measure, industry) for measure in criterion.measures],
        )


class GroupOut(BaseModel):
    id: str
    name: str
    points: Decimal
    criteria: list[CriterionOut]


class GateOut(BaseModel):
    id: str
    name: str
    rule: str
    enabled: bool
    window_months: int | None
    pollutant_metric: str | None
    max_pct_of_limit: Decimal | None

    @classmethod
    def of(cls, gate: Gate) -> GateOut:
        return cls(
            id=gate.id,
            name=gate.name,
            rule=gate.rule.value,
            enabled=gate.enabled,
            window_months=gate.window_months,
            pollutant_metric=gate.pollutant_metric,
            max_pct_of_limit=gate.max_pct_of_limit,
        )


class MetricOut(BaseModel):
    unit: str
    min: Decimal | None
    max: Decimal | None = Field(description="figures outside [min, max] make the year abnormal (Unrated)")


class ModelDetail(ModelSummary):
    """A criteria model version in full: how every point of a scorecard can be earned."""

    total_points: Decimal
    bands: dict[str, Decimal] = Field(description="lowest total of each band when every gate passes")
    theme_floor_pct: Decimal = Field(description="no A+ or A if any group scores below this % of its points")
    grade_shares_pct: dict[str, Decimal]
    quality_factors: dict[str, Decimal] = Field(description="points multiplier per data-quality tier")
    review_interval_months: int
    corrective_plan_days: int
    credential_grace_days: int
    industry: str | None = Field(default=None, description="the industry rows were resolved for, if asked")
    metrics: dict[str, MetricOut]
    credential_types: dict[str, dict[str, list[str]]]
    gates: list[GateOut]
    groups: list[GroupOut]

    @classmethod
    def of(cls, model: CriteriaModel, industry: str | None = None) -> ModelDetail:
        return cls(
            version=model.version,
            name=model.name,
            effective_from=model.effective_from,
            total_points=model.total_points,
            bands=model.bands.model_dump(),
            theme_floor_pct=model.theme_floor_pct,
            grade_shares_pct=model.grade_shares_pct.model_dump(),
            quality_factors={tier.value: factor for tier, factor in model.quality_factors.items()},
            review_interval_months=model.review_interval_months,
            corrective_plan_days=model.corrective_plan_days,
            credential_grace_days=model.credential_grace_days,
            industry=industry,
            metrics={name: MetricOut(**spec.model_dump()) for name, spec in model.metrics.items()},
            credential_types={
                kind: {attribute: list(values) for attribute, values in attributes.items()}
                for kind, attributes in model.credential_types.items()
            },
            gates=[GateOut.of(gate) for gate in model.gates],
            groups=[
                GroupOut(
                    id=group.id,
                    name=group.name,
                    points=group.points,
                    criteria=[CriterionOut.of(c, industry) for c in model.criteria_in(group.id)],
                )
                for group in model.groups
            ],
        )
