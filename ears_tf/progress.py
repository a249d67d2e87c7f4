"""A progress line for long loops: step, percentage, images/s, ETA and the latest metrics; within
`--stage=all`, also the stage's place in the run and the run's ETA.

Redraws in place on a terminal; prints a line every `every_s` seconds otherwise (logs, CI).
"""
from __future__ import annotations

import sys
import time


def clock(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class RunProgress:
    """The whole `--stage=all` run: which stage of how many, and an ETA for the run.

    Each stage run to do has a cost (its planned GFLOP, `train.budget`); the run's rate so
    far, completed GFLOP over wall time (start-up and evaluations included), turns what is
    left into seconds. A planning estimate: stages fill the cores unequally.
    """

    def __init__(self, costs: dict, total_runs: int):
        self.costs = dict(costs)  # run name -> GFLOP, the runs still to do
        self.total_runs = total_runs
        self.index = 0
        self.current = None
        self.done = 0.0
        self.t0 = time.perf_counter()

    def start(self, index: int, run_name: str) -> None:
        self.index, self.current = index, run_name

    def finish(self) -> None:
        self.done += self.costs.get(self.current, 0.0)
        self.current = None

    @property
    def prefix(self) -> str:
        return f"[{self.index}/{self.total_runs}]"

    def eta(self, stage_fraction: float) -> float | None:
        """Seconds left in the run, given the share of the current stage done; None until measurable."""
        completed = self.done + self.costs.get(self.current, 0.0) * min(max(stage_fraction, 0.0), 1.0)
        elapsed = time.perf_counter() - self.t0
        if completed <= 0.0 or elapsed <= 0.0:
            return None
        return (sum(self.costs.values()) - completed) / (completed / elapsed)


class Progress:
    def __init__(self, label: str, total: int, start: int = 0, images_per_step: int = 0, every_s: float = 10.0,
                 stream=None, run: RunProgress | None = None, work=float):
        self.label, self.total, self.start_step = label, total, start
        self.images_per_step = images_per_step
        self.run = run
        # work(step): the cost of the first `step` steps; the ETAs weigh steps by it (a growing
        # GAN's early steps are cheap).
        self.work = work
        self.work_start, self.work_total = work(start), work(total)
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.every_s = min(0.5, every_s) if self.tty else every_s
        self.t0 = self.last = time.perf_counter()

    def update(self, step: int, metrics: dict | None = None, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < self.every_s:
            return
        self.last = now
        rate = (step - self.start_step) / max(now - self.t0, 1e-9)
        work_done = self.work(step) - self.work_start
        work_left = self.work_total - self.work_start - work_done
        work_rate = work_done / max(now - self.t0, 1e-9)
        eta = work_left / work_rate if work_rate > 0 else float("inf")
        parts = [f"{self.label} {step}/{self.total} ({100.0 * step / max(self.total, 1):.0f}%)"]
        if self.run is not None:
            parts[0] = f"{self.run.prefix} {parts[0]}"
        if self.images_per_step:
            parts.append(f"{rate * self.images_per_step:.1f} img/s")
        parts.append(f"ETA {clock(eta) if eta != float('inf') else '?'}")
        if self.run is not None:
            fraction = work_done / max(self.work_total - self.work_start, 1e-9)
            run_eta = self.run.eta(fraction)
            parts.append(f"run ETA {clock(run_eta) if run_eta is not None else '?'}")
        if metrics:
            parts.append(" ".join(f"{k} {float(v):.4g}" for k, v in sorted(metrics.items())))
        line = " | ".join(parts)
        if self.tty:
            self.stream.write("\r" + line + "\033[K")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self, step: int, metrics: dict | None = None) -> None:
        self.update(step, metrics, force=True)
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()
