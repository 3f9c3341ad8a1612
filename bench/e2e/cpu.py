"""CPU: who uses the cores during the measured phase (from /proc, Linux)."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

from launcher.stack import Stack

OTHER_WORK = "other work on this machine"


def _proc_stat(pid: int | str) -> tuple[int, float, float] | None:
    """(ppid, own CPU s, reaped children's CPU s) of a process from /proc (Linux), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "; fields[0] is the state
    tick = os.sysconf("SC_CLK_TCK")
    own = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    children = (int(fields[13]) + int(fields[14])) / tick  # cutime + cstime (waited-for children)
    return int(fields[1]), own, children


def _machine_busy_s() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores), from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return math.nan
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    busy = sum(values[:8]) - idle  # user nice system idle iowait irq softirq steal; guest is in user
    return busy / os.sysconf("SC_CLK_TCK")


def machine_busy_cores(seconds: float = 1.0) -> float:
    """Average cores the whole machine is using right now, over `seconds`."""
    before = _machine_busy_s()
    time.sleep(seconds)
    return (_machine_busy_s() - before) / seconds


class CpuMeter:
    """CPU seconds per part of the system: each service process, Kafka, PostgreSQL (all backends),
    this benchmark (sender and receiver), and everything else on the machine."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def _groups(self) -> dict[str, list[int]]:
        groups = {name: [process.pid] for name, process in self.stack.processes.items()}
        broker = getattr(self.stack.kafka, "_process", None)
        if broker is not None:
            groups["kafka broker"] = [broker.pid]
        groups["bench (sender, receiver)"] = [os.getpid()]
        return groups

    def _postgres_s(self) -> float:
        try:
            postmaster = int((self.stack.postgres.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return math.nan
        stat = _proc_stat(postmaster)
        if stat is None:
            return math.nan
        total = stat[1] + stat[2]  # the postmaster and the backends that already exited
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (child := _proc_stat(entry.name)) and child[0] == postmaster:
                total += child[1]
        return total

    def snapshot(self) -> dict[str, float]:
        cpu = {}
        for name, pids in self._groups().items():
            stats = [_proc_stat(pid) for pid in pids]
            cpu[name] = sum(stat[1] for stat in stats if stat) if all(stats) else math.nan
        cpu["postgresql"] = self._postgres_s()
        cpu["machine"] = _machine_busy_s()
        cpu["wall"] = time.monotonic()
        return cpu

    @staticmethod
    def cpu_seconds(before: dict[str, float], after: dict[str, float]) -> tuple[dict[str, float], float]:
        """CPU seconds each part used between two snapshots, "other work" included; and the wall time."""
        used = {k: after[k] - before[k] for k in before if k not in ("wall", "machine") and k in after}
        ours = sum(v for v in used.values() if not math.isnan(v))
        used[OTHER_WORK] = max(after["machine"] - before["machine"] - ours, 0.0)
        return used, after["wall"] - before["wall"]


@dataclass(frozen=True)
class CpuRow:
    part: str
    idle_cores: float  # average cores used while the stack was idle, before the load
    load_cores: float  # average cores used from the first request to the last webhook
    ms_per_change: float  # CPU ms per measured change during the load


def cpu_table(
    idle: tuple[dict[str, float], float], load: tuple[dict[str, float], float], changes: int
) -> list[CpuRow]:
    (idle_s, idle_wall), (load_s, load_wall) = idle, load
    rows = [
        CpuRow(part, idle_s.get(part, math.nan) / idle_wall, used / load_wall, used / max(changes, 1) * 1000)
        for part, used in load_s.items()
    ]
    rows.sort(key=lambda r: (r.part == OTHER_WORK, -r.load_cores if not math.isnan(r.load_cores) else 0))
    total = CpuRow(
        "whole machine",
        sum(r.idle_cores for r in rows if not math.isnan(r.idle_cores)),
        sum(r.load_cores for r in rows if not math.isnan(r.load_cores)),
        sum(r.ms_per_change for r in rows if r.part != OTHER_WORK and not math.isnan(r.ms_per_change)),
    )
    return [*rows, total]
