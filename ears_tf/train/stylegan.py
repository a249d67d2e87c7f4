"""Stage `stylegan`: trains G and D on the training faces (d1 + d2), as the paper's section 3.1.

StyleGAN's defaults: non-saturating logistic loss, R1 on reals (gamma 10), Adam with
beta1 0, beta2 0.99, eps 1e-8, style-mixing regularisation with probability 0.9,
and an exponential moving average of G (half-life 10k images) that every later
stage uses. Two StyleGAN2 habits make short runs work: R1 is applied lazily every
`r1_interval` steps with its weight scaled to match, and the EMA half-life ramps
up with the images seen (`ema_rampup`). With the preset's `stylegan_growth` schedule,
progressive growing as StyleGAN v1 trains (lower resolutions first); without, the full
resolution from the first step.

Writes WORKDIR/stylegan/: generator.keras (the EMA generator), discriminator.keras,
samples/step_NNNNNN.png (a fixed-seed grid), metrics.jsonl (the Frechet distance, on the
features of the `feature_net` stage's network when the workdir has it).
"""
from __future__ import annotations

import json
import os

import numpy as np
import tensorflow as tf

from ears_tf.backends import tensorflow as tensorflow_backend
from ears_tf.config import Config
from ears_tf.data import pipeline
from ears_tf.metrics.frechet import FrechetEvaluator
from ears_tf.models import growing
from ears_tf.workdir import layout
from ears_tf.workdir.atomic import append_line
from ears_tf.train.growth import alpha as faded_in
from ears_tf.train import stylegan_step
from ears_tf.train.loop import Stage
from ears_tf.train.stylegan_step import StyleGANOptions
from ears_tf.visualize import image_grid, save_png


