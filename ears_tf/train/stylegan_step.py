"""The `stylegan` stage's step in `keras.ops`: its networks, its two objectives and the pure
parts of its update, written once for every backend.

Each backend's compiled step differentiates these: TensorFlow's with gradient tapes
(`StyleGANStage.replica_step`), JAX's with `jax.value_and_grad` over Keras's stateless
scope (`train/stylegan_jax.py`). Nothing here imports TensorFlow, so a machine with JAX
alone runs the stage's step (`experiments/bench_train.py`).
"""
from __future__ import annotations

import dataclasses

import numpy as np
from keras import ops

import keras

from ears_tf import backends, losses, precision
from ears_tf.config import Config
from ears_tf.models import Discriminator, Generator, growing
from ears_tf.train.restarting_adam import RestartingAdam, fade_restart_steps


@dataclasses.dataclass(frozen=True)
class StyleGANOptions:
    beta_1: float = 0.0
    beta_2: float = 0.99
    epsilon: float = 1e-8
    r1_gamma: float = 10.0
    r1_interval: int = 16
    style_mixing: float = 0.9
    ema_half_life_images: int = 10_000
    ema_rampup: float = 0.05  # half-life at most this share of the images seen so far
    # True: while growing, Adam's moments restart whenever a resolution starts or finishes fading
    # in, as StyleGAN v1 resets its optimizers (`train/restarting_adam.py`). Kept by default: the
    # lower FD on the quickstart (docs/generator_experiments.md).
    restart_adam_at_fades: bool = False
    sample_grid: int = 8  # an 8 x 8 grid of fixed latents
    fd_samples: int = 512


@dataclasses.dataclass
class GAN:
    """The stage's networks and optimizers; the ladders exist while growing (`stylegan_growth`)."""

    generator: Generator
    generator_ema: Generator
    discriminator: Discriminator
    g_optimizer: keras.optimizers.Optimizer
    d_optimizer: keras.optimizers.Optimizer
    to_rgb: growing.ToRGBLadder | None = None
    to_rgb_ema: growing.ToRGBLadder | None = None
    from_rgb: growing.FromRGBLadder | None = None

    @property
    def g_variables(self) -> list:
        return self.generator.trainable_variables + (self.to_rgb.trainable_variables if self.to_rgb else [])

    @property
    def d_variables(self) -> list:
        return self.discriminator.trainable_variables + (self.from_rgb.trainable_variables if self.from_rgb else [])

    @property
    def ema_pairs(self) -> list:
        """(G's variable, its EMA copy) for every trainable one, the ToRGB ladder's included."""
        extra = list(zip(self.to_rgb.trainable_variables, self.to_rgb_ema.trainable_variables)) if self.to_rgb else []
        return list(zip(self.generator.trainable_variables, self.generator_ema.trainable_variables)) + extra


def build_gan(config: Config, options: StyleGANOptions, batch_size: int) -> GAN:
    """G, its EMA copy (same weights), D and, while growing, the ToRGB / FromRGB ladders, all
    built; Adam for G and D, built over their variables (so a restore matches their slots).
    `batch_size` places the growing schedule's fades in steps, where Adam restarts."""
    cfg = config.model
    generator = Generator(cfg, name="generator")
    generator_ema = Generator(cfg, name="generator_ema")
    discriminator = Discriminator(cfg, name="discriminator")
    z = np.zeros((2, cfg.num_styles, cfg.latent_dim), np.float32)
    generator(z)
    generator_ema(z)
    discriminator(np.zeros((2, cfg.hr_size, cfg.hr_size, 3), np.float32))
    generator_ema.set_weights(generator.get_weights())
    ladders = {}
    if config.train.stylegan_growth is not None:
        start = config.train.stylegan_growth.start_resolution
        ladders = {"to_rgb": growing.ToRGBLadder(cfg, start, name="to_rgb_ladder"),
                   "to_rgb_ema": growing.ToRGBLadder(cfg, start, name="to_rgb_ladder_ema"),
                   "from_rgb": growing.FromRGBLadder(cfg, start, name="from_rgb_ladder")}
        for ladder in ladders.values():
            ladder.build()
        ladders["to_rgb_ema"].set_weights(ladders["to_rgb"].get_weights())
    growth = config.train.stylegan_growth
    restarts = (fade_restart_steps(growth, cfg.resolution_log2, batch_size)
                if growth is not None and options.restart_adam_at_fades else ())
    make = lambda: precision.loss_scaled(RestartingAdam(  # noqa: E731
        config.train.gan_learning_rate, beta_1=options.beta_1, beta_2=options.beta_2, epsilon=options.epsilon,
        restart_steps=restarts))
    gan = GAN(generator, generator_ema, discriminator, make(), make(), **ladders)
    gan.g_optimizer.build(gan.g_variables)
    gan.d_optimizer.build(gan.d_variables)
    return gan


