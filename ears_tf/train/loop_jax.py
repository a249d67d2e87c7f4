"""The training loop's JAX runtime: the stage's step as one `jax.jit` per step variant over
arrays, array checkpoints, and `tf.data` batches moved to the device one step ahead.

The step is the stage's own stateless step (`Stage.stateless_step`): `initial_state()`
copies the Keras variables' values, `step(state, batch, **variant)` returns the next state
and the step's metrics, and `assign(state)` writes a state back into the variables, which
the loop asks for (`sync`) before evaluating, saving and exporting. The input pipeline is
TensorFlow's (`tensorflow-cpu` beside a CUDA build of JAX, as Keras runs JAX on GPUs); its
batches reach the step as NumPy arrays, int64 narrowed to JAX's default int32.
"""
from __future__ import annotations

import collections

import numpy as np

import jax
import tensorflow as tf

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
        self._steps = {}  # compiled step per variant, made by the stage's stateless step

    def build(self, stage):
        stage.build(tf.distribute.get_strategy())  # one replica: the default strategy only counts it
        self.stepper = stage.stateless_step()

    def restore(self, stage, checkpoint_dir):
        ArrayCheckpoint.refuse_in(checkpoint_dir, backend="jax")
        self.checkpoint = ArrayCheckpoint(stage.checkpoint_items(), checkpoint_dir, backend="jax",
                                          max_to_keep=self.options.max_checkpoints)
        latest = self.checkpoint.latest()
        if latest:
            self._step = self.checkpoint.restore(latest)
        self.state = self.stepper.initial_state()
        return latest

    @property
    def step(self):
        return self._step

    def batches(self, stage, options, start):
        return on_device(stage.dataset(options.seed + start))

    def train_step(self, stage, variant):
        def advance(batch):
            self.state, metrics = self.stepper(self.state, batch, **variant)
            self._step += 1
            return metrics

        return advance

    def sync(self):
        # Copies: the next step donates its state's buffers, which the variables must not share.
        self.stepper.assign(jax.tree_util.tree_map(lambda value: value.copy(), self.state))

    def save(self, step):
        self.sync()
        return self.checkpoint.save(step)


def host_arrays(batch):
    """A tf.data batch as NumPy arrays; int64 becomes int32, JAX's default integer."""
    def convert(value):
        array = np.asarray(value)
        return array.astype(np.int32) if array.dtype == np.int64 else array

    return jax.tree_util.tree_map(convert, batch)


def on_device(dataset: tf.data.Dataset):
    """The dataset's batches on the default device, `PREFETCH` ahead (the copies are asynchronous)."""
    ahead = collections.deque()
    for batch in dataset.as_numpy_iterator():
        ahead.append(jax.device_put(host_arrays(batch)))
        if len(ahead) == PREFETCH:
            yield ahead.popleft()