class StyleGANStage(Stage):

    def __init__(self, config: Config, data_dir: str, workdir: str, batch_size: int | None = None,
                 options: StyleGANOptions = StyleGANOptions(), seed: int = 0):
        self.config = config
        self.model_config = config.model
        self.data_dir = data_dir
        self.workdir = workdir
        self.batch_size = batch_size or self.budget().batch_size
        self.images_per_step = self.batch_size
        self.options = options
        self.growth = config.train.stylegan_growth  # None: every step at the full resolution
        self.seed = seed
        self._evaluator = None
        self._warned_no_features = False

    def build(self, strategy):
        self.num_replicas = strategy.num_replicas_in_sync
        self.gan = gan = stylegan_step.build_gan(self.config, self.options, self.batch_size)
        self.generator, self.generator_ema, self.discriminator = gan.generator, gan.generator_ema, gan.discriminator
        self.to_rgb, self.to_rgb_ema, self.from_rgb = gan.to_rgb, gan.to_rgb_ema, gan.from_rgb
        self.g_optimizer, self.d_optimizer = gan.g_optimizer, gan.d_optimizer
        self.g_variables, self.d_variables = gan.g_variables, gan.d_variables
        # Created in the strategy's scope: every replica draws its own stream.
        self.rng = tf.random.Generator.from_seed(self.seed)

    def checkpoint_items(self):
        items = {
            "generator": self.generator, "generator_ema": self.generator_ema, "discriminator": self.discriminator,
            "g_optimizer": self.g_optimizer, "d_optimizer": self.d_optimizer, "rng": self.rng,
        }
        if self.growth is not None:
            items.update(to_rgb_ladder=self.to_rgb, to_rgb_ladder_ema=self.to_rgb_ema, from_rgb_ladder=self.from_rgb)
        return items

    def dataset(self, seed, share=pipeline.WHOLE):
        options = pipeline.PipelineOptions(
            batch_size=self.batch_size, training=True, seed=seed, with_audio=False, hr_size=self.model_config.hr_size,
            share=share,
        )
        return pipeline.make_dataset(self.data_dir, ["d1", "d2"], options).map(lambda batch: batch["hr"])

    def work(self, step):
        """The progress line's measure of the first `step` steps (their ETAs weigh steps by it)."""
        if self.growth is None:
            return float(step)
        from ears_tf.train.budget import grown_stylegan_gflop

        # Each step's FLOPs at the resolution it trains, plus a fixed cost per step (dispatch, the
        # optimizers, the mapping network) of about one step at the start resolution: step times
        # against FLOPs fall on a line that does not pass through zero, so FLOPs alone make the
        # early ETA far too long (docs/training.md).
        fixed = grown_stylegan_gflop(self.config, 1, self.batch_size)
        return grown_stylegan_gflop(self.config, step, self.batch_size) + fixed * step

    def step_variant(self, step):
        variant = {"r1": step % self.options.r1_interval == 0}
        if self.growth is not None:
            variant["res_log2"] = self._res_log2(step * self.batch_size)
        return variant

    def _res_log2(self, images: int) -> int:
        return self.growth.resolution_log2(images, self.model_config.resolution_log2)

    def _images_seen(self):
        return tf.cast(self.g_optimizer.iterations * self.batch_size, tf.float32)

    def _mixed_latents(self, batch):
        """Per-layer z [B, k, D]: two codes, switched at a random layer with probability `style_mixing`."""
        k, dim = self.model_config.num_styles, self.model_config.latent_dim
        z1 = self.rng.normal((batch, 1, dim))
        z2 = self.rng.normal((batch, 1, dim))
        mix = self.rng.uniform(()) < self.options.style_mixing
        cutoff = tf.where(mix, self.rng.uniform((), 1, k, dtype=tf.int32), k)
        return stylegan_step.mix_latents(z1, z2, cutoff, k)  # [B, k, D]

    def replica_step(self, reals, r1: bool, res_log2: int | None = None):
        batch = tf.shape(reals)[0]
        scale = 1.0 / self.num_replicas  # per-replica means, summed across replicas by the optimizer
        gan, alpha = self.gan, None
        if res_log2 is not None:
            alpha = faded_in(self.growth, self._images_seen(), res_log2)
            reals = growing.grown_reals(reals, res_log2, alpha, self.growth.start_log2)  # [B, R, R, 3]

        # D, on fakes made outside its tape (no gradient reaches G).
        fakes = stylegan_step.synthesize(gan, gan.generator.map(self._mixed_latents(batch)), res_log2, alpha)
        with tf.GradientTape() as tape:
            d_total, metrics = stylegan_step.d_objective(gan, self.options, reals, fakes, r1, res_log2, alpha,
                                                         backend=tensorflow_backend)
            total = self.d_optimizer.scale_loss(d_total * scale)
        _apply(self.d_optimizer, tape.gradient(total, self.d_variables), self.d_variables)

        # G, through the updated D.
        latents = self._mixed_latents(batch)
        with tf.GradientTape() as tape:
            g_loss, g_metrics = stylegan_step.g_objective(gan, latents, res_log2, alpha)
            total = self.g_optimizer.scale_loss(g_loss * scale)
        _apply(self.g_optimizer, tape.gradient(total, self.g_variables), self.g_variables)
        return {**metrics, **g_metrics}

    def cross_replica_update(self, reduced):
        g, ema = self.generator, self.generator_ema
        g.update_w_avg(reduced["w_mean"][None])  # the batch mean, averaged over replicas
        beta = stylegan_step.ema_beta(self.options, self.g_optimizer.iterations * self.batch_size, self.batch_size)
        for source, target in self.gan.ema_pairs:
            target.assign(stylegan_step.ema_moved(source, target, beta))
        for source, target in zip(g.non_trainable_variables, ema.non_trainable_variables):
            target.assign(source)

    def stateless_step(self):
        from ears_tf.train.stylegan_jax import JaxStyleGANStep

        return JaxStyleGANStep(self.gan, self.options, self.batch_size, self.growth, self.seed)

    def _fixed_latents(self, count: int):
        rng = np.random.default_rng(self.seed)
        return rng.standard_normal((count, self.model_config.num_styles, self.model_config.latent_dim)).astype(np.float32)

    def sample(self, count: int, noise_mode: str = "const") -> np.ndarray:
        """The EMA generator on fixed latents: [count, HR, HR, 3]; while growing, drawn at the
        current resolution and upscaled (nearest) to HR."""
        latents = np.array_split(self._fixed_latents(count), max(count // 64, 1))
        if self.growth is None:
            return np.concatenate([np.asarray(self.generator_ema(z, noise_mode=noise_mode)) for z in latents])
        images = int(self.g_optimizer.iterations.numpy()) * self.batch_size
        res_log2 = self._res_log2(images)
        alpha = faded_in(self.growth, float(images), res_log2)
        ema = self.generator_ema
        factor = self.model_config.hr_size // 2 ** res_log2
        return np.concatenate([np.asarray(growing.upscale(
            stylegan_step.synthesize(self.gan, ema.map(z), res_log2, alpha, noise_mode, ema=True), factor))
            for z in latents])

    def evaluate(self, step, stage_dir, writer):
        grid = self.options.sample_grid
        samples_dir = os.path.join(stage_dir, "samples")
        os.makedirs(samples_dir, exist_ok=True)
        # Noise off is how every later stage and the authors' inference run G.
        for suffix, noise_mode in (("", "const"), ("_noise_off", "off")):
            picture = image_grid(self.sample(grid * grid, noise_mode), grid)
            save_png(os.path.join(samples_dir, f"step_{step:06d}{suffix}.png"), picture)
            tf.summary.image(f"samples{suffix}", picture[None], step=step)
        if self._evaluator is None:
            if not os.path.isfile(layout.FEATURE_NET.path(self.workdir)):
                if not self._warned_no_features:
                    print(f"{self.name}: no Frechet distance: {layout.FEATURE_NET.path(self.workdir)} is missing "
                          f"(python -m ears_tf.train {layout.FEATURE_NET.made_by} makes it)", flush=True)
                    self._warned_no_features = True
                return {}
            self._evaluator = FrechetEvaluator(self.data_dir, layout.load(self.workdir, layout.FEATURE_NET),
                                               self.model_config.hr_size)
        fd = self._evaluator(self.sample(self.options.fd_samples))
        append_line(os.path.join(stage_dir, "metrics.jsonl"), json.dumps({"step": step, "frechet_distance": fd}))
        return {"frechet_distance": fd}

    def export(self, stage_dir):
        if self.growth is not None:
            images = int(self.g_optimizer.iterations.numpy()) * self.batch_size
            grown_by = self.growth.grown_by(self.model_config.resolution_log2)
            if images < grown_by:
                print(f"{self.name}: warning: the generator has not finished growing ({images:,} of {grown_by:,} images); "
                      "its full-resolution output is not trained yet", flush=True)
        paths = [layout.GENERATOR.path(self.workdir), layout.DISCRIMINATOR.path(self.workdir)]
        layout.save_model(self.generator_ema, paths[0])
        layout.save_model(self.discriminator, paths[1])
        return paths


def _apply(optimizer, gradients, variables):
    """Applies the gradients that exist: while growing, the layers above the current resolution get none."""
    pairs = [(grad, var) for grad, var in zip(gradients, variables) if grad is not None]
    optimizer.apply_gradients(pairs)
