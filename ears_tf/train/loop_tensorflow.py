"""The training loop's TensorFlow runtime: `tf.function` (and XLA), tf.distribute, and
`tf.train.Checkpoint`.

A stage's `replica_step` runs on each replica under `strategy.run`; its outputs are
averaged across replicas, `cross_replica_update` applies the stage's state updates, and
a step counter variable is checkpointed with the stage's trackables. With several
workers, a preemption handler restores every worker from the chief's checkpoint and has
all of them save at the same step on a SIGTERM to any.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import logging as py_logging
import os
import signal

import tensorflow as tf

from ears_tf.errors import InputError
from ears_tf.train import workers
from ears_tf.train.array_checkpoint import ArrayCheckpoint
from ears_tf.train.loop import LoopOptions, Runtime, TrainingInterrupted


class _MisleadingWarnings(py_logging.Filter):
    """Each stage (and each static step variant) traces its own step function once by design;
    TensorFlow's frequent-retracing warning counts those traces together and misleads. The
    preemption handler warns that its own internal counter is deprecated, on every save."""

    def filter(self, record):
        message = record.getMessage()
        return "triggered tf.function retracing" not in message and "total_run_calls" not in message


tf.get_logger().addFilter(_MisleadingWarnings())


@contextlib.contextmanager
def without_remapper():
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


class TensorFlowRuntime(Runtime):

    def __init__(self, strategy: tf.distribute.Strategy, options: LoopOptions):
        self.strategy, self.options = strategy, options
        self.role = workers.Role.of(strategy)
        self.replicas = strategy.num_replicas_in_sync
        self._compiled = {}
        self._preemption = None
        # One worker of several: SIGTERM belongs to the preemption handler; SIGINT still stops this process.
        self.signals = (signal.SIGINT,) if self.role.num_workers > 1 else (signal.SIGINT, signal.SIGTERM)

    def build(self, stage):
        per_replica = workers.per_replica_batch(stage.batch_size, self.replicas)
        options, role = self.options, self.role
        if self.replicas > 1 or options.data_service:
            print(f"{stage.name}: global batch {stage.batch_size} = {per_replica} per replica x {self.replicas} "
                  f"replica{'s' if self.replicas > 1 else ''} in sync ({role.num_workers} "
                  f"worker{'s' if role.num_workers > 1 else ''}, "
                  f"{'tf.data service' if options.data_service else options.input_sharding + ' input sharding'})",
                  flush=True)
        with self.strategy.scope():
            stage.build(self.strategy)
            self.step_var = tf.Variable(0, dtype=tf.int64, trainable=False, name="step")
        self.checkpoint = tf.train.Checkpoint(step=self.step_var, **stage.checkpoint_items())
        self.stage_name = stage.name

    def restore(self, stage, checkpoint_dir):
        ArrayCheckpoint.refuse_in(checkpoint_dir, backend="tensorflow")
        self.chief_dir = checkpoint_dir
        if self.role.num_workers > 1:
            def stop_cluster():
                raise TrainingInterrupted(stage.name, self.step, tf.train.latest_checkpoint(checkpoint_dir))

            self._previous_sigterm = signal.getsignal(signal.SIGTERM)
            # Restores every worker from the chief's latest checkpoint itself.
            self._preemption = tf.distribute.experimental.PreemptionCheckpointHandler(
                self.strategy.cluster_resolver, self.checkpoint, checkpoint_dir=checkpoint_dir,
                termination_config=tf.distribute.experimental.TerminationConfig(exit_fn=stop_cluster))
        self.manager = tf.train.CheckpointManager(self.checkpoint, self.role.checkpoint_dir(checkpoint_dir),
                                                  max_to_keep=self.options.max_checkpoints)
        latest = tf.train.latest_checkpoint(checkpoint_dir)
        if latest and self._preemption is None:
            try:
                self.checkpoint.restore(latest).assert_existing_objects_matched()
            except AssertionError:  # e.g. a fixed-resolution stylegan checkpoint resumed with a growth schedule
                raise InputError(latest, f"does not match the {stage.name} stage as configured now (made with "
                                         "another preset or schedule?); resume with the settings it was made with, "
                                         "or use a new workdir") from None
        return latest

    @property
    def step(self):
        return int(self.step_var.numpy())

    def batches(self, stage, options, start):
        # The data order depends on the step it starts from, so a resumed run sees new batches.
        def make(share):
            return stage.dataset(options.seed + start, share)

        dataset = self.strategy.distribute_datasets_from_function(lambda context: workers.worker_dataset(
            make, context, stage.batch_size, options.input_sharding, options.data_service, f"{stage.name}-{start}"))
        return iter(dataset)

    def train_step(self, stage, variant):
        key = tuple(sorted(variant.items()))
        if key not in self._compiled:
            strategy = self.strategy
            jit = self.options.jit_compile and self.replicas == 1
            replica_fn = tf.function(functools.partial(stage.replica_step, **variant), jit_compile=jit)

            @tf.function
            def distributed(batch):
                per_replica = strategy.run(replica_fn, args=(batch,))
                reduced = {k: strategy.reduce(tf.distribute.ReduceOp.MEAN, v, axis=None) for k, v in per_replica.items()}
                stage.cross_replica_update(reduced)
                self.step_var.assign_add(1)
                return reduced

            self._compiled[key] = distributed
        return self._compiled[key]

    def save(self, step):
        """A checkpoint; a write TensorFlow refuses (no space, read-only) becomes an OSError naming the folder.

        TensorFlow writes the shards first and renames the index into place last, so a crash
        mid-save leaves the previous checkpoint as the latest.
        """
        try:
            path = self.manager.save(checkpoint_number=step)
        except tf.errors.OpError as error:
            raise OSError(errno.EIO, str(error.message).splitlines()[0], self.manager.directory) from None
        self.role.discard(self.chief_dir)  # a non-chief's share of the save is not kept
        return path if self.role.chief else os.path.join(self.chief_dir, os.path.basename(path))

    def after_step(self, step):
        if self._preemption is not None:
            self._preemption.save_checkpoint_if_preempted(checkpoint_number=step)

    def barrier(self):
        workers.barrier(self.strategy)

    def close(self):
        if self._preemption is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
        if hasattr(self, "chief_dir"):
            self.role.discard(self.chief_dir)
