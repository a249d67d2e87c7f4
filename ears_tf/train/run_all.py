"""`--stage=all`: make the synthetic data if the data folder is empty, every stage of the
registry in order, then the evaluation (WORKDIR/evaluation/report.json, report.md, figures/).
Where the time went, phase by phase, is written last to WORKDIR/run.json by an invocation
that ran anything (`experiments/run_times.py` prints it as a table).

Stages already complete (their done.json reaches the step budget) are skipped and an
interrupted one resumes from its checkpoint, so re-running the same command
continues where it stopped; the evaluation re-runs when a stage did.
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time

import keras

from ears_tf import machine
from ears_tf.config import Config
from ears_tf.errors import InputError
from ears_tf.train import loop, registry
from ears_tf.train import workers as train_workers
from ears_tf.progress import RunProgress, clock
from ears_tf.workdir import layout
from ears_tf.workdir.atomic import write_json


def ensure_data(data_dir, config: Config, seed: int, workers: int | None = None) -> bool:
    """Generates the preset's synthetic data into `data_dir` if it is missing or empty; True if it did."""
    data_dir = os.fspath(data_dir)
    if os.path.isfile(os.path.join(data_dir, "manifest.json")):
        return False
    if os.path.exists(data_dir) and (not os.path.isdir(data_dir) or os.listdir(data_dir)):
        raise InputError(data_dir, "has no manifest.json and is not empty; give a records folder, or a new or "
                                   "empty folder for the synthetic data")
    from ears_tf.data.synthetic.dataset import generate

    print(f"data: generating the {config.name} synthetic data set in {data_dir}", flush=True)
    start = time.perf_counter()
    manifest = generate(data_dir, config, seed=seed, workers=workers)
    counts = ", ".join(f"{split} {info.count}" for split, info in manifest.splits.items())
    print(f"data: {manifest.num_speakers} speakers ({counts} records) in {time.perf_counter() - start:.0f} s", flush=True)
    return True


def plan(config: Config, data_dir, workdir, steps: int | None, batch_size: int | None,
         vgg16_weights: str | None) -> tuple[list, dict]:
    """(every run with its step count, {run name: planned GFLOP} of the runs still to do)."""
    from ears_tf.data import records
    from ears_tf.train import budget

    todo, planned = {}, []
    for run in registry.ALL_RUNS:
        run_budget = registry.budget(run.entry, config, data_dir, batch_size)
        run_steps = steps or run_budget.steps
        planned.append((run, run_steps))
        if not layout.is_done(workdir, run.run_name, run_steps):
            todo[run.run_name] = (run, run_steps, batch_size or run_budget.batch_size)
    if not todo:
        return planned, {}
    costs = budget.model_costs(config, records.Manifest.load(data_dir).num_speakers, with_vgg16=bool(vgg16_weights))
    return planned, {name: budget.run_gflop(run.entry.name, costs, config, run_steps, run_batch, run.variant)
                     for name, (run, run_steps, run_batch) in todo.items()}


