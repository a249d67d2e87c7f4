"""Speed of test-time refinement (`ears_tf/refine.py`) against the machine's matmul rate.

  python experiments/bench_refine.py [--presets=quickstart,paper] [--batch=32] [--steps=50] [--seconds=20]

Refines a batch of codes against LR frames with G at the preset's width (random weights:
speed does not depend on them) and prints seconds per image, images/s, and the achieved
GFLOP/s as a share of the float32 matmul rate measured in the same run. A step is G
forward and backward to the code (counted as two forwards: no weight gradients) through the
authors' LR operator;
`--steps=0` times the model's plain forward pass for comparison.
"""
import time

from absl import app, flags
from timing import cpu_model, matmul_gflops

flags.DEFINE_list("presets", ["quickstart", "paper"], "Model presets.")
flags.DEFINE_integer("batch", 32, "Faces refined together.", lower_bound=1)
flags.DEFINE_integer("steps", 50, "Refinement steps.", lower_bound=0)
flags.DEFINE_float("seconds", 20.0, "Time per preset at least, after one warm-up refinement.")
FLAGS = flags.FLAGS


def bench(preset_name: str) -> dict:
    import keras
    import numpy as np

    from ears_tf import config
    from ears_tf.models import Generator
    from ears_tf.models.flops import generator_macs
    from ears_tf.refine import Refiner
    from ears_tf.refine_options import RefineOptions

    cfg = config.get_preset(preset_name).model
    keras.utils.set_random_seed(0)
    generator = Generator(cfg)
    generator.build((None, cfg.num_styles, cfg.latent_dim))
    rng = np.random.default_rng(0)
    z = rng.normal(size=(FLAGS.batch, cfg.num_styles, cfg.latent_dim)).astype(np.float32)
    lr = rng.uniform(-1, 1, (FLAGS.batch, cfg.lr_size, cfg.lr_size, 3)).astype(np.float32)
    refiner = Refiner(generator, RefineOptions(steps=FLAGS.steps))
    np.asarray(refiner(z, lr)[0])  # traces and compiles
    runs, started = 0, time.perf_counter()
    while runs == 0 or time.perf_counter() - started < FLAGS.seconds:
        np.asarray(refiner(z, lr)[0])
        runs += 1
    seconds = (time.perf_counter() - started) / runs
    # Each step: G forward and backward to the code, input gradients only (2 forwards); then one
    # forward for the final terms.
    gflop = 2 * generator_macs(cfg) * (2 * FLAGS.steps + 1) * FLAGS.batch / 1e9
    return {"preset": preset_name, "seconds_per_image": seconds / FLAGS.batch, "images_per_s": FLAGS.batch / seconds,
            "gflops": gflop / seconds}


def main(argv):
    del argv
    ceiling = matmul_gflops(seconds=2.0)
    print(f"cpu: {cpu_model()}; float32 matmul {ceiling:.0f} GFLOP/s; batch {FLAGS.batch}, {FLAGS.steps} steps")
    print("| preset | s per image | images/s | GFLOP/s | % of matmul |")
    print("|---|---|---|---|---|")
    for name in FLAGS.presets:
        row = bench(name)
        print(f"| {row['preset']} | {row['seconds_per_image']:.3f} | {row['images_per_s']:.1f} | {row['gflops']:.1f} | "
              f"{100 * row['gflops'] / ceiling:.0f}% |", flush=True)


if __name__ == "__main__":
    app.run(main)
