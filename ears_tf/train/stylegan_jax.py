"""The `stylegan` stage's step under JAX: one `jax.jit` per step variant over arrays.

The objectives are `stylegan_step`'s, as the TensorFlow step's are. What is JAX's own:
`jax.value_and_grad` over Keras's stateless scope (`backends/jax.py`), Adam through
`optimizer.stateless_apply`, the latents drawn from a `jax.random` key carried in the state,
and the EMA and w_avg updates returned rather than assigned. `assign` writes the state back
into the Keras variables (for samples, checkpoints and export).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from ears_tf.backends import jax as jax_backend
from ears_tf.models import growing
from ears_tf.models.generator import moved_w_avg
from ears_tf.train import growth as growth_lib
from ears_tf.train import stylegan_step
from ears_tf.train.stylegan_step import GAN, StyleGANOptions


class JaxStyleGANStep:
    """G + D steps of a built `GAN`: `state = step(state, reals, r1=..., res_log2=...)`."""

    def __init__(self, gan: GAN, options: StyleGANOptions, batch_size: int, growth=None, seed: int = 0):
        jax_backend.require_no_loss_scaling(gan.g_optimizer, gan.d_optimizer)
        self.gan, self.options, self.batch_size, self.growth, self.seed = gan, options, batch_size, growth, seed
        g, d = gan.generator, gan.discriminator
        ladders = lambda ladder: ladder.non_trainable_variables if ladder is not None else []  # noqa: E731
        self.groups = {
            "g": gan.g_variables,
            "g_state": g.non_trainable_variables + ladders(gan.to_rgb),
            "d": gan.d_variables,
            "d_state": d.non_trainable_variables + ladders(gan.from_rgb),
            "g_opt": gan.g_optimizer.variables,
            "d_opt": gan.d_optimizer.variables,
            "ema": [target for _, target in gan.ema_pairs],
            "ema_state": gan.generator_ema.non_trainable_variables,
        }
        self._w_avg = [v.path for v in self.groups["g_state"]].index(g.w_avg.path)
        self.output_sharding = None  # the runtime's layout of the step's outputs, on several devices
        self._compiled = {}

    def initial_state(self) -> dict:
        """Copies of the variables' current values (the step donates its state's buffers, which must
        not be the variables' own), the images seen so far and the random key, folded with them."""
        state = {name: [jnp.copy(v.value) for v in variables] for name, variables in self.groups.items()}
        state["images"] = jnp.asarray(int(self.gan.g_optimizer.iterations.numpy()) * self.batch_size, jnp.int32)
        # A resumed run draws new latents, not those of the steps it already took.
        state["key"] = jax.random.fold_in(jax.random.PRNGKey(self.seed), state["images"])
        return state

    def assign(self, state: dict) -> None:
        for name, variables in self.groups.items():
            for variable, value in zip(variables, state[name]):
                variable.assign(value)

    def __call__(self, state: dict, reals, r1: bool, res_log2: int | None = None):
        """(state after one D step and one G step, metrics)."""
        key = (bool(r1), res_log2)
        if key not in self._compiled:
            self._compiled[key] = jax_backend.jit_step(lambda s, x: self._step(s, x, *key), self.output_sharding)
        return self._compiled[key](state, reals)

    def _latents(self, key):
        cfg = self.gan.generator.model_config
        k, dim = cfg.num_styles, cfg.latent_dim
        first, second, mixing, layer = jax.random.split(key, 4)
        z1 = jax.random.normal(first, (self.batch_size, 1, dim))
        z2 = jax.random.normal(second, (self.batch_size, 1, dim))
        mix = jax.random.uniform(mixing, ()) < self.options.style_mixing
        cutoff = jnp.where(mix, jax.random.randint(layer, (), 1, k), k)
        return stylegan_step.mix_latents(z1, z2, cutoff, k)  # [B, k, D]

    def _step(self, state, reals, r1: bool, res_log2):
        gan, options, groups = self.gan, self.options, self.groups
        alpha = None
        if res_log2 is not None:
            alpha = growth_lib.alpha(self.growth, state["images"], res_log2)
            reals = growing.grown_reals(reals, res_log2, alpha, self.growth.start_log2)
        key, fake_key, latent_key = jax.random.split(state["key"], 3)
        g_all, g_all_values = groups["g"] + groups["g_state"], state["g"] + state["g_state"]

        # D: on G's fakes, which are data here (no gradient reaches G).
        fakes, after = jax_backend.stateless(
            lambda: stylegan_step.synthesize(gan, gan.generator.map(self._latents(fake_key)), res_log2, alpha),
            g_all, g_all_values)
        g_state = after[len(groups["g"]):]
        d_grad = jax_backend.value_and_grad(
            lambda: stylegan_step.d_objective(gan, options, reals, fakes, r1, res_log2, alpha, backend=jax_backend),
            groups["d"], groups["d_state"])
        (_, (d_metrics, d_state)), grads = d_grad(state["d"], state["d_state"])
        d_values, d_opt = gan.d_optimizer.stateless_apply(state["d_opt"], grads, state["d"])

        # G: through the updated D.
        latents = self._latents(latent_key)
        g_grad = jax_backend.value_and_grad(
            lambda: stylegan_step.g_objective(gan, latents, res_log2, alpha),
            groups["g"], groups["g_state"] + groups["d"] + groups["d_state"])
        (_, (g_metrics, after)), grads = g_grad(state["g"], g_state + list(d_values) + list(d_state))
        g_state = list(after[:len(g_state)])
        d_state = list(after[len(g_state) + len(d_values):])
        g_values, g_opt = gan.g_optimizer.stateless_apply(state["g_opt"], grads, state["g"])

        # After both: w_avg, the EMA copy (its state copies G's), the images seen.
        g_state[self._w_avg] = moved_w_avg(g_state[self._w_avg], g_metrics["w_mean"][None])
        images = state["images"] + self.batch_size
        beta = stylegan_step.ema_beta(options, images, self.batch_size)
        # g_values and the EMA group both list G's trainables, then the ToRGB ladder's (GAN.ema_pairs).
        ema = [stylegan_step.ema_moved(source, target, beta) for source, target in zip(g_values, state["ema"])]
        ema_state = g_state[:len(groups["ema_state"])]
        metrics = {**d_metrics, **{k: v for k, v in g_metrics.items() if k != "w_mean"}}
        new_state = {"g": list(g_values), "g_state": g_state, "d": list(d_values), "d_state": d_state,
                     "g_opt": list(g_opt), "d_opt": list(d_opt), "ema": ema, "ema_state": ema_state,
                     "images": images, "key": key}
        return new_state, metrics
