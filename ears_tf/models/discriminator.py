"""The StyleGAN (v1) discriminator, NHWC.

fromRGB, then per resolution: conv 3x3, blur, conv 3x3 + 2x downscale (fused into a
stride-2 4x4 conv from 128x128 inputs up); at 4x4: minibatch stddev, conv, two dense.
Progressive growing (ears_tf/models/growing.py) enters it at a lower block.
"""
from __future__ import annotations

import math

import keras
from keras import ops

from ears_tf.config import ModelConfig
from ears_tf.layers import (
    Bias, Blur2D, Downscale2D, EqualizedConv2D, EqualizedDense, FusedConvDownscale2D, MinibatchStddev,
)
from ears_tf.layers.constants import child_options
from ears_tf.models.generator import FUSED_SCALE_MIN_RESOLUTION, LEAKY_SLOPE

MBSTD_GROUP_SIZE = 4


@keras.saving.register_keras_serializable(package="ears_tf")
class Discriminator(keras.Model):
    """image [B, HR, HR, 3] -> logit [B, 1]."""

    def __init__(self, model_config, **kwargs):
        super().__init__(**kwargs)
        self.model_config = ModelConfig.coerce(model_config)
        cfg = self.model_config
        res_log2 = cfg.resolution_log2
        self.from_rgb = EqualizedConv2D(cfg.fmaps(res_log2 - 1), 1, name="from_rgb", **child_options(self))
        self.blocks = []
        for res in range(res_log2, 2, -1):
            size = 2 ** res
            conv0 = EqualizedConv2D(cfg.fmaps(res - 1), 3, name=f"conv{size}", **child_options(self))
            blur = Blur2D(name=f"blur{size}", **child_options(self))
            if size >= FUSED_SCALE_MIN_RESOLUTION:
                down = [FusedConvDownscale2D(cfg.fmaps(res - 2), name=f"conv_down{size}", **child_options(self))]
            else:
                down = [EqualizedConv2D(cfg.fmaps(res - 2), 3, use_bias=False, name=f"conv_down{size}",
                                        **child_options(self)),
                        Downscale2D(name=f"downscale{size}", **child_options(self))]
            self.blocks.append((conv0, blur, down, Bias(name=f"bias_down{size}", **child_options(self))))
        self.mbstd = MinibatchStddev(MBSTD_GROUP_SIZE, name="minibatch_stddev", **child_options(self))
        self.conv4 = EqualizedConv2D(cfg.fmaps(1), 3, name="conv4x4", **child_options(self))
        self.dense0 = EqualizedDense(cfg.fmaps(0), name="dense0", **child_options(self))
        self.dense1 = EqualizedDense(1, gain=1.0, name="dense1", **child_options(self))

    def build(self, input_shape):
        """Builds every layer through the shapes, so all weights exist before a first call."""
        batch, size = input_shape[0], self.model_config.hr_size
        shape = (batch, size, size, 3)
        self.from_rgb.build(shape)
        shape = self.from_rgb.compute_output_shape(shape)
        for conv0, blur, down, bias in self.blocks:
            for layer in (conv0, blur, *down, bias):
                layer.build(shape)
                shape = layer.compute_output_shape(shape)
        for layer in (self.mbstd, self.conv4):
            layer.build(shape)
            shape = layer.compute_output_shape(shape)
        self.dense0.build((batch, math.prod(shape[1:])))
        self.dense1.build((batch, self.model_config.fmaps(0)))

    def block(self, x, res_log2: int):
        """The downscaling block of resolution 2**res_log2: [B, R, R, nf(r - 1)] -> [B, R/2, R/2, nf(r - 2)]."""
        conv0, blur, down, bias = self.blocks[self.model_config.resolution_log2 - res_log2]
        x = blur(ops.leaky_relu(conv0(x), LEAKY_SLOPE))
        for layer in down:
            x = layer(x)
        return ops.leaky_relu(bias(x), LEAKY_SLOPE)

    def features(self, images) -> list:
        """The activations after each downscaling block, from HR/2 down to 4x4.

        The `encoder_hr` stage's perceptual features when no VGG16 weights are given.
        """
        x = ops.leaky_relu(self.from_rgb(images), LEAKY_SLOPE)  # [B, HR, HR, nf(R - 1)]
        maps = []
        for res_log2 in range(self.model_config.resolution_log2, 2, -1):
            x = self.block(x, res_log2)  # [B, H/2, W/2, nf(res - 2)]
            maps.append(x)
        return maps

    def head(self, x):
        """4x4 features [B, 4, 4, nf(1)] -> logit [B, 1]."""
        x = self.mbstd(x)  # [B, 4, 4, nf(1) + 1]
        x = ops.leaky_relu(self.conv4(x), LEAKY_SLOPE)
        x = ops.reshape(x, (-1, math.prod(x.shape[1:])))  # [B, 16 nf(1)]
        x = ops.leaky_relu(self.dense0(x), LEAKY_SLOPE)
        return self.dense1(x)  # [B, 1]

    def call(self, images):
        return self.head(self.features(images)[-1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "name": self.name,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy)}
