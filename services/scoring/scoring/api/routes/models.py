"""The criteria-model catalogue: which versions exist and how each one scores."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from scoring.api.schemas_models import ModelDetail, ModelList, ModelSummary
from scoring.domain import ModelRegistry, UnknownModelVersion
from scoring.domain.facts import INDUSTRY_PATTERN
from scoring.service_layer.handlers import utc_today

router = APIRouter(prefix="/v1/models", tags=["models"])


@router.get("")
def list_models(request: Request) -> ModelList:
    """Every loaded criteria model version, oldest first, and the default: the one in effect today."""
    registry: ModelRegistry = request.app.state.models
    models = [registry.get(version) for version in registry.versions()]
    try:
        default: str | None = registry.current(utc_today()).version
    except UnknownModelVersion:
        default = None
    return ModelList(
        default=default,
        versions=[
            ModelSummary(version=m.version, name=m.name, effective_from=m.effective_from) for m in models
        ],
    )


@router.get("/{version}")
def get_model(
    request: Request,
    version: Annotated[str, Path(max_length=20, description="e.g. 2026.1")],
    industry: Annotated[
        str | None,
        Query(
            pattern=INDUSTRY_PATTERN, description="resolve each linear measure's row for this GB/T 4754 class"
        ),
    ] = None,
) -> ModelDetail:
    """A model version in full: gates, groups, and each criterion's metric, unit, direction, method,
    points, evidence and freshness limit, policies, and baselines and leading values per industry.

    With `industry`, each linear measure also names the row that industry is scored against.
    An unknown version is a 404.
    """
    return ModelDetail.of(request.app.state.models.get(version), industry)
