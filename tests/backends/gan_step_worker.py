"""Run by tests/backends/test_gan_step_parity.py under a chosen KERAS_BACKEND.

  python tests/backends/gan_step_worker.py DIR

The `stylegan` stage's two objectives (`train/stylegan_step.py`) and their gradients, as that
backend's step takes them (a gradient tape; `jax.value_and_grad` over the stateless scope), on
smoke-width weights and inputs shared through DIR/weights.npz and DIR/inputs.npz (written by the
first run), with G's constant noise (each backend draws its own random noise). Writes
DIR/outputs_<backend>.npz.
"""
import os
import sys

import numpy as np

import keras

from ears_tf import config
from ears_tf.train import stylegan_step

BATCH = 4


def gradients(fn, trainable, state):
    """(fn()'s loss and metrics, d loss / d trainable) on this backend."""
    if keras.backend.backend() == "jax":
        from ears_tf.backends import jax as jax_backend

        values = lambda variables: [v.value for v in variables]  # noqa: E731
        (loss, (metrics, _)), grads = jax_backend.value_and_grad(fn, trainable, state)(values(trainable), values(state))
        return loss, metrics, grads
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss, metrics = fn()
    return loss, metrics, tape.gradient(loss, trainable)


def main(folder: str) -> None:
    preset = config.get_preset("smoke")
    cfg = preset.model
    options = stylegan_step.StyleGANOptions()
    keras.utils.set_random_seed(1)
    gan = stylegan_step.build_gan(preset, options, BATCH)
    models = {"g": gan.generator, "d": gan.discriminator}
    weights_path, inputs_path = os.path.join(folder, "weights.npz"), os.path.join(folder, "inputs.npz")
    if not os.path.exists(weights_path):
        rng = np.random.default_rng(0)
        np.savez(weights_path, **{f"{name}_{i}": keras.ops.convert_to_numpy(w)
                                  for name, model in models.items() for i, w in enumerate(model.weights)})
        np.savez(inputs_path, reals=rng.uniform(-1, 1, (BATCH, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32),
                 fakes=rng.uniform(-1, 1, (BATCH, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32),
                 latents=rng.normal(size=(BATCH, cfg.num_styles, cfg.latent_dim)).astype(np.float32))
    weights, x = np.load(weights_path), np.load(inputs_path)
    for name, model in models.items():
        model.set_weights([weights[f"{name}_{i}"] for i in range(len(model.weights))])
    state = gan.generator.non_trainable_variables + gan.discriminator.non_trainable_variables
    results = {}
    d_loss, d_metrics, d_grads = gradients(
        lambda: stylegan_step.d_objective(gan, options, x["reals"], x["fakes"], r1=True),
        gan.d_variables, state + gan.g_variables)
    g_loss, g_metrics, g_grads = gradients(
        lambda: stylegan_step.g_objective(gan, x["latents"], noise_mode="const"), gan.g_variables,
        state + gan.d_variables)
    results.update(d_total=d_loss, r1=d_metrics["r1"], d_loss=d_metrics["d_loss"], g_loss=g_loss,
                   w_mean=g_metrics["w_mean"])
    results.update({f"d_grad_{v.path}": g for v, g in zip(gan.d_variables, d_grads)})
    results.update({f"g_grad_{v.path}": g for v, g in zip(gan.g_variables, g_grads)})
    np.savez(os.path.join(folder, f"outputs_{keras.backend.backend()}.npz"),
             **{k: np.asarray(keras.ops.convert_to_numpy(v)) for k, v in results.items()})


if __name__ == "__main__":
    main(sys.argv[1])
