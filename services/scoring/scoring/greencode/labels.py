"""Which carbon label a product footprint earns, if any (pure).

Only a verified footprint gets a label. Carbon-neutral needs evidenced offsets (a verified carbon-label
credential of that type for the footprint); reduction needs the footprint below the benchmark of its
product category; otherwise the label states the footprint itself.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Literal

LabelType = Literal["footprint", "reduction", "carbon_neutral"]
BENCHMARK_FILE = "carbon_benchmarks_2026.1.toml"


@dataclass(frozen=True)
class Benchmark:
    classification: str
    declared_unit: str
    kgco2e: Decimal


@dataclass(frozen=True)
class Benchmarks:
    version: str
    rows: tuple[Benchmark, ...]

    def lookup(self, classifications: tuple[str, ...], declared_unit: str) -> Benchmark | None:
        return next(
            (
                b
                for b in self.rows
                if b.classification in classifications and b.declared_unit == declared_unit
            ),
            None,
        )


def load_benchmarks(text: str | None = None) -> Benchmarks:
    text = text or resources.files("scoring.greencode").joinpath("data", BENCHMARK_FILE).read_text()
    data = tomllib.loads(text)
    rows = tuple(
        Benchmark(row["classification"], row["declared_unit"], Decimal(row["kgco2e"]))
        for row in data["benchmark"]
    )
    return Benchmarks(version=data["version"], rows=rows)


@dataclass(frozen=True)
class FootprintFacts:
    """A footprint as the read model knows it, with what its verified credentials evidence."""

    value_kgco2e: Decimal
    declared_unit: str
    classifications: tuple[str, ...]
    verified: bool
    offsets_evidenced: bool


@dataclass(frozen=True)
class LabelDecision:
    label_type: LabelType
    reduction_pct: Decimal | None = None
    benchmark: Benchmark | None = None
    benchmark_version: str | None = None


def label_for(footprint: FootprintFacts, benchmarks: Benchmarks) -> LabelDecision | None:
    """The label the footprint earns; None when it is not verified."""
    if not footprint.verified:
        return None
    if footprint.offsets_evidenced:
        return LabelDecision("carbon_neutral")
    benchmark = benchmarks.lookup(footprint.classifications, footprint.declared_unit)
    if benchmark is not None and footprint.value_kgco2e < benchmark.kgco2e:
        reduction = (1 - footprint.value_kgco2e / benchmark.kgco2e) * 100
        pct = reduction.quantize(Decimal("0.1"), ROUND_HALF_UP)
        return LabelDecision("reduction", pct, benchmark, benchmarks.version)
    return LabelDecision("footprint")
