"""Adam whose moments restart at given steps, as StyleGAN v1 resets its optimizers whenever a
new resolution starts or finishes fading in (`reset_opt_for_new_lod`).

A restart zeroes both moments and restarts the bias correction, so the first update after
it is as large as a fresh Adam's, not ten times larger (beta_2 0.99 with a zeroed second
moment and no correction). Which steps restart is configuration (`restart_steps`), so the
update stays a pure function of the optimizer's variables and runs unchanged under
TensorFlow's tapes and JAX's `stateless_apply`; a checkpoint holds nothing new.
"""
from __future__ import annotations

import math

import keras
from keras import ops

from ears_tf.config import GrowthSchedule


@keras.saving.register_keras_serializable(package="ears_tf")
class RestartingAdam(keras.optimizers.Adam):
    """`keras.optimizers.Adam` (no AMSGrad) whose moments restart before the update of each step
    in `restart_steps` (counted as `iterations`, from 0)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, restart_steps=(),
                 name="restarting_adam", **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=False,
                         name=name, **kwargs)
        steps = tuple(int(step) for step in restart_steps)
        if any(step < 0 for step in steps) or list(steps) != sorted(set(steps)):
            raise ValueError(f"restart_steps must be distinct, increasing and non-negative, got {restart_steps}")
        self.restart_steps = steps

    def update_step(self, gradient, variable, learning_rate):
        if not self.restart_steps:
            return super().update_step(gradient, variable, learning_rate)
        dtype = variable.dtype
        step = ops.cast(self.iterations, "int32")  # JAX without x64 has no int64
        restarts = ops.convert_to_tensor(self.restart_steps, "int32")  # [R]
        restarting = ops.any(ops.equal(restarts, step))
        last_restart = ops.max(ops.where(restarts <= step, restarts, 0))
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        self.assign(m, ops.where(restarting, ops.zeros_like(m), m))
        self.assign(v, ops.where(restarting, ops.zeros_like(v), v))

        # Adam's update with the bias correction counted from the last restart.
        local_step = ops.cast(step - last_restart + 1, dtype)
        alpha = (ops.cast(learning_rate, dtype) * ops.sqrt(1 - ops.power(ops.cast(self.beta_2, dtype), local_step))
                 / (1 - ops.power(ops.cast(self.beta_1, dtype), local_step)))
        gradient = ops.cast(gradient, dtype)
        self.assign_add(m, (gradient - m) * (1 - self.beta_1))
        self.assign_add(v, (ops.square(gradient) - v) * (1 - self.beta_2))
        self.assign_sub(variable, m * alpha / (ops.sqrt(v) + self.epsilon))

    def get_config(self):
        config = super().get_config()
        config.pop("amsgrad", None)
        config["restart_steps"] = list(self.restart_steps)
        return config


def fade_restart_steps(schedule: GrowthSchedule, final_log2: int, batch_size: int) -> tuple:
    """The steps at which a resolution of `schedule` starts or finishes fading in, as StyleGAN
    v1's lod changes its floor or its ceiling: the first step that sees each boundary."""
    boundaries = []
    for res_log2 in range(schedule.start_log2 + 1, final_log2 + 1):
        start = schedule.fade_start(res_log2)
        boundaries += [start, start + schedule.fade_images]
    return tuple(sorted({math.ceil(images / batch_size) for images in boundaries}))
