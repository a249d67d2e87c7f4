"""The `stylegan` stage's compiled training step, and the fused model's forward pass, on one
backend: images/s, GFLOP per image and the share of the matmul rate measured in the same run.

  python experiments/bench_train.py --backend=jax|tensorflow [--preset=paper] [--stage=stylegan|inference]
      [--precision=float32|mixed_bfloat16] [--batch=32] [--seconds=20]

`--stage=stylegan` times the step the trainer runs: under TensorFlow `StyleGANStage.replica_step`
and `cross_replica_update` in one `tf.function`; under JAX `JaxStyleGANStep` (one `jax.jit`).
Both differentiate the same objectives (`ears_tf/train/stylegan_step.py`). Rows: a plain step,
a step with R1, and their mix as training runs it (R1 on one step in `r1_interval`). The batches
are in memory (the input pipeline has its own benchmark, `bench_data.py`), so under JAX the
script needs no TensorFlow: it runs where JAX alone is installed. `--stage=inference` times the
fused F3 model (`SuperResolver`) forward at `--batch`.

GFLOP per image are analytic (`models.flops`): a training step counts a backward pass as twice
its forward and leaves R1's double backward out, so the R1 row understates its work. The
ceiling is a square matmul in the models' compute dtype (bfloat16 under mixed_bfloat16, float32
otherwise; on NVIDIA GPUs JAX's float32 matmuls use TF32 by default, and so do the models').
"""
import os
import sys
import time

from ears_tf import cli

os.environ["KERAS_BACKEND"] = cli.select_backend(sys.argv)  # before Keras is imported

from absl import app, flags  # noqa: E402

flags.DEFINE_enum("backend", "tensorflow", ("tensorflow", "jax"), "Keras backend.")
flags.DEFINE_string("preset", "paper", "Model preset.")
flags.DEFINE_enum("stage", "stylegan", ("stylegan", "inference"), "What to time.")
flags.DEFINE_enum("precision", "float32", ("float32", "mixed_bfloat16"), "Precision of the models.")
flags.DEFINE_integer("batch", 32, "Images per step (the paper's stylegan batch is 32).")
flags.DEFINE_float("seconds", 20.0, "Timed seconds per measurement, after warm-up.")
FLAGS = flags.FLAGS


def device_name() -> str:
    if FLAGS.backend == "jax":
        import jax

        device = jax.devices()[0]
        if device.platform == "cpu":
            from ears_tf.machine import cpu_model

            return f"cpu: {cpu_model()}, {os.cpu_count()} cores (JAX {jax.__version__})"
        return f"{device.platform}: {device.device_kind} (JAX {jax.__version__})"
    from ears_tf.machine import cpu_model

    return f"cpu: {cpu_model()} (TensorFlow)"


def timed_calls(call, finish, seconds: float, warmup: int = 2) -> float:
    """Seconds per call of `call()`, `finish(result)` waiting for the device at the end."""
    for _ in range(warmup):
        finish(call())
    calls, start = 0, time.perf_counter()
    while True:
        result = call()
        calls += 1
        if time.perf_counter() - start >= seconds:
            break
    finish(result)
    return (time.perf_counter() - start) / calls


def matmul_gflops(dtype: str, seconds: float) -> float:
    """The square-matmul rate in `dtype` on this backend's device."""
    if FLAGS.backend == "tensorflow":
        from ears_tf.machine import matmul_gflops as tf_matmul_gflops

        return tf_matmul_gflops(seconds, dtype)
    import jax
    import jax.numpy as jnp

    n = 8192 if jax.devices()[0].platform == "gpu" else 2048
    a = jax.random.normal(jax.random.PRNGKey(0), (n, n)).astype(dtype)
    b = jax.random.normal(jax.random.PRNGKey(1), (n, n)).astype(dtype)
    matmul = jax.jit(jnp.matmul)
    return 2 * n ** 3 / timed_calls(lambda: matmul(a, b), lambda r: r.block_until_ready(), seconds) / 1e9


