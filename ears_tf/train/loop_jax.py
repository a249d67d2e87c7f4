"""The training loop's JAX runtime: the stage's step as one `jax.jit` per step variant over
arrays, array checkpoints, and `tf.data` batches moved to the devices ahead of the step.

The step is the stage's own stateless step (`Stage.stateless_step`): `initial_state()`
copies the Keras variables' values, `step(state, batch, **variant)` returns the next state
and the step's metrics, and `assign(state)` writes a state back into the variables, which
the loop asks for (`sync`) before evaluating, saving and exporting. The input pipeline is
TensorFlow's (`tensorflow-cpu` beside a CUDA build of JAX, as Keras runs JAX on GPUs); its
batches reach the step as NumPy arrays, int64 narrowed to JAX's default int32.

With several local devices (GPUs, or host devices from
`XLA_FLAGS=--xla_force_host_platform_device_count=N`) the step runs data-parallel, as
`keras.distribution.DataParallel` lays it out: each batch split over the devices along its
first axis, the state replicated, and XLA's partitioner adding the gradients' all-reduce.
"""
from __future__ import annotations

import collections

import numpy as np

import jax
import tensorflow as tf
from jax.sharding import Mesh, NamedSharding, PartitionSpec

import keras

from ears_tf.train import workers
from ears_tf.train.array_checkpoint import ArrayCheckpoint
from ears_tf.train.loop import LoopOptions, Runtime

PREFETCH = 2  # batches on the device ahead of the step


class JaxRuntime(Runtime):

    def __init__(self, options: LoopOptions):
        if options.data_service:
            raise ValueError("the tf.data service feeds TensorFlow's multi-worker trainer; under JAX each process "
                             "reads its own input")
        self.options = options
        self.role = workers.Role(task_id=0, index=0, num_workers=1, chief=True)
        self._step = 0
        self._synced_at = None  # the step whose state the Keras variables hold
        devices = jax.local_devices()
        self.distribution = keras.distribution.DataParallel(devices=devices) if len(devices) > 1 else None

    def build(self, stage):
        if self.distribution is not None:
            devices = len(self.distribution.device_mesh.devices.flat)
            per_device = workers.per_replica_batch(stage.batch_size, devices)
            print(f"{stage.name}: global batch {stage.batch_size} = {per_device} per device x {devices} devices "
                  "(keras.distribution.DataParallel)", flush=True)
        stage.build(tf.distribute.get_strategy())  # the default strategy only counts one replica
        self.stepper = stage.stateless_step()

    def restore(self, stage, checkpoint_dir):
        ArrayCheckpoint.refuse_in(checkpoint_dir, backend="jax")
        self.checkpoint = ArrayCheckpoint(stage.checkpoint_items(), checkpoint_dir, backend="jax",
                                          max_to_keep=self.options.max_checkpoints)
        latest = self.checkpoint.latest()
        if latest:
            self._step = self.checkpoint.restore(latest)
        self.state = self.stepper.initial_state()
        if self.distribution is not None:
            mesh = self.distribution.device_mesh
            replicated = NamedSharding(Mesh(mesh.devices, mesh.axis_names), PartitionSpec())
            self.state = jax.device_put(self.state, replicated)
        return latest

    @property
    def step(self):
        return self._step

    def batches(self, stage, options, start):
        if self.distribution is None:
            place = jax.device_put
        else:  # split along the batch axis
            layouts = self.distribution.get_data_layout
            place = lambda batch: jax.tree_util.tree_map(  # noqa: E731
                lambda x: jax.device_put(x, layouts(x.shape).backend_layout), batch)
        return on_device(stage.dataset(options.seed + start), place)

    def train_step(self, stage, variant):
        def advance(batch):
            self.state, metrics = self.stepper(self.state, batch, **variant)
            self._step += 1
            return metrics

        return advance

    def sync(self):
        if self._synced_at == self._step:  # a checkpoint and an evaluation at one step: one copy
            return
        self._synced_at = self._step
        # Copies: the next step donates its state's buffers, which the variables must not share.
        # On one device, as the stage's eager evaluation and export read them.
        device = jax.local_devices()[0]
        copy = (lambda value: value.copy()) if self.distribution is None else (
            lambda value: jax.device_put(value, device))
        self.stepper.assign(jax.tree_util.tree_map(copy, self.state))

    def save(self, step):
        self.sync()
        return self.checkpoint.save(step)


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
