"""Score a whole population at once (the yearly rescoring), optionally on several processes.

Pure computation, no I/O. ``score_population(facts, model)`` returns the scorecards in input order,
equal to ``[score(f, model) for f in facts]``; with ``project=f`` it returns ``f(card)`` per
supplier instead, and only then can it use several processes. ``score_records`` does the same from
any records with a ``prepare`` that makes each one's facts, so that work is spread over the
processes too (the yearly rescore passes read-model rows).

Two things make a batch of 100,000 slower than 100,000 single scores, and both are handled here:
- Python's cyclic garbage collector. Scorecards hold no reference cycles, but every few thousand
  allocations the collector walks all live objects, and a growing list of scorecards makes each
  walk longer. It is paused while a batch is scored (``paused_gc``).
- Moving results between processes. Pickling a pydantic scorecard costs as much as computing it
  (~0.3 ms for 27 criteria), so whole scorecards are always computed in the calling process. What
  a caller keeps of each card (a ``Standing``, a row to store, its JSON) is usually far smaller:
  ``project`` runs in the workers and only its result is sent back. Workers are forked, so they
  read the records, the model, ``prepare`` and ``project`` from the parent's memory instead of
  pickles of them (closures are fine).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from scoring.domain import CriteriaModel, Scorecard, SupplierYearFacts, score

T = TypeVar("T")
R = TypeVar("R")
CHUNK = 2_000  # suppliers per task: large enough that task overhead vanishes, small enough to balance
Progress = Callable[[int, int], None]  # (suppliers done, suppliers in all)


@dataclass(frozen=True)
class _Job:
    """What the forked workers inherit: set in the parent just before the pool starts."""

    population: Sequence[Any]
    model: CriteriaModel
    prepare: Callable[[Any], SupplierYearFacts] | None
    project: Callable[[Scorecard], Any]
    chunk: int

    def run(self, start: int) -> list[Any]:
        """Score one slice of the population and project each card."""
        model, prepare, project = self.model, self.prepare, self.project
        items = self.population[start : start + self.chunk]
        if prepare is None:
            return [project(score(one, model)) for one in items]
        return [project(score(prepare(one), model)) for one in items]


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
    if project is None:
        with paused_gc():
            return [score(one, model) for one in population]
    return _run(_Job(population, model, None, project, chunk), workers, None)


def score_records(
    records: Sequence[R],
    model: CriteriaModel,
    *,
    prepare: Callable[[R], SupplierYearFacts],
    project: Callable[[Scorecard], T],
    workers: int = 2,
    chunk: int | None = None,
    progress: Progress | None = None,
) -> list[T]:
    """``project(score(prepare(record)))`` per record, in input order, as ``score_population``.

    ``chunk`` defaults to ``CHUNK`` as it is when called. ``progress`` is called in this process
    after each chunk.
    """
    return _run(_Job(records, model, prepare, project, chunk or CHUNK), workers, progress)


def _run(job: _Job, workers: int, progress: Progress | None) -> list[Any]:
    """Chunks in order, in this process or in forked workers (see ``score_population``)."""
    size = len(job.population)
    with paused_gc():
        if workers <= 1 or size < 2 * job.chunk or not _can_fork():
            chunks: Iterable[list[Any]] = map(job.run, range(0, size, job.chunk))
            return _gather(chunks, size, progress)
        return _in_workers(job, workers, progress)


def _gather(chunks: Iterable[list[Any]], size: int, progress: Progress | None) -> list[Any]:
    results: list[Any] = []
    for chunk in chunks:
        results += chunk
        if progress is not None:
            progress(len(results), size)
    return results


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _in_workers(job: _Job, workers: int, progress: Progress | None) -> list[Any]:
    global _job
    _job = job
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunks = pool.map(_score_chunk, range(0, len(job.population), job.chunk))
            return _gather(chunks, len(job.population), progress)
    finally:
        _job = None


def _score_chunk(start: int) -> list[Any]:
    """In a worker: score one slice of the inherited population and project each card."""
    job = _job
    assert job is not None, "workers are forked after the job is set"
    with paused_gc():
        return job.run(start)
