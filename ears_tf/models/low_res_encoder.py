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

from ears_tf.layers import ConvBlock
from ears_tf.layers.constants import child_options
from ears_tf.models.conv_encoder import ConvEncoder

KERNEL_SIZE = 3
CONVS_PER_SCALE = 2
# The authors' last scale is 2x2 (from 8x8); smaller presets stop downsampling there
# too, since instance norm over a 1x1 map would erase the input.
MIN_SIZE = 2


@keras.saving.register_keras_serializable(package="ears_tf")
class LowResEncoder(ConvEncoder):
    hidden_units_field = "code_size"

    def make_blocks(self, input_shape):
        cfg = self.model_config
        options = {"conv_route": cfg.conv_route, **child_options(self)}
        widths = cfg.el_filters
        size = input_shape[1] or cfg.lr_size
        blocks = [ConvBlock(cfg.el_stem_filters, KERNEL_SIZE, name="stem", **options)]
        for i, width in enumerate(widths):
            for j in range(CONVS_PER_SCALE):
                blocks.append(ConvBlock(width, KERNEL_SIZE, normalize=True, name=f"scale{i}_conv{j}", **options))
            if i < len(widths) - 1:
                strides = 2 if size > MIN_SIZE else 1
                blocks.append(ConvBlock(widths[i + 1], KERNEL_SIZE, strides, normalize=True, name=f"scale{i}_down", **options))
                size = math.ceil(size / strides)
        return blocks
