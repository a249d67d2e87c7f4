"""E_h: HR image [B, HR, HR, 3] -> per-layer latents [B, k, D] (the authors' reference encoder).

Six scales of a 4x4 stride-1 conv (instance norm from the second scale on) and,
except after the last, a 4x4 stride-2 conv with instance norm into the next
scale's width; widths double from `eh_filters_base` up to `eh_filters_max`; then
one linear dense to k x D. At the paper preset: 128 -> 4x4x1024, 167,662,144
trainable parameters.
"""
from __future__ import annotations

import math

import keras

from ears_tf.layers import ConvBlock
from ears_tf.layers.constants import child_options
from ears_tf.models.conv_encoder import ConvEncoder

NUM_SCALES = 6
KERNEL_SIZE = 4
# The authors' last scale is 4x4 (at 128x128). Smaller presets stop downsampling there
# too: instance norm over a 1x1 map would output its offset whatever the input.
MIN_SIZE = 4


@keras.saving.register_keras_serializable(package="ears_tf")
class HighResEncoder(ConvEncoder):
    def make_blocks(self, input_shape):
        cfg = self.model_config
        options = {"conv_route": cfg.conv_route, **child_options(self)}
        widths = [min(cfg.eh_filters_base * 2 ** i, cfg.eh_filters_max) for i in range(NUM_SCALES)]
        size = input_shape[1] or cfg.hr_size
        blocks = []
        for i, width in enumerate(widths):
            blocks.append(ConvBlock(width, KERNEL_SIZE, normalize=i > 0, name=f"scale{i}_conv", **options))
            if i < NUM_SCALES - 1:
                strides = 2 if size > MIN_SIZE else 1
                blocks.append(ConvBlock(widths[i + 1], KERNEL_SIZE, strides, normalize=True, name=f"scale{i}_down", **options))
                size = math.ceil(size / strides)
        return blocks
