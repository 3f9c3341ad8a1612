"""Load criteria models from YAML and keep the accepted versions in a registry.

A model is parsed and checked completely before anyone can see it; a refused
file raises :class:`ModelInvalid` and leaves the registry as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from scoring.domain.criteria import CriteriaModel
from scoring.domain.errors import ModelInvalid, UnknownModelVersion

PACKAGE = "scoring.models"
_LISTS_WITH_IDS = frozenset({"criteria", "groups", "gates"})


class _DecimalSafeLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as Decimal, so 0.9 in the file is exactly 0.9."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"not a decimal: {text}", node.start_mark
        ) from exc


_DecimalSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def parse_model(data: Any) -> CriteriaModel:
    """Validate already-parsed data into a model, or raise ModelInvalid naming each culprit."""
    version = str(data.get("version", "?")) if isinstance(data, Mapping) else "?"
    try:
        return CriteriaModel.model_validate(data)
    except ValidationError as exc:
        raise ModelInvalid(version, _describe(exc, data)) from None


def parse_model_text(text: str) -> CriteriaModel:
    """Parse YAML text into a model."""
    try:
        data = yaml.load(text, Loader=_DecimalSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ModelInvalid("?", [f"yaml: {exc}"]) from None
    return parse_model(data)


def load_model(path: str | Path) -> CriteriaModel:
    """Load and validate a model file."""
    return parse_model_text(Path(path).read_text(encoding="utf-8"))


def load_model_data(version: str) -> dict[str, Any]:
    """The raw data of a packaged model, for tools and tests that derive variants from it."""
    data = yaml.load(_packaged_text(version), Loader=_DecimalSafeLoader)  # noqa: S506
    return dict(data)


def load_packaged_model(version: str) -> CriteriaModel:
    """Load the model shipped in ``scoring/models/<version>.yaml``."""
    model = parse_model_text(_packaged_text(version))
    if model.version != version:
        raise ModelInvalid(version, [f"file {version}.yaml declares version {model.version!r}"])
    return model


def packaged_versions() -> tuple[str, ...]:
    """Versions shipped with the package, oldest first."""
    names = [
        entry.name[: -len(".yaml")] for entry in files(PACKAGE).iterdir() if entry.name.endswith(".yaml")
    ]
    return tuple(sorted(names, key=version_key))


def version_key(version: str) -> tuple[int, ...]:
    """Sort key: 2026.10 comes after 2026.9."""
    return tuple(int(part) for part in version.split("."))


def _packaged_text(version: str) -> str:
    resource = files(PACKAGE) / f"{version}.yaml"
    if not resource.is_file():
        raise UnknownModelVersion(version)
    return resource.read_text(encoding="utf-8")


def _describe(exc: ValidationError, data: Any) -> list[str]:
    problems: list[str] = []
    for error in exc.errors():
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, ModelInvalid):
            problems += cause.problems
        else:
            problems.append(f"{_where(error['loc'], data)}: {error['msg']}")
    return problems


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    """Name a location by the id of the criterion, group or gate it is in, not by list index."""
    if len(loc) >= 2 and loc[0] in _LISTS_WITH_IDS and isinstance(loc[1], int):
        try:
            item_id = data[loc[0]][loc[1]]["id"]
        except (KeyError, IndexError, TypeError):
            item_id = f"{loc[0]}[{loc[1]}]"
        return ".".join(str(part) for part in (item_id, *loc[2:]))
    return ".".join(str(part) for part in loc) or "model"


class ModelRegistry:
    """Accepted criteria models by version. Several versions can be live at once."""

    def __init__(self, models: Iterable[CriteriaModel] = ()) -> None:
        self._models: dict[str, CriteriaModel] = {}
        for model in models:
            self.register(model)

    @classmethod
    def from_package(cls) -> ModelRegistry:
        """Every packaged version; all are validated before the registry exists."""
        return cls(load_packaged_model(version) for version in packaged_versions())

    def register(self, model: CriteriaModel) -> None:
        """Add a model; re-registering the same content is a no-op, different content is refused."""
        known = self._models.get(model.version)
        if known is not None and known != model:
            raise ModelInvalid(model.version, ["version already registered with different content"])
        self._models[model.version] = model

    def get(self, version: str) -> CriteriaModel:
        try:
            return self._models[version]
        except KeyError:
            raise UnknownModelVersion(version) from None

    def versions(self) -> tuple[str, ...]:
        return tuple(sorted(self._models, key=version_key))

    def current(self, on: date) -> CriteriaModel:
        """The newest model already in effect on ``on``."""
        effective = [m for m in self._models.values() if m.effective_from <= on]
        if not effective:
            raise UnknownModelVersion(f"in effect on {on.isoformat()}")
        return max(effective, key=lambda m: (m.effective_from, version_key(m.version)))
