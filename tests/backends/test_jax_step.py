"""The `stylegan` stage's step under JAX (`train/stylegan_jax.py`): a G + D step at smoke width,
compiled by `jax.jit`, that returns its state: both networks, the EMA copy, the noise layers'
seeds and w_avg move, and `assign` writes them back. Fixed resolution and growing.

Runs under KERAS_BACKEND=jax only; `test_harness_on_jax.py` runs it in its subprocess.
"""
import dataclasses

import numpy as np
import pytest

import keras

if keras.backend.backend() != "jax":
    pytest.skip("the JAX backend's step (tests/backends/test_harness_on_jax.py runs it under JAX)",
                allow_module_level=True)

from ears_tf import config  # noqa: E402
from ears_tf.train import stylegan_step  # noqa: E402
from ears_tf.train.stylegan_jax import JaxStyleGANStep  # noqa: E402

BATCH = 4


def moved(before, after) -> int:
    return sum(not np.array_equal(a, np.asarray(b)) for a, b in zip(before, after))


# The growing step out of CI (slow): the suite's time is spent on the full-resolution one.
@pytest.mark.parametrize("growing", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_a_g_and_d_step_compiles_and_returns_its_state(growing):
    preset = config.get_preset("smoke")
    if growing:
        preset = dataclasses.replace(preset, train=dataclasses.replace(
            preset.train, stylegan_growth=config.GrowthSchedule(8, 16, 16))).validate()
    options = stylegan_step.StyleGANOptions()
    gan = stylegan_step.build_gan(preset, options, BATCH)
    step = JaxStyleGANStep(gan, options, BATCH, growth=preset.train.stylegan_growth)
    state = step.initial_state()
    first = {name: [np.asarray(v) for v in values] for name, values in state.items() if isinstance(values, list)}
    cfg = preset.model
    reals = np.random.default_rng(0).uniform(-1, 1, (BATCH, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
    res_log2 = 4 if growing else None  # 16x16, fading in over the 8x8 start
    for index in range(2):
        state, metrics = step(state, reals, r1=index == 0, res_log2=res_log2)
        assert all(np.isfinite(float(value)) for value in metrics.values())
        assert ("r1" in metrics) == (index == 0)
    assert int(state["images"]) == 2 * BATCH
    assert moved(first["d"], state["d"]) > 0 and moved(first["g"], state["g"]) > 0
    assert moved(first["ema"], state["ema"]) > 0
    g_state = step.groups["g_state"]
    seeds = [i for i, v in enumerate(g_state) if "seed_generator_state" in v.path]
    advanced = moved([first["g_state"][i] for i in seeds], [state["g_state"][i] for i in seeds])
    assert 0 < advanced <= len(seeds) and (growing or advanced == len(seeds))  # growing: the layers up to 16x16
    w_avg = [v.path for v in g_state].index(gan.generator.w_avg.path)
    assert float(np.abs(np.asarray(state["g_state"][w_avg])).max()) > 0.0
    step.assign(state)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(gan.generator_ema.trainable_variables[0]),
                                  np.asarray(state["ema"][0]))
