"""The shared training loop every stage runs in, on every Keras backend.

A stage (see `Stage`) owns its models, optimizers, data and step; the loop owns the
rest: checkpoints every N steps and on SIGINT/SIGTERM, automatic resume with the same
step count and optimizer state, TensorBoard scalars, periodic evaluation, a progress
line and reproducible seeds. What differs per backend (the compiled step, the
distribution strategy, the checkpoint format, how batches reach the device) is a
`Runtime`: `loop_tensorflow.TensorFlowRuntime` (tf.function, tf.distribute,
tf.train.Checkpoint) or `loop_jax.JaxRuntime` (jax.jit over arrays, array checkpoints).
Each stage writes under WORKDIR/STAGE/:
  checkpoints/   the backend's checkpoints (which backend wrote them is in the folder)
  logs/          TensorBoard
  done.json      written (atomically, last) when the stage completes its steps
"""
from __future__ import annotations

import abc
import dataclasses
import os
import signal
import time

import tensorflow as tf
import numpy as np

import keras

from ears_tf.config import StageBudget
from ears_tf.data import pipeline
from ears_tf.errors import InputError
from ears_tf.progress import Progress, RunProgress
from ears_tf.train import registry, workers
from ears_tf.workdir import layout, run_config
from ears_tf.workdir.atomic import sweep_partials



class TrainingInterrupted(Exception):
    """SIGINT or SIGTERM stopped training after a checkpoint was saved."""

    def __init__(self, stage: str, step: int, checkpoint: str):
        self.stage, self.step, self.checkpoint = stage, step, checkpoint
        super().__init__(f"{stage} stopped at step {step}; checkpoint {checkpoint}; run the same command to resume")


@dataclasses.dataclass(frozen=True)
class LoopOptions:
    workdir: str
    steps: int
    checkpoint_every: int = 500
    log_every: int = 20
    eval_every: int = 500
    seed: int = 0
    jit_compile: bool = True
    max_checkpoints: int = 2
    input_sharding: str = "file"  # with several workers: `workers.INPUT_SHARDINGS`
    data_service: str | None = None  # grpc://HOST:PORT of a tf.data service dispatcher
    progress_every_s: float = 10.0  # between progress lines when the output is not a terminal
    run_progress: RunProgress | None = None  # --stage=all: the stage's place in the run, the run's ETA
    # {"preset": ..., "overrides": {...}}: recorded as WORKDIR/config.json by the first stage.
    run_config: dict | None = None


class Stage(abc.ABC):
    """What a training stage gives the loop.

    A registered stage (`registry.STAGES`) takes its folder name and its budget from its
    registry entry; a stage outside the registry (tests, experiments) sets `name`."""

    variant = None  # the fusion stage's FusionVariant: one run, and one folder, per variant
    batch_size: int  # the global batch: per-replica batch x replicas in sync
    images_per_step: int
    run_steps: int | None = None  # the steps this run trains to, set by the loop before `build`

    @property
    def name(self) -> str:
        """The run's folder under the workdir (fusion/VARIANT for the fusion stage)."""
        return registry.StageRun(registry.entry_for(type(self)), self.variant).run_name

    def budget(self) -> StageBudget:
        """The stage's default steps, batch size and learning rate, as its registry entry says."""
        return registry.budget(registry.entry_for(type(self)), self.config, self.data_dir)

    @abc.abstractmethod
    def build(self, strategy: tf.distribute.Strategy) -> None:
        """Creates models and optimizers; called inside `strategy.scope()` (under JAX, with the
        default strategy: one replica)."""

    @abc.abstractmethod
    def checkpoint_items(self) -> dict:
        """Trackables to checkpoint (models, optimizers, state variables)."""

    @abc.abstractmethod
    def dataset(self, seed: int, share: pipeline.Share = pipeline.WHOLE) -> tf.data.Dataset:
        """The infinite training dataset, batched to the global batch size, from this
        input pipeline's `share` of the records."""

    @abc.abstractmethod
    def replica_step(self, batch, **variant) -> dict:
        """TensorFlow's optimisation step on one replica's batch; returns scalars to average."""

    def work(self, step: int) -> float:
        """The work of the first `step` steps, in any unit: the progress line's ETAs weigh steps by it."""
        return float(step)

    def step_variant(self, step: int) -> dict:
        """Static keyword arguments of `replica_step` for this step (each traced once)."""
        return {}

    def cross_replica_update(self, reduced: dict) -> None:
        """State updates from the averaged step outputs (EMA, running means)."""
        del reduced  # a statement: AutoGraph cannot convert a docstring-only body

    def evaluate(self, step: int, stage_dir: str, writer) -> dict:
        """Periodic evaluation (samples, metrics); returns scalars to log."""
        return {}

    def export(self, stage_dir: str) -> list:
        """Writes the stage's final artefacts; returns their paths."""
        return []

    def stateless_step(self):
        """The step as a pure function of arrays, for the JAX runtime (`loop_jax`): an object with
        `initial_state()`, `state, metrics = step(state, batch, **variant)` and `assign(state)`."""
        raise NotImplementedError(f"the {self.name} stage has no stateless step; train it under --backend=tensorflow")


