"""The JAX runtime's checkpoints (`train/array_checkpoint.py`), on the Keras variables of any backend."""
import json
import os

import numpy as np
import pytest

import keras

from ears_tf.errors import InputError
from ears_tf.layers import BicubicDownsample16x
from ears_tf.train.array_checkpoint import INDEX, ArrayCheckpoint, checkpoint_variables


def items(units: int = 3):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(units), keras.layers.Dropout(0.5, seed=1)])
    optimizer = keras.optimizers.Adam(0.1)
    optimizer.build(model.trainable_variables)
    return {"model": model, "optimizer": optimizer, "not_keras": object()}


def test_a_save_restores_every_variable_and_the_step(tmp_path):
    saved = items()
    saved["model"].layers[0].kernel.assign(np.arange(6, dtype=np.float32).reshape(2, 3))
    saved["optimizer"].iterations.assign(7)
    path = ArrayCheckpoint(saved, str(tmp_path), backend="jax").save(12)

    restored = items()
    checkpoint = ArrayCheckpoint(restored, str(tmp_path), backend="jax")
    assert checkpoint.latest() == path
    assert checkpoint.restore(path) == 12
    np.testing.assert_array_equal(restored["model"].layers[0].kernel.numpy(), np.arange(6).reshape(2, 3))
    assert int(restored["optimizer"].iterations.numpy()) == 7
    # Seed generators are state too; the object that holds no Keras state is left out.
    names = checkpoint_variables(restored)
    assert any("seed_generator" in v.path for v in names.values())
    assert not any(name.startswith("not_keras") for name in names)


def test_it_keeps_the_newest_and_writes_the_index_last(tmp_path):
    checkpoint = ArrayCheckpoint(items(), str(tmp_path), backend="jax", max_to_keep=2)
    for step in (2, 4, 6):
        checkpoint.save(step)
    assert sorted(os.listdir(tmp_path)) == [INDEX, "ckpt-4.npz", "ckpt-6.npz"]
    assert json.loads((tmp_path / INDEX).read_text()) == {"backend": "jax", "checkpoints": ["ckpt-4.npz", "ckpt-6.npz"]}
    assert checkpoint.latest() == str(tmp_path / "ckpt-6.npz")


def test_a_checkpoint_of_other_models_is_refused_in_one_line(tmp_path):
    path = ArrayCheckpoint(items(units=3), str(tmp_path), backend="jax").save(1)
    with pytest.raises(InputError, match="does not match the stage as configured now") as raised:
        ArrayCheckpoint(items(units=4), str(tmp_path), backend="jax").restore(path)
    assert "\n" not in str(raised.value)


def test_constants_are_not_state(tmp_path):
    layer = BicubicDownsample16x()
    layer.build((None, 32, 32, 3))
    assert layer.weights and checkpoint_variables({"downsample": layer}) == {}


def test_each_backend_refuses_the_others_checkpoints(tmp_path):
    ArrayCheckpoint(items(), str(tmp_path), backend="jax").save(1)
    with pytest.raises(InputError, match="written under the jax backend; resume with --backend=jax"):
        ArrayCheckpoint.refuse_in(str(tmp_path), backend="tensorflow")
    ArrayCheckpoint.refuse_in(str(tmp_path), backend="jax")
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "ckpt-1"\n')
    with pytest.raises(InputError, match="TensorFlow checkpoints; resume with --backend=tensorflow"):
        ArrayCheckpoint.refuse_in(str(tmp_path), backend="jax")
