"""E_l: LR image [B, r, r, 3] -> per-layer latents [B, k, D].

A 3x3 conv with bias, then three scales of two 3x3 convs with instance norm and,
except after the last, a stride-2 3x3 conv with instance norm into the next
scale's width (`el_filters`, the authors' 128 -> 384 -> 1024); flatten; dense k x D
with leaky ReLU; dense k x D. At the paper preset: 8 -> 2x2x1024, 88,744,192
trainable parameters.
"""
from __future__ import annotations

import math

import keras
from keras import ops

from ears_tf.config import ModelConfig
from ears_tf.layers import ConvBlock
from ears_tf.layers.conv_block import LEAKY_SLOPE, he_init

KERNEL_SIZE = 3
CONVS_PER_SCALE = 2
# The authors' last scale is 2x2 (from 8x8); smaller presets stop downsampling there
# too, since instance norm over a 1x1 map would erase the input.
MIN_SIZE = 2


@keras.saving.register_keras_serializable(package="ears_tf")
class LowResEncoder(keras.Model):
    def __init__(self, model_config, **kwargs):
        super().__init__(**kwargs)
        self.model_config = ModelConfig.coerce(model_config)

    def build(self, input_shape):
        cfg = self.model_config
        widths = cfg.el_filters
        size = input_shape[1] or cfg.lr_size
        self.blocks = [ConvBlock(cfg.el_stem_filters, KERNEL_SIZE, name="stem")]
        for i, width in enumerate(widths):
            for j in range(CONVS_PER_SCALE):
                self.blocks.append(ConvBlock(width, KERNEL_SIZE, normalize=True, name=f"scale{i}_conv{j}"))
            if i < len(widths) - 1:
                strides = 2 if size > MIN_SIZE else 1
                self.blocks.append(ConvBlock(widths[i + 1], KERNEL_SIZE, strides, normalize=True, name=f"scale{i}_down"))
                size = math.ceil(size / strides)
        self.hidden = keras.layers.Dense(cfg.code_size, kernel_initializer=he_init(), name="hidden")
        self.to_latents = keras.layers.Dense(cfg.code_size, name="to_latents")
        shape = tuple(input_shape)
        for block in self.blocks:
            block.build(shape)
            shape = block.compute_output_shape(shape)
        self.hidden.build((shape[0], math.prod(shape[1:])))
        self.to_latents.build((shape[0], cfg.code_size))

    def call(self, images):
        x = images
        for block in self.blocks:
            x = block(x)  # [B, r', r', C'] down to [B, 2, 2, el_filters[-1]]
        x = ops.reshape(x, (ops.shape(x)[0], -1))  # [B, 4 * C]
        x = ops.leaky_relu(self.hidden(x), LEAKY_SLOPE)  # [B, k * D]
        z = self.to_latents(x)  # [B, k * D]
        return ops.reshape(z, (-1, self.model_config.num_styles, self.model_config.latent_dim))  # [B, k, D]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.model_config.num_styles, self.model_config.latent_dim)

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "name": self.name}
