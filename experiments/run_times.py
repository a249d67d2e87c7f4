"""Where a `--stage=all` run's time went, phase by phase, as a markdown table.

    python experiments/run_times.py --workdir=runs/quickstart
    python experiments/run_times.py --workdir=runs/quickstart --log=run.log   # a run without run.json

Reads WORKDIR/run.json, which `--stage=all` writes at its end; for a run made before it
did, `--log` reads the same figures from the run's printed output. Each phase's time is
also given scaled to the reference machine the quickstart's budget is set for (its float32
matmul rate over this run's). "start-up and the rest" is the run's wall time outside the
phases: imports, the matmul probe, the FLOP plan.
"""
from __future__ import annotations

import os
import re
import sys

from absl import app, flags

from ears_tf import machine
from ears_tf.workdir.atomic import read_json_object
from ears_tf.workdir.layout import RUN_TIMES

flags.DEFINE_string("workdir", None, "A workdir that `--stage=all` ran in.", required=True)
flags.DEFINE_string("log", None, "The run's printed output, for a run without WORKDIR/run.json.")
FLAGS = flags.FLAGS


def from_log(path: str) -> dict:
    """run.json's fields from the lines `--stage=all` prints."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()

    def number(pattern: str) -> float | None:
        found = re.search(pattern, text, re.MULTILINE)
        return float(found.group(1)) if found else None

    phases = []
    if (data := number(r"^data: .* in (\d+) s$")) is not None:
        phases.append({"phase": "data", "seconds": data})
    summary = text.split("all stages complete in", 1)[-1]  # the end summary: one line per stage run
    for name, steps, seconds in re.findall(r"^  (\S+): (\d+) steps, (\d+) s;", summary, re.MULTILINE):
        phases.append({"phase": name, "seconds": float(seconds), "steps": int(steps)})
    if (evaluation := number(r"^evaluation in (\d+) s;")) is not None:
        phases.append({"phase": "evaluation", "seconds": evaluation})
    run = re.search(r"^run: (\d+):(\d+):(\d+) on this machine \(matmul (\d+) GFLOP/s\)", text, re.MULTILINE)
    if run is None:
        raise ValueError("no 'run: ...' line; the run has not finished")
    hours, minutes, secs, matmul = (int(g) for g in run.groups())
    seconds = 3600 * hours + 60 * minutes + secs
    return {"matmul_gflops": float(matmul), "reference_gflops": machine.REFERENCE_GFLOPS, "seconds": float(seconds),
            "scaled_seconds": seconds * matmul / machine.REFERENCE_GFLOPS, "phases": phases}


def table(times: dict) -> str:
    scale = times["matmul_gflops"] / times["reference_gflops"]
    total = times["seconds"]
    rest = total - sum(p["seconds"] for p in times["phases"])
    lines = [f"| phase | steps x batch | time | share | scaled to {times['reference_gflops']:.0f} GFLOP/s |",
             "|---|---|---|---|---|"]

    def row(name, work, seconds):
        lines.append(f"| {name} | {work} | {seconds / 60:.1f} min | {100 * seconds / total:.0f}% | "
                     f"{seconds * scale / 60:.1f} min |")

    for phase in times["phases"]:
        work = f"{phase['steps']:,}" if "steps" in phase else ""
        if "batch_size" in phase:
            work += f" x {phase['batch_size']}"
        row(phase["phase"], work, phase["seconds"])
    row("start-up and the rest", "", rest)
    row("**run**", "", total)
    return "\n".join(lines)


def main(argv):
    del argv
    path = os.path.join(FLAGS.workdir, RUN_TIMES)
    try:
        if FLAGS.log:
            times = from_log(FLAGS.log)
        else:
            times = read_json_object(path, "phases", list)
            if times is None:
                raise OSError("no such file; `python -m ears_tf.train --stage=all` writes it at its end")
    except (OSError, ValueError) as error:
        print(f"error: {FLAGS.log or path}: {error}", file=sys.stderr)
        sys.exit(2)
    print(f"run of {FLAGS.workdir}: matmul {times['matmul_gflops']:.0f} GFLOP/s, "
          f"{times['seconds'] / 60:.1f} min here, {times['scaled_seconds'] / 60:.1f} min scaled to the reference")
    print(table(times))


if __name__ == "__main__":
    app.run(main)
