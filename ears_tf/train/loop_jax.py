"""The training loop's JAX runtime: the stage's step as one `jax.jit` per step variant over
arrays, array checkpoints, and `tf.data` batches moved to the devices ahead of the step.

The step is the stage's own stateless step (`Stage.stateless_step`): `initial_state()`
copies the Keras variables' values, `step(state, batch, **variant)` returns the next state
and the step's metrics, and `assign(state)` writes a state back into the variables, which
the loop asks for (`sync`) before evaluating, saving and exporting. The input pipeline is
TensorFlow's (`tensorflow-cpu` beside a CUDA build of JAX, as Keras runs JAX on GPUs); its
batches reach the step as NumPy arrays, int64 narrowed to JAX's default int32.

With several devices (GPUs, host devices from `XLA_FLAGS=--xla_force_host_platform_device_count=N`,
or those of several processes, `processes_jax`) the step runs data-parallel, as
`keras.distribution.DataParallel` lays it out: each batch split over the devices along its
first axis, the state replicated, and XLA's partitioner adding the gradients' all-reduce. Each
process feeds its own slice of every global batch, and process 0 writes the workdir.
"""
from __future__ import annotations

import collections
import os
import signal

import numpy as np

import jax
import tensorflow as tf
from jax.sharding import Mesh, NamedSharding, PartitionSpec

import keras

from ears_tf.train import processes_jax, workers
from ears_tf.train.array_checkpoint import ArrayCheckpoint
from ears_tf.train.loop import LoopOptions, Runtime, TrainingInterrupted

PREFETCH = 2  # batches on the device ahead of the step


class JaxRuntime(Runtime):

    def __init__(self, options: LoopOptions):
        if options.data_service:
            raise ValueError("the tf.data service feeds TensorFlow's multi-worker trainer; under JAX each process "
                             "reads its own input")
        self.options = options
        self.role = processes_jax.role()
        self.processes = self.role.num_workers
        if self.processes > 1:
            # SIGTERM is the coordination service's preemption notice (`after_step`), which stops
            # every process at one step; a SIGINT (Ctrl-C) becomes one, as a lone process cannot stop.
            self.signals = ()
            self._previous_sigint = signal.signal(signal.SIGINT, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
        self._step = 0
        self._synced_at = None  # the step whose state the Keras variables hold
        devices = jax.devices()  # every process's
        self.distribution = keras.distribution.DataParallel(devices=devices) if len(devices) > 1 else None

    def build(self, stage):
        self.stage_name = stage.name
        if self.distribution is not None:
            devices = len(self.distribution.device_mesh.devices.flat)
            per_device = workers.per_replica_batch(stage.batch_size, devices)
            across = ""
            if self.processes > 1:
                workers.per_replica_batch(stage.batch_size, self.processes)  # each feeds B / processes, or raises
                across = f", {self.processes} processes, {self.options.input_sharding} input sharding"
            print(f"{stage.name}: global batch {stage.batch_size} = {per_device} per device x {devices} devices "
                  f"(keras.distribution.DataParallel{across})", flush=True)
        stage.build(tf.distribute.get_strategy())  # the default strategy only counts one replica
        self.stepper = stage.stateless_step()
        if self.distribution is not None:
            mesh = self.distribution.device_mesh
            self.replicated = NamedSharding(Mesh(mesh.devices, mesh.axis_names), PartitionSpec())
            self.stepper.output_sharding = self.replicated

    def restore(self, stage, checkpoint_dir):
        ArrayCheckpoint.refuse_in(checkpoint_dir, backend="jax")
        self.checkpoint = ArrayCheckpoint(stage.checkpoint_items(), checkpoint_dir, backend="jax",
                                          max_to_keep=self.options.max_checkpoints)
        latest = self.checkpoint.latest()  # every process restores the chief's
        if latest:
            self._step = self.checkpoint.restore(latest)
        self.state = self.stepper.initial_state()
        if self.distribution is not None:
            # From host copies: one process's arrays cannot be placed on another's devices.
            self.state = jax.device_put(jax.tree_util.tree_map(np.asarray, self.state), self.replicated)
        return latest

    @property
    def step(self):
        return self._step

    def batches(self, stage, options, start):
        if self.distribution is None:
            return on_device(stage.dataset(options.seed + start), jax.device_put)
        layouts = self.distribution.get_data_layout
        if self.processes == 1:  # split along the batch axis
            place = lambda batch: jax.tree_util.tree_map(  # noqa: E731
                lambda x: jax.device_put(x, layouts(x.shape).backend_layout), batch)
            return on_device(stage.dataset(options.seed + start), place)

        # This process's slices [B / processes] of the global batches, placed on its devices.
        def place(batch):
            return jax.tree_util.tree_map(lambda x: jax.make_array_from_process_local_data(
                layouts((x.shape[0] * self.processes,) + x.shape[1:]).backend_layout, x), batch)

        context = tf.distribute.InputContext(num_input_pipelines=self.processes,
                                             input_pipeline_id=self.role.index, num_replicas_in_sync=self.processes)
        dataset = workers.worker_dataset(lambda share: stage.dataset(options.seed + start, share), context,
                                         stage.batch_size, options.input_sharding)
        return on_device(dataset, place)

    def train_step(self, stage, variant):
        def advance(batch):
            self.state, metrics = self.stepper(self.state, batch, **variant)
            self._step += 1
            if self.processes > 1:  # the loop reads them as numbers; another process's copy cannot be read
                metrics = jax.tree_util.tree_map(local_copy, metrics)
            return metrics

        return advance

    def sync(self):
        if self._synced_at == self._step:  # a checkpoint and an evaluation at one step: one copy
            return
        self._synced_at = self._step
        # Copies on one local device, as the stage's eager evaluation and export read them: the next
        # step donates its state's buffers, which the variables must not share.
        self.stepper.assign(jax.tree_util.tree_map(lambda value: local_copy(value).copy(), self.state))

    def save(self, step):
        if not self.role.chief:
            processes_jax.barrier()  # the others go on once the chief's checkpoint is written
            return self.checkpoint.path(step)
        self.sync()
        path = self.checkpoint.save(step)
        processes_jax.barrier()
        return path

    def after_step(self, step):
        if processes_jax.preempted(step):
            raise TrainingInterrupted(self.stage_name, step, self.save(step))

    def barrier(self):
        processes_jax.barrier()

    def close(self):
        if self.processes > 1:
            signal.signal(signal.SIGINT, self._previous_sigint)


def local_copy(value):
    """A replicated array's copy on one of this process's devices (an array on one device: itself)."""
    return value if len(value.sharding.device_set) == 1 else value.addressable_data(0)


def host_arrays(batch):
    """A tf.data batch as NumPy arrays; int64 becomes int32, JAX's default integer."""
    def convert(value):
        array = np.asarray(value)
        return array.astype(np.int32) if array.dtype == np.int64 else array

    return jax.tree_util.tree_map(convert, batch)


def on_device(dataset: tf.data.Dataset, place=jax.device_put):
    """The dataset's batches placed on the devices by `place`, `PREFETCH` ahead (the copies are
    asynchronous)."""
    ahead = collections.deque()
    for batch in dataset.as_numpy_iterator():
        ahead.append(place(host_arrays(batch)))
        if len(ahead) == PREFETCH:
            yield ahead.popleft()
