"""A smoke-width G + D training step under `jax.jit`, as the JAX trainer will run it: the
`stylegan` stage's losses and R1, `stateless_call`, `jax.value_and_grad` and Adam's
`stateless_apply`, with the noise layers' seed state and G's w_avg returned by the step.

Runs under KERAS_BACKEND=jax only; `test_harness_on_jax.py` runs it in its subprocess.
"""
import numpy as np
import pytest

import keras

if keras.backend.backend() != "jax":
    pytest.skip("the JAX backend's step (tests/backends/test_harness_on_jax.py runs it under JAX)",
                allow_module_level=True)

import jax  # noqa: E402

from ears_tf import config, losses, models  # noqa: E402
from ears_tf.models.generator import moved_w_avg  # noqa: E402

BATCH = 4


def test_a_g_and_d_step_compiles_and_returns_its_state():
    cfg = config.get_preset("smoke").model
    g, d = models.Generator(cfg), models.Discriminator(cfg)
    g.build((BATCH, cfg.num_styles, cfg.latent_dim))
    d.build((BATCH, cfg.hr_size, cfg.hr_size, 3))
    g_opt, d_opt = keras.optimizers.Adam(1e-3, beta_1=0.0), keras.optimizers.Adam(1e-3, beta_1=0.0)
    g_opt.build(g.trainable_variables)
    d_opt.build(d.trainable_variables)
    values = lambda variables: [v.value for v in variables]  # noqa: E731
    state = {"gt": values(g.trainable_variables), "gn": values(g.non_trainable_variables),
             "dt": values(d.trainable_variables), "dn": values(d.non_trainable_variables),
             "go": values(g_opt.variables), "do": values(d_opt.variables)}
    w_avg_index = [v.path for v in g.non_trainable_variables].index(g.w_avg.path)
    g_paths = [v.path for v in g.trainable_variables]
    mapping_indices = [g_paths.index(v.path) for v in g.mapping.trainable_variables]

    @jax.jit
    def step(state, z, reals):
        def d_loss(dt, gn, dn):
            fakes, gn = g.stateless_call(state["gt"], gn, z)
            fake_logits, dn = d.stateless_call(dt, dn, fakes)
            real_logits, dn = d.stateless_call(dt, dn, reals)

            def real_sum(x):
                return jax.numpy.sum(d.stateless_call(dt, dn, x)[0])

            penalty = losses.r1_penalty(jax.grad(real_sum)(reals), 10.0)
            return losses.d_logistic(real_logits, fake_logits) + penalty, (gn, dn)

        (d_value, (gn, dn)), grads = jax.value_and_grad(d_loss, has_aux=True)(state["dt"], state["gn"], state["dn"])
        dt, do = d_opt.stateless_apply(state["do"], grads, state["dt"])

        def g_loss(gt, gn, dn):
            w = g.mapping.stateless_call([gt[i] for i in mapping_indices], [], z)[0]  # [B, k, D], for w_avg
            fakes, gn = g.stateless_call(gt, gn, z)
            logits, dn = d.stateless_call(dt, dn, fakes)
            return losses.g_nonsaturating(logits), (gn, dn, w)

        (g_value, (gn, dn, w)), grads = jax.value_and_grad(g_loss, has_aux=True)(state["gt"], gn, dn)
        gt, go = g_opt.stateless_apply(state["go"], grads, state["gt"])
        gn = list(gn)
        gn[w_avg_index] = moved_w_avg(gn[w_avg_index], w)
        return {"gt": gt, "gn": gn, "dt": dt, "dn": dn, "go": go, "do": do}, d_value, g_value

    rng = np.random.default_rng(0)
    reals = rng.uniform(-1, 1, (BATCH, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
    first = state
    for _ in range(2):
        z = rng.normal(size=(BATCH, cfg.num_styles, cfg.latent_dim)).astype(np.float32)
        state, d_value, g_value = step(state, z, reals)
        assert np.isfinite(float(d_value)) and np.isfinite(float(g_value))
    # Both networks learned, the noise layers' seeds moved on, and so did w_avg.
    assert any(not np.array_equal(a, b) for a, b in zip(first["gt"], state["gt"]))
    assert any(not np.array_equal(a, b) for a, b in zip(first["dt"], state["dt"]))
    seeds = [i for i, v in enumerate(g.non_trainable_variables) if "seed_generator_state" in v.path]
    assert seeds and all(not np.array_equal(first["gn"][i], state["gn"][i]) for i in seeds)
    assert float(np.abs(np.asarray(state["gn"][w_avg_index])).max()) > 0.0
