"""The quickstart `stylegan` stage with one setting changed: the variants the README reports.

  python experiments/stylegan_variants.py --workdir=/tmp/variant --features_from=runs/quickstart/feature_net \
      [--data=data/quickstart] [--steps=2500] [--eval_every=500] [--r1_gamma=10] [--lr=2e-3] [--d_lr=0] \
      [--hr_size=64] [--batch_size=16] [--fmap_base=512] [--fmap_max=64] [--train_noise=true] \
      [--blur_sigma=0] [--blur_fade_images=20000] [--grow_from=0] [--grow_stable_images=10000] \
      [--grow_fade_images=10000] [--restart_adam=false]

Each run writes the stage's usual outputs (sample grids with noise const and off,
metrics.jsonl) under --workdir. --features_from copies a workdir's trained feature
network (its `feature_net` stage) so that the Frechet distances compare with that run. Not a supported training
mode: apart from growing, the variants were tried and not adopted (docs/generator_experiments.md).
By default G and D train at the full resolution throughout, as every variant before growing did;
--grow_from=8 with the default image counts is the quickstart preset's schedule.
"""
import dataclasses
import math
import os
import shutil

from absl import app, flags

flags.DEFINE_string("workdir", None, "Output folder.", required=True)
flags.DEFINE_string("data", "data/quickstart", "Quickstart records folder.")
flags.DEFINE_string("features_from", None, "A workdir's feature_net/ folder to copy (the FD's feature network).")
flags.DEFINE_integer("steps", 2500, "Training steps.")
flags.DEFINE_integer("eval_every", 500, "Steps between sample grids and FDs.")
flags.DEFINE_float("r1_gamma", 10.0, "R1 weight.")
flags.DEFINE_float("lr", 2e-3, "G and D learning rate.")
flags.DEFINE_float("d_lr", 0.0, "D's own learning rate (0: --lr).")
flags.DEFINE_integer("hr_size", 64, "Training resolution (reals resized to it).")
flags.DEFINE_integer("batch_size", 16, "Batch size.")
flags.DEFINE_integer("fmap_base", 512, "G and D fmap_base.")
flags.DEFINE_integer("fmap_max", 64, "G and D fmap_max.")
flags.DEFINE_boolean("train_noise", True, "Noise injection while training (false: off in training and samples).")
flags.DEFINE_float("blur_sigma", 0.0, "D input blur at the start, in pixels, fading linearly (StyleGAN3's).")
flags.DEFINE_integer("blur_fade_images", 20_000, "Images over which the D input blur fades out.")
flags.DEFINE_integer("grow_from", 0, "Progressive growing from this resolution (0: fixed resolution).")
flags.DEFINE_integer("grow_stable_images", 10_000, "Growing: images at each resolution before the next fades in.")
flags.DEFINE_integer("grow_fade_images", 10_000, "Growing: images over which each new resolution fades in.")
flags.DEFINE_boolean("restart_adam", False, "Growing: Adam's moments restart at each fade's start and end.")
FLAGS = flags.FLAGS


def gaussian_blur(images, sigma, radius: int):
    """images [B, H, W, C] through a separable Gaussian of `sigma`, reflect-padded (sigma 0: unchanged)."""
    import tensorflow as tf

    taps = tf.range(-radius, radius + 1, dtype=tf.float32)
    weights = tf.exp(-0.5 * tf.square(taps / tf.maximum(sigma, 1e-3)))
    weights = weights / tf.reduce_sum(weights)  # [2r + 1]
    channels = images.shape[-1]
    rows = tf.tile(tf.reshape(weights, (-1, 1, 1, 1)), (1, 1, channels, 1))  # [2r + 1, 1, C, 1]
    cols = tf.reshape(rows, (1, -1, channels, 1))  # [1, 2r + 1, C, 1]
    padded = tf.pad(images, [[0, 0], [radius, radius], [radius, radius], [0, 0]], mode="REFLECT")
    return tf.nn.depthwise_conv2d(tf.nn.depthwise_conv2d(padded, rows, (1,) * 4, "VALID"), cols, (1,) * 4, "VALID")


def main(argv):
    del argv
    import ears_tf.train  # noqa: F401  (before TensorFlow loads: training's kernel choice, oneDNN)
    import keras
    import tensorflow as tf

    from ears_tf import config
    from ears_tf.layers import noise
    from ears_tf.train import loop
    from ears_tf.train.stylegan import StyleGANOptions, StyleGANStage
    from ears_tf.workdir import layout

    base = config.get_preset("quickstart")
    cfg = dataclasses.replace(
        base,
        model=dataclasses.replace(base.model, hr_size=FLAGS.hr_size, fmap_base=FLAGS.fmap_base, fmap_max=FLAGS.fmap_max),
        train=dataclasses.replace(base.train, gan_learning_rate=FLAGS.lr, stylegan_growth=(
            config.GrowthSchedule(FLAGS.grow_from, FLAGS.grow_stable_images, FLAGS.grow_fade_images)
            if FLAGS.grow_from else None)),
    ).validate()
    if not FLAGS.train_noise:
        noise.NoiseInjection.call = lambda self, x, noise_mode="random": x

    class BlurredInput(keras.Model):
        """D behind a Gaussian blur whose sigma falls to 0 over `blur_fade_images`."""

        def __init__(self, inner, stage):
            super().__init__()
            self.inner, self.stage = inner, stage

        def call(self, images):
            seen = tf.cast(self.stage.g_optimizer.iterations * self.stage.batch_size, tf.float32)
            sigma = FLAGS.blur_sigma * tf.maximum(1.0 - seen / FLAGS.blur_fade_images, 0.0)
            return self.inner(gaussian_blur(images, sigma, math.ceil(3 * FLAGS.blur_sigma)))

    class VariantStage(StyleGANStage):
        def build(self, strategy):
            super().build(strategy)
            if FLAGS.d_lr:
                self.d_optimizer.learning_rate.assign(FLAGS.d_lr)
            if FLAGS.blur_sigma:
                self.discriminator = self.gan.discriminator = BlurredInput(self.discriminator, self)

        def export(self, stage_dir):
            if isinstance(self.discriminator, BlurredInput):
                self.discriminator = self.gan.discriminator = self.discriminator.inner
            return super().export(stage_dir)

    os.makedirs(FLAGS.workdir, exist_ok=True)
    features_dir = os.path.dirname(layout.FEATURE_NET.path(FLAGS.workdir))
    if FLAGS.features_from and not os.path.isdir(features_dir):
        shutil.copytree(FLAGS.features_from, features_dir)
    options = StyleGANOptions(r1_gamma=FLAGS.r1_gamma, restart_adam_at_fades=FLAGS.restart_adam)
    stage = VariantStage(cfg, FLAGS.data, FLAGS.workdir, batch_size=FLAGS.batch_size, options=options)
    print(loop.run(stage, loop.LoopOptions(workdir=FLAGS.workdir, steps=FLAGS.steps, jit_compile=False,
                                           eval_every=FLAGS.eval_every)))


if __name__ == "__main__":
    app.run(main)
