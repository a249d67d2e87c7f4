"""Pillow's antialiased bicubic resampling as separable matrices.

Pillow resizes by convolving each axis with a bicubic kernel (a = -0.5) stretched
by the scale factor, so a 16x reduction averages over a 64-pixel support instead
of sampling 4 pixels. Expressed as a [out, in] matrix per axis, one resize is two
small matrix products, which run in any graph (TF, TFLite, ONNX) and are
differentiable. `bicubic_matrix` gives the exact float coefficients;
`bicubic_matrix_8bit` the fixed-point integers Pillow applies to uint8 images,
with which the resize is bit-exact (see `ears_tf.data.image`).
"""
from __future__ import annotations

import functools

import numpy as np

BICUBIC_SUPPORT = 2.0
BICUBIC_A = -0.5
# Pillow keeps 8 bits for the result and 2 for overflow of a 32-bit accumulator.
PRECISION_BITS = 32 - 8 - 2


def _bicubic(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    a = BICUBIC_A
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = (((x - 5.0) * x + 8.0) * x - 4.0) * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


@functools.lru_cache(maxsize=64)
def bicubic_matrix(in_size: int, out_size: int) -> np.ndarray:
    """Float64 [out_size, in_size] matrix of Pillow's bicubic resize along one axis."""
    if in_size <= 0 or out_size <= 0:
        raise ValueError(f"sizes must be positive, got in_size={in_size}, out_size={out_size}")
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support = BICUBIC_SUPPORT * filterscale
    matrix = np.zeros((out_size, in_size), np.float64)
    for out in range(out_size):
        center = (out + 0.5) * scale
        # C's (int) truncates toward zero; both bounds are rounded that way in Pillow.
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size)
        taps = np.arange(xmin, xmax)
        weights = _bicubic((taps - center + 0.5) / filterscale)
        total = weights.sum()
        if total != 0.0:
            weights = weights / total
        matrix[out, xmin:xmax] = weights
    matrix.setflags(write=False)
    return matrix


@functools.lru_cache(maxsize=64)
def bicubic_matrix_8bit(in_size: int, out_size: int) -> np.ndarray:
    """Pillow's fixed-point coefficients (scaled by 2**PRECISION_BITS), as float64 integers."""
    scaled = bicubic_matrix(in_size, out_size) * (1 << PRECISION_BITS)
    # Pillow rounds half away from zero, then truncates toward zero.
    fixed = np.where(scaled < 0, np.ceil(scaled - 0.5), np.floor(scaled + 0.5))
    fixed.setflags(write=False)
    return fixed

