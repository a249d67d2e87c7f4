"""Run by tests/backends/test_data_parallel.py with KERAS_BACKEND=jax and two host devices.

  XLA_FLAGS=--xla_force_host_platform_device_count=2 python tests/backends/data_parallel_worker.py

The `stylegan` stage's objectives differentiated under `jax.jit` (`backends/jax.py`) on one
device, then with the batch split over two by `keras.distribution.DataParallel` and the weights
replicated; prints the largest gradient and the largest difference, per network, as JSON.
Then one `JaxStyleGANStep` on the split batch: its losses against the one-device step's.
"""
import json

import jax
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec

import keras

from ears_tf import config
from ears_tf.backends import jax as jax_backend
from ears_tf.train import stylegan_step
from ears_tf.train.stylegan_jax import JaxStyleGANStep

BATCH = 4


def main() -> None:
    assert len(jax.devices()) == 2, jax.devices()
    preset = config.get_preset("smoke")
    cfg, options = preset.model, stylegan_step.StyleGANOptions()
    keras.utils.set_random_seed(0)
    gan = stylegan_step.build_gan(preset, options, BATCH)
    rng = np.random.default_rng(0)
    reals = rng.uniform(-1, 1, (BATCH, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
    fakes = rng.uniform(-1, 1, (BATCH, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
    latents = rng.normal(size=(BATCH, cfg.num_styles, cfg.latent_dim)).astype(np.float32)
    state = gan.generator.non_trainable_variables + gan.discriminator.non_trainable_variables
    d_grad = jax_backend.value_and_grad(
        lambda: stylegan_step.d_objective(gan, options, reals_in["x"], fakes_in["x"], r1=True, backend=jax_backend),
        gan.d_variables, state + gan.g_variables)
    g_grad = jax_backend.value_and_grad(
        lambda: stylegan_step.g_objective(gan, latents_in["x"], noise_mode="const"), gan.g_variables,
        state + gan.d_variables)
    reals_in, fakes_in, latents_in = {}, {}, {}

    @jax.jit
    def gradients(values, reals, fakes, latents):
        reals_in["x"], fakes_in["x"], latents_in["x"] = reals, fakes, latents
        d, s, g = values
        (_, _), d_grads = d_grad(d, s + g)
        (_, _), g_grads = g_grad(g, s + d)
        return d_grads, g_grads

    values = ([v.value for v in gan.d_variables], [v.value for v in state], [v.value for v in gan.g_variables])
    one = gradients(values, reals, fakes, latents)
    distribution = keras.distribution.DataParallel(devices=jax.devices())
    split = [jax.device_put(x, distribution.get_data_layout(x.shape).backend_layout) for x in (reals, fakes, latents)]
    mesh = distribution.get_data_layout(reals.shape).backend_layout.mesh
    replicated = jax.device_put(values, NamedSharding(mesh, PartitionSpec()))
    two = gradients(replicated, *split)
    report = {}
    for name, a, b in (("d", one[0], two[0]), ("g", one[1], two[1])):
        report[name] = {"largest": max(float(np.abs(np.asarray(x)).max()) for x in a),
                        "difference": max(float(np.abs(np.asarray(x) - np.asarray(y)).max()) for x, y in zip(a, b)),
                        "shard_batches": [int(shard.data.shape[0]) for shard in split[0].addressable_shards]}

    # The stage's step on the split batch: the same losses as on one device.
    losses = []
    for placed in (lambda s, x: (s, x), lambda s, x: (jax.device_put(s, NamedSharding(mesh, PartitionSpec())), split[0])):
        step = JaxStyleGANStep(gan, options, BATCH)
        step_state, batch = placed(step.initial_state(), reals)
        _, metrics = step(step_state, batch, r1=True)
        losses.append({k: float(v) for k, v in metrics.items()})
    report["step_losses"] = losses
    print(json.dumps(report))


if __name__ == "__main__":
    main()