def synthesize(gan: GAN, w, res_log2=None, alpha=None, noise_mode: str = "random", ema: bool = False):
    """G's images from w [B, k, D]: [B, HR, HR, 3], or [B, R, R, 3] at 2**res_log2 while growing."""
    generator = gan.generator_ema if ema else gan.generator
    if res_log2 is None:
        return generator.synthesis(w, noise_mode=noise_mode)
    return growing.grown_images(generator, gan.to_rgb_ema if ema else gan.to_rgb, w, res_log2, alpha, noise_mode)


def discriminate(gan: GAN, images, res_log2=None, alpha=None):
    """D's logits [B, 1]."""
    if res_log2 is None:
        return gan.discriminator(images)
    return growing.grown_logits(gan.discriminator, gan.from_rgb, images, res_log2, alpha)


def mix_latents(z1, z2, cutoff, num_layers: int):
    """Per-layer z [B, k, D] from two codes z1, z2 [B, 1, D]: the layers below `cutoff` (an int32
    scalar in 1..k; k: no mixing) take z1, the others z2 (style-mixing regularisation)."""
    layer = ops.arange(num_layers, dtype="int32")[None, :, None]  # [1, k, 1]
    return ops.where(layer < cutoff, z1, z2)  # [B, k, D]


def d_objective(gan: GAN, options: StyleGANOptions, reals, fakes, r1: bool, res_log2=None, alpha=None,
                backend=None):
    """D's loss on reals and G's fakes, with R1 on the reals every `r1_interval` steps
    (weighted by the interval, as lazy regularisation does): (loss, metrics). `backend`
    (`ears_tf.backends.current()` by default) gives R1's input gradient; a compiled step
    passes the one it resolved outside its trace."""
    def logits_sum(images):
        logits = discriminate(gan, images, res_log2, alpha)  # [B, 1]
        return ops.sum(ops.cast(logits, "float32")), logits

    if r1:
        real_logits, real_gradients = (backend or backends.current()).value_and_input_gradient(logits_sum, reals)
        penalty = losses.r1_penalty(real_gradients, options.r1_gamma)
    else:
        real_logits = discriminate(gan, reals, res_log2, alpha)
    d_loss = losses.d_logistic(real_logits, discriminate(gan, fakes, res_log2, alpha))
    if not r1:
        return d_loss, {"d_loss": d_loss}
    return d_loss + penalty * options.r1_interval, {"d_loss": d_loss, "r1": penalty}


def g_objective(gan: GAN, latents, res_log2=None, alpha=None, noise_mode: str = "random"):
    """G's non-saturating loss on fresh latents [B, k, D]: (loss, metrics with the batch mean of w)."""
    w = gan.generator.map(latents)  # [B, k, D]
    images = synthesize(gan, w, res_log2, alpha, noise_mode)
    g_loss = losses.g_nonsaturating(discriminate(gan, images, res_log2, alpha))
    w_mean = ops.mean(ops.reshape(ops.cast(w, "float32"), (-1, w.shape[-1])), 0)  # [D]
    return g_loss, {"g_loss": g_loss, "w_mean": w_mean}


def ema_beta(options: StyleGANOptions, images_seen, batch_size: int):
    """How much of the EMA copy a step keeps: the half-life in images, ramped up with the images seen."""
    images = ops.cast(images_seen, "float32")
    half_life = ops.minimum(float(options.ema_half_life_images), images * options.ema_rampup)
    return ops.power(0.5, batch_size / ops.maximum(half_life, 1e-8))


def ema_moved(source, target, beta):
    """The EMA copy after one step: `target` moved towards `source`."""
    return source + (target - source) * beta
