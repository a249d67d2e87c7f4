"""The shared training loop every stage runs in.

A stage (see `Stage`) owns its models, optimizers, data and per-replica step; the
loop owns the rest: the distribution strategy, XLA compilation, checkpoints every N
steps and on SIGINT/SIGTERM, automatic resume with the same step count and
optimizer state, TensorBoard scalars, periodic evaluation, a progress line and
reproducible seeds. Each stage writes under WORKDIR/STAGE/:
  checkpoints/   tf.train.CheckpointManager
  logs/          TensorBoard
  done.json      written (atomically, last) when the stage completes its steps
"""
from __future__ import annotations

import abc
import contextlib
import errno
import dataclasses
import functools
import logging as py_logging
import os
import signal
import time

import tensorflow as tf
from absl import logging

import keras

from ears_tf.config import StageBudget
from ears_tf.data import pipeline
from ears_tf.errors import InputError
from ears_tf.progress import Progress, RunProgress
from ears_tf.train import registry, workers
from ears_tf.workdir import layout, run_config
from ears_tf.workdir.atomic import sweep_partials



class _MisleadingWarnings(py_logging.Filter):
    """Each stage (and each static step variant) traces its own step function once by design;
    TensorFlow's frequent-retracing warning counts those traces together and misleads. The
    preemption handler warns that its own internal counter is deprecated, on every save."""

    def filter(self, record):
        message = record.getMessage()
        return "triggered tf.function retracing" not in message and "total_run_calls" not in message


tf.get_logger().addFilter(_MisleadingWarnings())


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
        """Creates models and optimizers; called inside `strategy.scope()`."""

    @abc.abstractmethod
    def checkpoint_items(self) -> dict:
        """Trackables to checkpoint (models, optimizers, state variables)."""

    @abc.abstractmethod
    def dataset(self, seed: int, share: pipeline.Share = pipeline.WHOLE) -> tf.data.Dataset:
        """The infinite training dataset, batched to the global batch size, from this
        input pipeline's `share` of the records."""

    @abc.abstractmethod
    def replica_step(self, batch, **variant) -> dict:
        """One optimisation step on one replica's batch; returns scalars to average."""

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


def run(stage: Stage, options: LoopOptions, strategy: tf.distribute.Strategy | None = None) -> dict:
    """Trains `stage` to `options.steps`, resuming from its latest checkpoint; returns a summary.

    With several workers (`MultiWorkerMirroredStrategy`) only the chief writes the workdir
    (see `workers`), and a SIGTERM on any worker checkpoints the whole cluster."""
    with _without_remapper():
        return _run(stage, options, strategy)


@contextlib.contextmanager
def _without_remapper():
    # Grappler's remapper fuses each conv, bias and LeakyRelu into one op, then finds the
    # backward pass's LeakyReluGrad reading the pre-activation it fused away: on every training
    # graph it logs an ERROR ("remapper failed") and leaves the graph unfused. With it off the
    # training steps measured the same speed (docs/benchmarks.md), and the user's log reads clean.
    previous = tf.config.optimizer.get_experimental_options().get("remapping", True)
    tf.config.optimizer.set_experimental_options({"remapping": False})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options({"remapping": previous})


