"""RestartingAdam: Adam between restarts, a fresh Adam after each; run here under TensorFlow
and under JAX by tests/backends/test_harness_on_jax.py."""
import numpy as np
import pytest

import keras

from ears_tf.config import GrowthSchedule
from ears_tf.train.restarting_adam import RestartingAdam, fade_restart_steps

GRADIENTS = [np.array([0.5, -2.0, 1e-3], np.float32) * (step + 1) for step in range(5)]


def trajectory(optimizer, start, gradients):
    """The variable's value after each step of `optimizer` from `start` with `gradients`."""
    variable = keras.Variable(start, name="weights")
    optimizer.build([variable])
    values = []
    for gradient in gradients:
        if keras.backend.backend() == "jax":  # the route the JAX trainer takes
            [value], optimizer_values = optimizer.stateless_apply(
                [v.value for v in optimizer.variables], [keras.ops.convert_to_tensor(gradient)], [variable.value])
            variable.assign(value)
            for held, new in zip(optimizer.variables, optimizer_values):
                held.assign(new)
        else:
            optimizer.apply([keras.ops.convert_to_tensor(gradient)], [variable])
        values.append(np.asarray(keras.ops.convert_to_numpy(variable)))
    return values


def adam(**kwargs):
    return keras.optimizers.Adam(0.1, beta_1=0.5, beta_2=0.99, epsilon=1e-8, **kwargs)


def test_restart_adam_without_a_restart_in_reach_is_keras_adam():
    start = np.ones(3, np.float32)
    ours = trajectory(RestartingAdam(0.1, beta_1=0.5, beta_2=0.99, epsilon=1e-8, restart_steps=(50,)), start, GRADIENTS)
    np.testing.assert_allclose(ours, trajectory(adam(), start, GRADIENTS), rtol=1e-6)


def test_restart_adam_after_a_restart_steps_as_a_fresh_adam():
    start = np.ones(3, np.float32)
    ours = trajectory(RestartingAdam(0.1, beta_1=0.5, beta_2=0.99, epsilon=1e-8, restart_steps=(2,)), start, GRADIENTS)
    kept = trajectory(adam(), start, GRADIENTS)
    np.testing.assert_allclose(ours[:2], kept[:2], rtol=1e-6)
    fresh = trajectory(adam(), ours[1], GRADIENTS[2:])  # from the value before the restart's step
    np.testing.assert_allclose(ours[2:], fresh, rtol=1e-6)
    assert not np.allclose(ours[2:], kept[2:], rtol=1e-3)  # the moments did restart


def test_restart_adam_config_round_trips_and_rejects_a_bad_schedule():
    optimizer = RestartingAdam(0.01, restart_steps=(3, 7))
    again = RestartingAdam.from_config(optimizer.get_config())
    assert again.restart_steps == (3, 7) and again.get_config() == optimizer.get_config()
    with pytest.raises(ValueError, match="restart_steps"):
        RestartingAdam(restart_steps=(7, 3))
    with pytest.raises(TypeError):
        RestartingAdam(amsgrad=True)  # AMSGrad's update is not written here


def test_restart_steps_of_the_quickstart_schedule_are_its_fades():
    # 8 -> 64 in 10,000-image phases at batch 16: each of 16, 32 and 64 starts fading in after
    # its predecessor's stable phase and has faded in 10,000 images later.
    schedule = GrowthSchedule(start_resolution=8, stable_images=10_000, fade_images=10_000)
    assert fade_restart_steps(schedule, final_log2=6, batch_size=16) == (625, 1250, 1875, 2500, 3125, 3750)
    assert fade_restart_steps(schedule, final_log2=6, batch_size=24) == (417, 834, 1250, 1667, 2084, 2500)


def test_the_stylegan_stage_restarts_both_optimizers_at_its_fades_when_asked():
    import dataclasses

    from ears_tf import config
    from ears_tf.train import stylegan_step

    preset = config.get_preset("smoke")
    schedule = config.GrowthSchedule(8, 16, 16)
    grown = dataclasses.replace(preset, train=dataclasses.replace(preset.train, stylegan_growth=schedule)).validate()
    asked = stylegan_step.build_gan(grown, stylegan_step.StyleGANOptions(restart_adam_at_fades=True), batch_size=4)
    expected = fade_restart_steps(schedule, preset.model.resolution_log2, 4)  # 8 -> 32: (4, 8, 12, 16)
    assert expected == (4, 8, 12, 16)
    for optimizer in (asked.g_optimizer, asked.d_optimizer):
        assert optimizer.restart_steps == expected
    kept = stylegan_step.build_gan(grown, stylegan_step.StyleGANOptions(), batch_size=4)
    assert kept.g_optimizer.restart_steps == kept.d_optimizer.restart_steps == ()
