"""A progress line for long loops: step, percentage, images/s, ETA and the latest metrics.

Redraws in place on a terminal; prints a line every `every_s` seconds otherwise (logs, CI).
"""
from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    def __init__(self, label: str, total: int, start: int = 0, images_per_step: int = 0, every_s: float = 10.0,
                 stream=None):
        self.label, self.total, self.start_step = label, total, start
        self.images_per_step = images_per_step
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.every_s = min(0.5, every_s) if self.tty else every_s
        self.t0 = self.last = time.perf_counter()

    def update(self, step: int, metrics: dict | None = None, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < self.every_s:
            return
        self.last = now
        done = step - self.start_step
        rate = done / max(now - self.t0, 1e-9)
        eta = (self.total - step) / rate if rate > 0 else float("inf")
        parts = [f"{self.label} {step}/{self.total} ({100.0 * step / max(self.total, 1):.0f}%)"]
        if self.images_per_step:
            parts.append(f"{rate * self.images_per_step:.1f} img/s")
        parts.append(f"ETA {_clock(eta) if eta != float('inf') else '?'}")
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