def stylegan_steps(preset, batch: int):
    """{r1: a no-argument call that runs one training step} and the function that waits for it."""
    import numpy as np

    cfg = preset.model
    reals = np.random.default_rng(0).uniform(-1, 1, (batch, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
    if FLAGS.backend == "jax":
        import jax

        from ears_tf.train import stylegan_step
        from ears_tf.train.stylegan_jax import JaxStyleGANStep

        options = stylegan_step.StyleGANOptions()
        step = JaxStyleGANStep(stylegan_step.build_gan(preset, options, batch), options, batch)
        holder = {"state": step.initial_state()}
        reals = jax.device_put(reals)

        def run(r1):
            holder["state"], metrics = step(holder["state"], reals, r1=r1)
            return metrics

        return {r1: (lambda r1=r1: run(r1)) for r1 in (False, True)}, jax.block_until_ready
    import tensorflow as tf

    from ears_tf.train.stylegan import StyleGANStage

    stage = StyleGANStage(preset, data_dir="", workdir="", batch_size=batch)
    stage.build(tf.distribute.get_strategy())
    reals = tf.constant(reals)

    def compiled(r1):
        @tf.function
        def step(x):
            outputs = stage.replica_step(x, r1=r1)
            stage.cross_replica_update(outputs)  # one replica: its outputs are the reduced ones
            return outputs["d_loss"]

        return lambda: step(reals)

    return {r1: compiled(r1) for r1 in (False, True)}, lambda result: result.numpy()


def inference_call(preset, batch: int):
    import numpy as np

    from ears_tf.models import SuperResolver

    cfg = preset.model
    model = SuperResolver(cfg, variant="f3_finetune")
    model.build()
    rng = np.random.default_rng(0)
    lr = rng.uniform(-1, 1, (batch, cfg.lr_size, cfg.lr_size, 3)).astype(np.float32)
    waveform = rng.normal(0, 0.1, (batch, cfg.audio.num_samples)).astype(np.float32)
    if FLAGS.backend == "jax":
        import jax

        forward = jax.jit(lambda trainable, other, x, a: model.stateless_call(trainable, other, x, a)[0])
        trainable = [v.value for v in model.trainable_variables]
        other = [v.value for v in model.non_trainable_variables]
        lr, waveform = jax.device_put(lr), jax.device_put(waveform)
        return lambda: forward(trainable, other, lr, waveform), jax.block_until_ready
    import tensorflow as tf

    forward = tf.function(model)
    return lambda: forward(lr, waveform), lambda result: result.numpy()


def main(argv):
    del argv
    import ears_tf.train  # noqa: F401  (before TensorFlow loads: the trainer's CPU kernels, oneDNN)
    from ears_tf import config, precision
    from ears_tf.models import flops

    precision.apply(FLAGS.precision)
    compute = "bfloat16" if FLAGS.precision == "mixed_bfloat16" else "float32"
    preset = config.get_preset(FLAGS.preset)
    cfg = preset.model
    ceiling = matmul_gflops(compute, min(FLAGS.seconds, 5.0))
    print(f"{device_name()}; backend {FLAGS.backend}; preset {FLAGS.preset}; precision {FLAGS.precision}; "
          f"batch {FLAGS.batch}; matmul ceiling ({compute}) {ceiling:,.0f} GFLOP/s", flush=True)
    print(f"{'what':<34}{'ms/step':>10}{'img/s':>10}{'GFLOP/img':>11}{'GFLOP/s':>10}{'% ceiling':>10}")

    def row(label, seconds, gflop):
        rate = gflop * FLAGS.batch / seconds
        print(f"{label:<34}{1e3 * seconds:>10.1f}{FLAGS.batch / seconds:>10,.1f}{gflop:>11.2f}{rate:>10,.0f}"
              f"{100 * rate / ceiling:>9.0f}%", flush=True)

    if FLAGS.stage == "inference":
        call, finish = inference_call(preset, FLAGS.batch)
        row("fused F3 forward", timed_calls(call, finish, FLAGS.seconds), flops.super_resolver_gflop(cfg, "f3_finetune"))
        return
    from ears_tf.train.stylegan_step import StyleGANOptions

    gflop = flops.training_step_flops(cfg) / 1e9
    steps, finish = stylegan_steps(preset, FLAGS.batch)
    plain = timed_calls(steps[False], finish, FLAGS.seconds)
    row("G + D step", plain, gflop)
    with_r1 = timed_calls(steps[True], finish, FLAGS.seconds / 4)
    row("G + D step + R1", with_r1, gflop)
    interval = StyleGANOptions().r1_interval
    row(f"as trained (R1 1 step in {interval})", ((interval - 1) * plain + with_r1) / interval, gflop)


if __name__ == "__main__":
    app.run(main)