def run_all(config: Config, data_dir, workdir, options: loop.LoopOptions, strategy, steps: int | None = None,
            batch_size: int | None = None, vgg16_weights: str | None = None, workers: int | None = None) -> list:
    """Runs every stage of `registry.ALL_RUNS`; returns each stage's done.json summary."""
    start = time.perf_counter()
    matmul = machine.matmul_gflops(seconds=2.0)
    kernels = "oneDNN" if machine.onednn_enabled() else "Eigen"
    print(f"machine: {machine.cpu_model()}, {kernels} kernels, float32 matmul {matmul:.0f} GFLOP/s "
          f"(the quickstart's budget is set for {machine.REFERENCE_GFLOPS:.0f})", flush=True)
    chief = train_workers.Role.of(strategy).chief
    phases = []  # this invocation's wall time, phase by phase (run.json)
    if chief:  # one writer; the other workers wait for the data at the barrier
        t0 = time.perf_counter()
        if ensure_data(data_dir, config, options.seed, workers):
            phases.append({"phase": "data", "seconds": round(time.perf_counter() - t0, 1)})
    train_workers.barrier(strategy)
    planned, costs = plan(config, data_dir, workdir, steps, batch_size, vgg16_weights)
    if costs:
        print(f"plan: {len(costs)} of {len(planned)} stage runs to do, {sum(costs.values()) / 1e6:.2f} PFLOP", flush=True)
    progress = RunProgress(costs, len(planned))
    summaries, ran = [], False
    for index, (run, stage_steps) in enumerate(planned, start=1):
        label = f"[{index}/{len(planned)}] {run.run_name}"
        if run.run_name not in costs:
            print(f"{label}: already complete, skipped", flush=True)
        else:
            print(f"{label}: {stage_steps} steps", flush=True)
            stage = registry.make_stage(run, config, data_dir, workdir, batch_size=batch_size, seed=options.seed,
                                        vgg16_weights=vgg16_weights)
            progress.start(index, run.run_name)
            t0 = time.perf_counter()
            loop.run(stage, dataclasses.replace(options, steps=stage_steps, run_progress=progress), strategy)
            progress.finish()
            phases.append({"phase": run.run_name, "seconds": round(time.perf_counter() - t0, 1), "steps": stage_steps,
                           "batch_size": stage.batch_size, "planned_gflop": round(costs[run.run_name])})
            ran = True
        summaries.append(layout.read_done(workdir, run.run_name))
    print(f"all stages complete in {time.perf_counter() - start:.0f} s; outputs:", flush=True)
    for summary in summaries:
        final = ", ".join(f"{k} {v:.4g}" for k, v in summary["final"].items())
        print(f"  {summary['stage']}: {summary['steps']} steps, {summary['seconds']:.0f} s; {final}", flush=True)
        for path in summary["outputs"]:
            print(f"    {path}", flush=True)
    if chief:
        t0 = time.perf_counter()
        if evaluate_once(data_dir, workdir, rerun=ran, seed=options.seed):
            phases.append({"phase": "evaluation", "seconds": round(time.perf_counter() - t0, 1)})
    train_workers.barrier(strategy)  # the others stay in the cluster until the chief is done with it
    seconds = time.perf_counter() - start
    scaled = seconds * matmul / machine.REFERENCE_GFLOPS
    print(f"run: {clock(seconds)} on this machine (matmul {matmul:.0f} GFLOP/s); scaled to the "
          f"{machine.REFERENCE_GFLOPS:.0f} GFLOP/s reference machine: {clock(scaled)}", flush=True)
    if chief and phases:  # a re-run with nothing left to do keeps the record of the run that did the work
        write_json(os.path.join(os.fspath(workdir), layout.RUN_TIMES), {
            "machine": machine.cpu_model(), "onednn": kernels == "oneDNN", "matmul_gflops": round(matmul, 1),
            "reference_gflops": machine.REFERENCE_GFLOPS, "seconds": round(seconds, 1),
            "scaled_seconds": round(scaled, 1), "phases": phases})
    return summaries


def evaluate_once(data_dir, workdir, rerun: bool, seed: int) -> bool:
    """The evaluation into WORKDIR/evaluation, unless its report exists and no stage changed since; True if it ran."""
    from ears_tf.evaluation.report import summary
    from ears_tf.evaluation.run import EvaluationOptions, evaluate

    output = os.path.join(workdir, layout.EVALUATION_DIR)
    if not rerun and os.path.isfile(os.path.join(output, "report.json")):
        print(f"[evaluation] {output}: already complete, skipped", flush=True)
        return False
    print(f"[evaluation] the paper's tables and figures into {output}", flush=True)
    start = time.perf_counter()
    if keras.backend.backend() != "tensorflow":
        # The evaluation is TensorFlow code over the workdir's .keras files, which load under any backend.
        command = [sys.executable, "-m", "ears_tf.evaluate", f"--workdir={workdir}", f"--data={data_dir}",
                   f"--output={output}", f"--seed={seed}"]
        status = subprocess.run(command, env=dict(os.environ, KERAS_BACKEND="tensorflow")).returncode
        if status:  # it printed its own error
            sys.exit(status)
        print(f"evaluation in {time.perf_counter() - start:.0f} s (TensorFlow, in its own process)", flush=True)
        return True
    result = evaluate(workdir, data_dir, output, EvaluationOptions(seed=seed))
    print(f"evaluation in {time.perf_counter() - start:.0f} s; " + summary(result, output), flush=True)
    return True
