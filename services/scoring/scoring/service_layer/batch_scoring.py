"""Score a whole population at once (the yearly rescoring), optionally on several processes.

Pure computation, no I/O. ``score_population(facts, model)`` returns the scorecards in input order,
equal to ``[score(f, model) for f in facts]``; with ``project=f`` it returns ``f(card)`` per
supplier instead, and only then can it use several processes.

Two things make a batch of 100,000 slower than 100,000 single scores, and both are handled here:
- Python's cyclic garbage collector. Scorecards hold no reference cycles, but every few thousand
  allocations the collector walks all live objects, and a growing list of scorecards makes each
  walk longer. It is paused while a batch is scored (``paused_gc``).
- Moving results between processes. Pickling a pydantic scorecard costs as much as computing it
  (~0.3 ms for 27 criteria), so whole scorecards are always computed in the calling process. What
  a caller keeps of each card (a ``Standing``, a row to store, its JSON) is usually far smaller:
  ``project`` runs in the workers and only its result is sent back. Workers are forked, so they
  read the facts, the model and ``project`` from the parent's memory instead of pickles of them.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from scoring.domain import CriteriaModel, Scorecard, SupplierYearFacts, score

T = TypeVar("T")
CHUNK = 2_000  # suppliers per task: large enough that task overhead vanishes, small enough to balance


@dataclass(frozen=True)
class _Job:
    """What the forked workers inherit: set in the parent just before the pool starts."""

    population: list[SupplierYearFacts]
    model: CriteriaModel
    project: Callable[[Scorecard], Any]
    chunk: int


_job: _Job | None = None


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a batch that allocates many long-lived objects."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@overload
def score_population(
    facts: Iterable[SupplierYearFacts],
    model: CriteriaModel,
    *,
    project: None = None,
    workers: int = 2,
    chunk: int = CHUNK,
) -> list[Scorecard]: ...
@overload
def score_population(
    facts: Iterable[SupplierYearFacts],
    model: CriteriaModel,
    *,
    project: Callable[[Scorecard], T],
    workers: int = 2,
    chunk: int = CHUNK,
) -> list[T]: ...
def score_population(
    facts: Iterable[SupplierYearFacts],
    model: CriteriaModel,
    *,
    project: Callable[[Scorecard], Any] | None = None,
    workers: int = 2,
    chunk: int = CHUNK,
) -> list[Any]:
    """Each supplier's scorecard (or ``project(scorecard)``), in input order.

    With ``project`` and ``workers`` > 1 (and a platform that can fork), the population is split in
    chunks of ``chunk`` scored by that many forked processes; ``project``'s results must be
    picklable. Smaller populations than two chunks are scored in this process.
    """
    population = list(facts)
    with paused_gc():
        if project is None:
            return [score(one, model) for one in population]
        if workers <= 1 or len(population) < 2 * chunk or not _can_fork():
            return [project(score(one, model)) for one in population]
        return _in_workers(_Job(population, model, project, chunk), workers)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _in_workers(job: _Job, workers: int) -> list[Any]:
    global _job
    _job = job
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunks = pool.map(_score_chunk, range(0, len(job.population), job.chunk))
            return [result for chunk in chunks for result in chunk]
    finally:
        _job = None


def _score_chunk(start: int) -> list[Any]:
    """In a worker: score one slice of the inherited population and project each card."""
    job = _job
    assert job is not None, "workers are forked after the job is set"
    with paused_gc():
        return [job.project(score(one, job.model)) for one in job.population[start : start + job.chunk]]
