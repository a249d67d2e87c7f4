"""StyleGAN speed on this machine: generator forward and training step, against the matmul rate.

  python experiments/bench_stylegan.py [--presets=paper,quickstart] [--seconds=20] [--precision=mixed_bfloat16]

Prints, per preset: the analytic GFLOP per image, forward ms/image at batch 1 and 8
(tf.function, with and without XLA, noise off), the training step's images/s
(D step with R1 + G step, as the `stylegan` stage runs them), and the achieved
GFLOP/s as a share of the matmul rate measured in the same run in the models' compute dtype
(float32, or bfloat16 with --precision=mixed_bfloat16). Training-step FLOPs are
`flops.training_step_flops` (a backward pass counted as twice its forward; the R1
double-backward, on one step in 16 in training, is not counted, so the R1 row's
share understates its work).
"""
from absl import app, flags
from timing import matmul_gflops, timed

flags.DEFINE_list("presets", ["paper", "quickstart"], "Presets to measure.")
flags.DEFINE_float("seconds", 20.0, "Timed seconds per measurement, after warm-up.")
flags.DEFINE_boolean("train", True, "Also time the training step.")
flags.DEFINE_enum("precision", "float32", ("float32", "mixed_bfloat16"), "Precision of the models (ears_tf/precision.py).")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import tensorflow as tf

    from ears_tf import config, precision
    from ears_tf.machine import cpu_model
    from ears_tf.models import Generator, flops

    precision.apply(FLAGS.precision)
    compute = "bfloat16" if FLAGS.precision == "mixed_bfloat16" else "float32"
    float32_peak = matmul_gflops(FLAGS.seconds)
    peak = matmul_gflops(FLAGS.seconds, compute) if compute != "float32" else float32_peak
    threads = tf.config.threading.get_intra_op_parallelism_threads() or "all"
    print(f"{cpu_model()}; precision {FLAGS.precision}; matmul (2048^2) float32 {float32_peak:.0f} GFLOP/s, "
          f"{compute} {peak:.0f} GFLOP/s (the % column's yardstick) on {threads} threads")
    print(f"{'preset':<11}{'what':<26}{'batch':>6}{'ms/image':>10}{'img/s':>8}{'GFLOP/s':>9}{'% matmul':>9}")
    for name in FLAGS.presets:
        cfg = config.get_preset(name).model
        g = Generator(cfg)
        gflop = flops.generator_flops(cfg) / 1e9
        for jit in (False, True):
            forward = tf.function(lambda z: g(z, noise_mode="off"), jit_compile=jit)
            for batch in (1, 8):
                z = tf.random.normal((batch, cfg.num_styles, cfg.latent_dim))
                seconds = timed(lambda: forward(z).numpy(), FLAGS.seconds) / batch
                rate = gflop / seconds
                label = f"G forward{' XLA' if jit else ''}"
                print(f"{name:<11}{label:<26}{batch:>6}{1e3 * seconds:>10.1f}{1 / seconds:>8.1f}{rate:>9.0f}{100 * rate / peak:>8.0f}%")
        if not FLAGS.train:
            continue
        from ears_tf.train.stylegan import StyleGANStage

        batch = 8
        stage = StyleGANStage(config.get_preset(name), data_dir="", workdir="", batch_size=batch)
        stage.build(tf.distribute.get_strategy())
        reals = tf.random.normal((batch, cfg.hr_size, cfg.hr_size, 3))
        train_gflop = flops.training_step_flops(cfg) / 1e9
        for r1 in (False, True):
            step = tf.function(lambda x: stage.replica_step(x, r1=r1))
            seconds = timed(lambda: step(reals)["d_loss"].numpy(), FLAGS.seconds, warmup=1) / batch
            rate = train_gflop / seconds
            label = f"train step{' + R1' if r1 else ''} (~{train_gflop:.0f} GF)"
            print(f"{name:<11}{label:<26}{batch:>6}{1e3 * seconds:>10.1f}{1 / seconds:>8.1f}{rate:>9.0f}{100 * rate / peak:>8.0f}%")


if __name__ == "__main__":
    app.run(main)
