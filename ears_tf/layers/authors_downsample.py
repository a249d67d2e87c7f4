"""`AuthorsDownsample16x`: the authors' LR operator as a layer gradients flow through.

The model's LR inputs are made in the authors' mode (`data.image.make_lr_image`): each
face's range stretched to 0..255 and rounded (scipy's `bytescale`), then Pillow's 8-bit
bicubic resize, which rounds and clips after each axis. This layer does the same on float
images in [-1, 1], with the roundings as straight-through estimators: the forward pass
gives the levels (to within one level where float32 sums fall on a half-way point), the
backward pass differentiates as if nothing were rounded. Test-time refinement
(`ears_tf/refine.py`) compares G's faces with the LR frame through it.
"""
from __future__ import annotations

import keras
from keras import ops

from ears_tf import resampling
from ears_tf.layers.bicubic_downsample import BicubicDownsample16x

LEVELS = 255.0


def round_straight_through(values):
    """Round half up in the forward pass; the identity's gradient in the backward pass."""
    return values + ops.stop_gradient(ops.floor(values + 0.5) - values)


@keras.saving.register_keras_serializable(package="ears_tf")
class AuthorsDownsample16x(BicubicDownsample16x):
    """[B, H, W, 3] in [-1, 1] -> [B, H/16, W/16, 3] in [-1, 1], as `make_lr_image(..., "authors")`."""

    def matrix(self, in_size, out_size):
        # Pillow's fixed-point coefficients over 2**22: exact in float32 (integers times a power of two).
        return resampling.bicubic_matrix_8bit(in_size, out_size) / float(1 << resampling.PRECISION_BITS)

    def call(self, images):
        # In float32 whatever the policy: bfloat16 does not hold 8-bit levels' sums exactly.
        values = (ops.cast(images, "float32") + 1.0) / 2.0  # [B, H, W, 3] in [0, 1]
        rows, cols = ops.cast(self.rows, "float32"), ops.cast(self.cols, "float32")
        low = ops.min(values, axis=(1, 2, 3), keepdims=True)  # [B, 1, 1, 1]
        high = ops.max(values, axis=(1, 2, 3), keepdims=True)
        stretched = (values - low) * (LEVELS / ops.maximum(high - low, 1e-6))
        levels = round_straight_through(ops.clip(stretched, 0.0, LEVELS))  # bytescale
        # Pillow: the width pass, rounded and clipped to 8 bits, then the height pass.
        across = ops.einsum("bhwc,ow->bhoc", levels, cols)  # [B, H, w, 3]
        across = ops.clip(round_straight_through(across), 0.0, LEVELS)
        down = ops.einsum("bhwc,oh->bowc", across, rows)  # [B, h, w, 3]
        down = ops.clip(round_straight_through(down), 0.0, LEVELS)
        return ops.cast(down / LEVELS * 2.0 - 1.0, self.compute_dtype)