class _StopFlag:
    """Turns SIGINT/SIGTERM into a flag the loop checks after each step."""

    def __init__(self, signals: tuple = (signal.SIGINT, signal.SIGTERM)):
        self.raised = None
        self._signals = signals
        self._previous = {}

    def __enter__(self):
        for sig in self._signals:
            try:
                self._previous[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: no handlers, no graceful stop
                pass
        return self

    def _handle(self, signum, frame):
        self.raised = signum

    def __exit__(self, *exc):
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)



class Runtime(abc.ABC):
    """What a backend gives the loop: the stage built and restored, its compiled step, the
    batches, and saves. `role` says whether this process writes the workdir."""

    role: workers.Role
    signals: tuple = (signal.SIGINT, signal.SIGTERM)  # the signals that checkpoint and stop

    @abc.abstractmethod
    def build(self, stage: Stage) -> None:
        """Builds the stage's models and optimizers (and the step counter)."""

    @abc.abstractmethod
    def restore(self, stage: Stage, checkpoint_dir: str) -> str | None:
        """Restores the latest checkpoint in `checkpoint_dir` if there is one; returns its path."""

    @property
    @abc.abstractmethod
    def step(self) -> int:
        """Steps taken, restored ones included."""

    @abc.abstractmethod
    def batches(self, stage: Stage, options: LoopOptions, start: int):
        """An iterator over the training batches of a run resumed at `start`."""

    @abc.abstractmethod
    def train_step(self, stage: Stage, variant: dict):
        """The compiled step of `variant` (traced once): batch -> metrics; advances `step`."""

    @abc.abstractmethod
    def save(self, step: int) -> str:
        """A checkpoint at `step`; returns its path."""

    def sync(self) -> None:
        """Writes the step's state into the stage's Keras variables (before evaluating or exporting)."""

    def after_step(self, step: int) -> None:
        """Called after every step (the TensorFlow cluster's preemption check)."""

    def barrier(self) -> None:
        """Returns once every worker has reached it."""

    def close(self) -> None:
        """Releases what `build` set up (signal handlers, temporary folders)."""


def run(stage: Stage, options: LoopOptions, strategy=None) -> dict:
    """Trains `stage` to `options.steps`, resuming from its latest checkpoint; returns a summary.

    The running Keras backend picks the runtime. Under TensorFlow, `strategy` is the
    tf.distribute strategy (default: the current one): with several workers only the chief
    writes the workdir (see `workers`), and a SIGTERM on any worker checkpoints the whole
    cluster. Under JAX `strategy` must be None: the step runs on every device of every process
    (`processes_jax`), with the same rules for who writes and for SIGTERM."""
    if keras.backend.backend() == "jax":
        from ears_tf.train.loop_jax import JaxRuntime

        if strategy is not None and getattr(strategy, "num_replicas_in_sync", 1) > 1:
            raise InputError("--strategy", "tf.distribute strategies are TensorFlow's; under --backend=jax the "
                                           "trainer spreads over JAX's devices itself")
        return _run(stage, options, JaxRuntime(options))
    from ears_tf.train.loop_tensorflow import TensorFlowRuntime, without_remapper

    with without_remapper():
        return _run(stage, options, TensorFlowRuntime(strategy or tf.distribute.get_strategy(), options))


