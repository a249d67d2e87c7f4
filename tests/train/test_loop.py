import json
import os
import signal

import numpy as np
import pytest
import tensorflow as tf

import keras

from ears_tf.data import pipeline
from ears_tf.train import loop
from ears_tf.workdir import layout


class ToyStage(loop.Stage):
    """Fits y = 3x; can send itself SIGTERM at a chosen step."""

    name = "toy"
    batch_size = images_per_step = 8

    def __init__(self, kill_at: int | None = None):
        self.kill_at = kill_at
        self.evaluated = []

    def build(self, strategy):
        self.model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        self.optimizer = keras.optimizers.Adam(0.3)
        self.optimizer.build(self.model.trainable_variables)

    def checkpoint_items(self):
        return {"model": self.model, "optimizer": self.optimizer}

    def dataset(self, seed, share=pipeline.WHOLE):
        x = tf.random.stateless_normal((256, 1), [seed, 0])
        return tf.data.Dataset.from_tensor_slices((x, 3.0 * x)).repeat().batch(self.batch_size)

    def step_variant(self, step):
        if step == self.kill_at:
            os.kill(os.getpid(), signal.SIGTERM)
        return {}

    def replica_step(self, batch):
        x, y = batch
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(self.model(x) - y))
        grads = tape.gradient(loss, self.model.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
        return {"loss": loss}

    def evaluate(self, step, stage_dir, writer):
        self.evaluated.append(step)
        return {"weight": float(self.model.layers[0].kernel.numpy()[0, 0])}


def options(tmp_path, steps, **kwargs):
    return loop.LoopOptions(workdir=str(tmp_path), steps=steps, checkpoint_every=10, log_every=5, eval_every=15, **kwargs)


def test_trains_writes_done_and_evaluates(tmp_path):
    stage = ToyStage()
    summary = loop.run(stage, options(tmp_path, 40))
    assert summary["steps"] == 40 and summary["resumed_from"] == 0
    assert stage.evaluated == [15, 30, 40]
    assert abs(summary["final"]["weight"] - 3.0) < 0.3
    assert layout.is_done(str(tmp_path), "toy", 40) and not layout.is_done(str(tmp_path), "toy", 41)
    with open(tmp_path / "toy" / layout.DONE) as f:
        assert json.load(f)["steps"] == 40


def test_resumes_with_the_same_step_and_optimizer_state(tmp_path):
    loop.run(ToyStage(), options(tmp_path, 20))
    resumed = ToyStage()
    summary = loop.run(resumed, options(tmp_path, 30))
    assert summary["resumed_from"] == 20 and summary["steps"] == 30
    assert int(resumed.optimizer.iterations.numpy()) == 30


def test_sigterm_saves_a_checkpoint_and_the_run_resumes(tmp_path):
    with pytest.raises(loop.TrainingInterrupted) as stopped:
        loop.run(ToyStage(kill_at=7), options(tmp_path, 50))
    assert stopped.value.step == 8
    assert os.path.exists(stopped.value.checkpoint + ".index")
    assert not layout.is_done(str(tmp_path), "toy")
    again = ToyStage()
    summary = loop.run(again, options(tmp_path, 12))
    assert summary["resumed_from"] == 8
    assert int(again.optimizer.iterations.numpy()) == 12


def test_seeded_runs_are_reproducible(tmp_path):
    weights = []
    for name in ("a", "b"):
        stage = ToyStage()
        loop.run(stage, options(tmp_path / name, 10, seed=3))
        weights.append(stage.model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)
