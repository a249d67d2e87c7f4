"""Test-time refinement: the code fitted to the LR frame, kept near the voice's prior.

The paper's answer is one forward pass, z = E_l(x_l) + F(E_l(x_l), E_a(a)), then G(z); nothing
makes G(z) agree with the frame it came from. Refinement searches the code from there by Adam
steps on, per example,

    mean |down(G(w)) - x_l|^2  +  prior_weight * mean |w - w_prior|^2

in w, the mapping network's output that the synthesis network reads (the default; the same in
G's input code z with `target="z"`),

where `down` is the operator that made the LR frame (`layers.AuthorsDownsample16x`: the
authors' contrast stretch and 8-bit rounding, differentiable by straight-through rounding)
and w_prior is the code the model gave, mapped (the fused code with the voice; E_l's alone
without). The defaults are measured on the quickstart (`experiments/refine_sweep.py`).
G runs with noise off, so a refinement is a function of its inputs: no random draws.

The loop is `keras.ops.fori_loop` inside the backend's compiled function (a `tf.while_loop`
in one `tf.function`; `jax.lax.fori_loop`), the gradient to the code each backend's own
(`backends.value_and_input_gradient`), Adam's moments in the loop's state. Examples do not
interact: the objective is summed over the batch, so each example's gradient is its own.
"""
from __future__ import annotations

from keras import ops

from ears_tf import backends
from ears_tf.config import ConfigError
from ears_tf.layers import AuthorsDownsample16x
from ears_tf.refine_options import RefineOptions


def draw(generator, code, target: str):
    """G's faces [N, HR, HR, 3] from a code of `target`'s space, noise off."""
    if target == "w":
        return generator.synthesis(code, noise_mode="off")
    return generator(code, noise_mode="off")


def consistency_and_prior(generator, downsample, code, lr_image, prior_code, target: str = "z"):
    """Per-example terms [N]: the LR consistency of G's face and the squared distance to the prior."""
    lr_again = downsample(draw(generator, code, target))  # [N, r, r, 3]
    consistency = ops.mean(ops.square(lr_again - ops.cast(lr_image, lr_again.dtype)), axis=(1, 2, 3))
    prior = ops.mean(ops.square(code - prior_code), axis=(1, 2))
    return consistency, prior


class Refiner:
    """refine(z_prior [N, k, D], lr_image [N, r, r, 3]) -> (code [N, k, D] in the target's space,
    {"consistency", "prior"} [N]); `draw(code)` gives the faces."""

    def __init__(self, generator, options: RefineOptions):
        self.generator, self.options = generator, options.validate()
        cfg = generator.model_config
        self.downsample = AuthorsDownsample16x(name="authors_downsample")
        self.downsample.build((None, cfg.hr_size, cfg.hr_size, 3))
        self.backend = backends.current()  # resolved here: a traced function imports nothing
        self._compiled = self.backend.compiled_function(self._refine)
        self._compiled_advance = self.backend.compiled_function(self._advance)  # traced once per (first, last)

    def draw(self, code):
        return draw(self.generator, code, self.options.target)

    def __call__(self, z_prior, lr_image):
        return self._compiled(ops.convert_to_tensor(z_prior, "float32"), ops.convert_to_tensor(lr_image, "float32"))

    def trajectory(self, z_prior, lr_image, checkpoints):
        """For each step count in `checkpoints` (increasing, the last at most `steps`): (count, code, terms)
        along one search, as `__call__` would give with that many steps (for tuning: one search, not one
        per count)."""
        z_prior, lr_image = ops.convert_to_tensor(z_prior, "float32"), ops.convert_to_tensor(lr_image, "float32")
        start = self._start(z_prior)
        zeros = ops.zeros_like(start)
        state, done = (start, zeros, zeros), 0
        for count in checkpoints:
            if not done <= count <= self.options.steps:
                raise ConfigError(f"refine checkpoints must increase up to {self.options.steps} steps, got {list(checkpoints)}")
            state = self._compiled_advance(start, lr_image, state, done, count)
            done = count
            yield count, state[0], self._terms(state[0], lr_image, start)

    def _start(self, z_prior):
        return self.generator.map(z_prior) if self.options.target == "w" else z_prior  # [N, k, D]

    def _terms(self, code, lr_image, start):
        consistency, prior = consistency_and_prior(self.generator, self.downsample, code, lr_image, start, self.options.target)
        return {"consistency": consistency, "prior": prior}

    def _advance(self, start, lr_image, state, first: int, last: int):
        """Adam's (code, m, v) from step `first` to `last` (Python ints: the loop's bounds)."""
        options, backend, target = self.options, self.backend, self.options.target

        def objective(code):
            consistency, prior = consistency_and_prior(self.generator, self.downsample, code, lr_image, start, target)
            return ops.sum(consistency + options.prior_weight * prior), (consistency, prior)

        def adam_step(step, state):
            z, m, v = state
            _, gradient = backend.value_and_input_gradient(objective, z)
            m = options.beta_1 * m + (1.0 - options.beta_1) * gradient
            v = options.beta_2 * v + (1.0 - options.beta_2) * ops.square(gradient)
            t = ops.cast(step + 1, "float32")
            m_hat = m / (1.0 - ops.power(options.beta_1, t))
            v_hat = v / (1.0 - ops.power(options.beta_2, t))
            return z - options.learning_rate * m_hat / (ops.sqrt(v_hat) + options.epsilon), m, v

        if last == first:
            return state
        return ops.fori_loop(first, last, adam_step, state)

    def _refine(self, z_prior, lr_image):
        start = self._start(z_prior)
        zeros = ops.zeros_like(start)
        code, _, _ = self._advance(start, lr_image, (start, zeros, zeros), 0, self.options.steps)
        return code, self._terms(code, lr_image, start)