def _run(stage: Stage, options: LoopOptions, strategy: tf.distribute.Strategy | None) -> dict:
    strategy = strategy or tf.distribute.get_strategy()
    role = workers.Role.of(strategy)
    stage_dir = os.path.join(options.workdir, stage.name)
    keras.utils.set_random_seed(options.seed)

    done = os.path.join(stage_dir, layout.DONE)
    if os.path.isfile(done) and (layout.read_done(options.workdir, stage.name) or {}).get("converted"):
        raise InputError(done, "this stage's models were converted from the authors' release; training it would "
                               "replace them: train in a new workdir")
    files = (role.num_workers, role.index) if options.input_sharding == "file" and not options.data_service else (1, 0)
    # Bad data or a bad prerequisite fails here, before anything is written to the workdir.
    stage.dataset(options.seed, pipeline.Share(files=files))
    replicas = strategy.num_replicas_in_sync
    per_replica = workers.per_replica_batch(stage.batch_size, replicas)
    if replicas > 1 or options.data_service:
        print(f"{stage.name}: global batch {stage.batch_size} = {per_replica} per replica x {replicas} "
              f"replica{'s' if replicas > 1 else ''} in sync ({role.num_workers} "
              f"worker{'s' if role.num_workers > 1 else ''}, "
              f"{'tf.data service' if options.data_service else options.input_sharding + ' input sharding'})",
              flush=True)
    stage.run_steps = options.steps  # a schedule over the run follows --steps and --batch_size
    with strategy.scope():
        stage.build(strategy)
        step_var = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
    if role.chief:
        if options.run_config is not None:
            run_config.record(options.workdir, **options.run_config)
        os.makedirs(stage_dir, exist_ok=True)
        for path in sweep_partials(stage_dir):
            print(f"{stage.name}: removed {path}, left by a run that was killed", flush=True)
    chief_dir = os.path.join(stage_dir, "checkpoints")
    checkpoint = tf.train.Checkpoint(step=step_var, **stage.checkpoint_items())
    preemption = None
    if role.num_workers > 1:
        # Restores every worker from the chief's latest checkpoint, and on a SIGTERM to any
        # worker has all of them save at the same step and stop.
        def stop_cluster():
            raise TrainingInterrupted(stage.name, int(step_var.numpy()), tf.train.latest_checkpoint(chief_dir))

        previous_sigterm = signal.getsignal(signal.SIGTERM)
        preemption = tf.distribute.experimental.PreemptionCheckpointHandler(
            strategy.cluster_resolver, checkpoint, checkpoint_dir=chief_dir,
            termination_config=tf.distribute.experimental.TerminationConfig(exit_fn=stop_cluster))
    manager = tf.train.CheckpointManager(checkpoint, role.checkpoint_dir(chief_dir), max_to_keep=options.max_checkpoints)
    latest = tf.train.latest_checkpoint(chief_dir)
    if latest and preemption is None:
        try:
            checkpoint.restore(latest).assert_existing_objects_matched()
        except AssertionError:  # e.g. a fixed-resolution stylegan checkpoint resumed with a growth schedule
            raise InputError(latest, f"does not match the {stage.name} stage as configured now (made with another "
                                     "preset or schedule?); resume with the settings it was made with, or use a "
                                     "new workdir") from None
    if latest:
        logging.info("%s: resumed from %s at step %d", stage.name, latest, int(step_var.numpy()))
        print(f"{stage.name}: resuming at step {int(step_var.numpy())} from {latest}", flush=True)
    start = int(step_var.numpy())

    # The data order depends on the step it starts from, so a resumed run sees new batches.
    def make(share):
        return stage.dataset(options.seed + start, share)

    dataset = strategy.distribute_datasets_from_function(lambda context: workers.worker_dataset(
        make, context, stage.batch_size, options.input_sharding, options.data_service, f"{stage.name}-{start}"))
    iterator = iter(dataset)
    jit = options.jit_compile and replicas == 1
    compiled = {}

    def step_function(variant: dict):
        key = tuple(sorted(variant.items()))
        if key not in compiled:
            replica_fn = tf.function(functools.partial(stage.replica_step, **variant), jit_compile=jit)

            @tf.function
            def distributed(batch):
                per_replica = strategy.run(replica_fn, args=(batch,))
                reduced = {k: strategy.reduce(tf.distribute.ReduceOp.MEAN, v, axis=None) for k, v in per_replica.items()}
                stage.cross_replica_update(reduced)
                step_var.assign_add(1)
                return reduced

            compiled[key] = distributed
        return compiled[key]

    def save(step: int) -> str:
        path = _save(manager, step)
        role.discard(chief_dir)  # a non-chief's share of the save is not kept
        return path if role.chief else os.path.join(chief_dir, os.path.basename(path))

    writer = (tf.summary.create_file_writer(os.path.join(stage_dir, "logs")) if role.chief
              else tf.summary.create_noop_writer())
    progress = Progress(stage.name, options.steps, start, stage.images_per_step, every_s=options.progress_every_s,
                        run=options.run_progress, work=stage.work)
    metrics, t0, final = {}, time.perf_counter(), {}
    # One worker of several: SIGTERM belongs to the preemption handler; SIGINT still stops this process.
    signals = (signal.SIGINT,) if preemption else (signal.SIGINT, signal.SIGTERM)
    try:
        with _StopFlag(signals) as stop, writer.as_default():
            while int(step_var.numpy()) < options.steps:
                step = int(step_var.numpy())
                outputs = step_function(stage.step_variant(step))(next(iterator))
                step += 1
                if step % options.log_every == 0 or step == options.steps:
                    metrics = {k: float(v) for k, v in outputs.items() if v.shape.rank == 0}
                    for name, value in metrics.items():
                        tf.summary.scalar(f"train/{name}", value, step=step)
                progress.update(step, metrics)
                if role.chief and step % options.eval_every == 0 and step < options.steps:
                    for name, value in stage.evaluate(step, stage_dir, writer).items():
                        tf.summary.scalar(f"eval/{name}", value, step=step)
                if step % options.checkpoint_every == 0:
                    save(step)
                if preemption is not None:
                    preemption.save_checkpoint_if_preempted(checkpoint_number=step)
                if stop.raised is not None:
                    path = save(step)
                    progress.close(step, metrics)
                    raise TrainingInterrupted(stage.name, step, path)
            step = int(step_var.numpy())
            # Decided from the step alone, so that every worker takes part in the same saves.
            if step != start and step % options.checkpoint_every:
                save(step)
            progress.close(step, metrics)
            if role.chief:
                final = stage.evaluate(step, stage_dir, writer)
                for name, value in final.items():
                    tf.summary.scalar(f"eval/{name}", value, step=step)
    finally:
        if preemption is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
        role.discard(chief_dir)
    outputs = stage.export(stage_dir) if role.chief else []
    summary = {
        "stage": stage.name, "steps": step, "resumed_from": start, "seconds": round(time.perf_counter() - t0, 1),
        "final": final, "outputs": outputs,
    }
    if role.chief:
        layout.write_done(options.workdir, stage.name, summary)
    workers.barrier(strategy)  # the next stage reads what the chief has just written
    return summary


def _save(manager: tf.train.CheckpointManager, step: int) -> str:
    """A checkpoint; a write TensorFlow refuses (no space, read-only) becomes an OSError naming the folder.

    TensorFlow writes the shards first and renames the index into place last, so a crash
    mid-save leaves the previous checkpoint as the latest.
    """
    try:
        return manager.save(checkpoint_number=step)
    except tf.errors.OpError as error:
        raise OSError(errno.EIO, str(error.message).splitlines()[0], manager.directory) from None
