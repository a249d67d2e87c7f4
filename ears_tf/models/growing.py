"""Progressive growing (ProGAN / StyleGAN v1): G and D run up to a lower resolution.

While growing, G stops after the block of resolution 2**r and draws RGB there through a
per-resolution toRGB; D enters at the block of that resolution through a per-resolution
fromRGB. A new resolution fades in: G's image is the previous resolution's, upscaled,
blended into the new one by `alpha`, and D's first features likewise. At the full
resolution G's own toRGB and D's own fromRGB take over, so the trained G and D are the
fixed-resolution models, and the ladders below are dropped once training ends.
"""
from __future__ import annotations

import keras
from keras import ops

from ears_tf.config import ModelConfig, start_resolution_problem
from ears_tf.layers import EqualizedConv2D
from ears_tf.layers.constants import DATA_FORMAT, child_options
from ears_tf.models.generator import LEAKY_SLOPE


def upscale(images, factor: int = 2):
    """[B, H, W, C] -> [B, fH, fW, C], nearest neighbour."""
    return ops.repeat(ops.repeat(images, factor, axis=1), factor, axis=2)


def downscale(images, factor: int = 2):
    """[B, H, W, C] -> [B, H/f, W/f, C], box average (how StyleGAN v1 shrinks its reals)."""
    return images if factor == 1 else ops.average_pool(images, pool_size=factor, strides=factor, padding="valid",
                                                          data_format=DATA_FORMAT)


class _Ladder(keras.layers.Layer):
    """One 1x1 equalized conv per resolution from `start_resolution` up to HR/2."""

    def __init__(self, model_config, start_resolution: int, **kwargs):
        super().__init__(**kwargs)
        self.model_config = ModelConfig.coerce(model_config)
        self.start_resolution = start_resolution
        self.start_log2 = start_resolution.bit_length() - 1
        problem = start_resolution_problem(start_resolution, self.model_config.hr_size)
        if problem:
            raise ValueError(problem)

    def make_rung(self, res_log2: int, size: int):
        """(the 1x1 conv of resolution `size` = 2**res_log2, its input channels)."""
        raise NotImplementedError

    def build(self, input_shape=None):
        self.rungs = []
        for res_log2 in range(self.start_log2, self.model_config.resolution_log2):
            size = 2 ** res_log2
            conv, channels = self.make_rung(res_log2, size)
            conv.build((None, size, size, channels))
            self.rungs.append(conv)

    def _rung(self, res_log2: int):
        return self.rungs[res_log2 - self.start_log2]

    def get_config(self):
        config = super().get_config()
        config.update({"model_config": self.model_config.to_dict(), "start_resolution": self.start_resolution})
        return config


@keras.saving.register_keras_serializable(package="ears_tf")
class ToRGBLadder(_Ladder):
    """G's features at 2**r [B, R, R, nf(r - 1)] -> RGB [B, R, R, 3], for r below the output."""

    def make_rung(self, res_log2: int, size: int):
        conv = EqualizedConv2D(3, 1, gain=1.0, use_bias=True, name=f"to_rgb{size}", **child_options(self))
        return conv, self.model_config.fmaps(res_log2 - 1)

    def call(self, features, res_log2: int):
        return self._rung(res_log2)(features)


@keras.saving.register_keras_serializable(package="ears_tf")
class FromRGBLadder(_Ladder):
    """An image at 2**r [B, R, R, 3] -> D's input features there [B, R, R, nf(r - 1)], for r below HR."""

    def make_rung(self, res_log2: int, size: int):
        return EqualizedConv2D(self.model_config.fmaps(res_log2 - 1), 1, name=f"from_rgb{size}",
                               **child_options(self)), 3

    def call(self, images, res_log2: int):
        return ops.leaky_relu(self._rung(res_log2)(images), LEAKY_SLOPE)


def grown_images(generator, to_rgb: ToRGBLadder, w, res_log2: int, alpha, noise_mode: str = "random"):
    """G's image at 2**res_log2 from w [B, k, D]: [B, R, R, 3], the previous resolution faded out by `alpha`."""
    synthesis = generator.synthesis
    outputs = synthesis.layer_outputs(w, noise_mode, res_log2)  # two per resolution, the last at 2**res_log2
    top = synthesis.to_rgb if res_log2 == generator.model_config.resolution_log2 else (
        lambda x: to_rgb(x, res_log2=res_log2))
    image = top(outputs[-1])  # [B, R, R, 3]
    if res_log2 == to_rgb.start_log2:
        return image
    previous = upscale(to_rgb(outputs[-3], res_log2=res_log2 - 1))  # [B, R/2, R/2, 3] -> [B, R, R, 3]
    return previous + (image - previous) * alpha


def grown_logits(discriminator, from_rgb: FromRGBLadder, images, res_log2: int, alpha):
    """D's logit [B, 1] for images [B, R, R, 3] at 2**res_log2, the previous resolution's path faded out by `alpha`."""
    if res_log2 == discriminator.model_config.resolution_log2:
        x = ops.leaky_relu(discriminator.from_rgb(images), LEAKY_SLOPE)
    else:
        x = from_rgb(images, res_log2=res_log2)  # [B, R, R, nf(r - 1)]
    x = discriminator.block(x, res_log2)  # [B, R/2, R/2, nf(r - 2)]
    if res_log2 > from_rgb.start_log2:
        skip = from_rgb(downscale(images), res_log2=res_log2 - 1)
        x = skip + (x - skip) * alpha
    for lower in range(res_log2 - 1, 2, -1):
        x = discriminator.block(x, lower)
    return discriminator.head(x)


def grown_reals(reals, res_log2: int, alpha, start_log2: int):
    """HR reals [B, HR, HR, 3] as D sees them at 2**res_log2: box-downscaled, and while a
    resolution fades in, blended with their own half-resolution copy as G's images are."""
    factor = reals.shape[1] // 2 ** res_log2
    images = downscale(reals, factor)  # [B, R, R, 3]
    if res_log2 == start_log2:
        return images
    coarse = upscale(downscale(images))
    return coarse + (images - coarse) * alpha