def _run(stage: Stage, options: LoopOptions, runtime: Runtime) -> dict:
    role = runtime.role
    stage_dir = os.path.join(options.workdir, stage.name)
    keras.utils.set_random_seed(options.seed)

    done = os.path.join(stage_dir, layout.DONE)
    if os.path.isfile(done) and (layout.read_done(options.workdir, stage.name) or {}).get("converted"):
        raise InputError(done, "this stage's models were converted from the authors' release; training it would "
                               "replace them: train in a new workdir")
    files = (role.num_workers, role.index) if options.input_sharding == "file" and not options.data_service else (1, 0)
    # Bad data or a bad prerequisite fails here, before anything is written to the workdir.
    stage.dataset(options.seed, pipeline.Share(files=files))
    stage.run_steps = options.steps  # a schedule over the run follows --steps and --batch_size
    runtime.build(stage)
    if role.chief:
        if options.run_config is not None:
            run_config.record(options.workdir, **options.run_config)
        os.makedirs(stage_dir, exist_ok=True)
        for path in sweep_partials(stage_dir):
            print(f"{stage.name}: removed {path}, left by a run that was killed", flush=True)
    latest = runtime.restore(stage, os.path.join(stage_dir, "checkpoints"))
    start = runtime.step
    if latest:
        print(f"{stage.name}: resuming at step {start} from {latest}", flush=True)
    batches = runtime.batches(stage, options, start)

    writer = (tf.summary.create_file_writer(os.path.join(stage_dir, "logs")) if role.chief
              else tf.summary.create_noop_writer())
    progress = Progress(stage.name, options.steps, start, stage.images_per_step, every_s=options.progress_every_s,
                        run=options.run_progress, work=stage.work)
    metrics, t0, final = {}, time.perf_counter(), {}

    def evaluate(step: int) -> dict:
        runtime.sync()
        scalars = stage.evaluate(step, stage_dir, writer)
        for name, value in scalars.items():
            tf.summary.scalar(f"eval/{name}", value, step=step)
        return scalars

    try:
        with _StopFlag(runtime.signals) as stop, writer.as_default():
            while runtime.step < options.steps:
                step = runtime.step
                outputs = runtime.train_step(stage, stage.step_variant(step))(next(batches))
                step += 1
                if step % options.log_every == 0 or step == options.steps:
                    metrics = {k: float(v) for k, v in outputs.items() if np.ndim(v) == 0}
                    for name, value in metrics.items():
                        tf.summary.scalar(f"train/{name}", value, step=step)
                progress.update(step, metrics)
                if role.chief and step % options.eval_every == 0 and step < options.steps:
                    evaluate(step)
                if step % options.checkpoint_every == 0:
                    runtime.save(step)
                runtime.after_step(step)
                if stop.raised is not None:
                    path = runtime.save(step)
                    progress.close(step, metrics)
                    raise TrainingInterrupted(stage.name, step, path)
            step = runtime.step
            # Decided from the step alone, so that every worker takes part in the same saves.
            if step != start and step % options.checkpoint_every:
                runtime.save(step)
            progress.close(step, metrics)
            if role.chief:
                final = evaluate(step)
    finally:
        runtime.close()
    runtime.sync()
    outputs = stage.export(stage_dir) if role.chief else []
    summary = {
        "stage": stage.name, "steps": step, "resumed_from": start, "seconds": round(time.perf_counter() - t0, 1),
        "final": final, "outputs": outputs,
    }
    if role.chief:
        layout.write_done(options.workdir, stage.name, summary)
    runtime.barrier()  # the next stage reads what the chief has just written
    return summary
