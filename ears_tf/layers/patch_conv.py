"""A SAME-padded conv computed as one matrix product over gathered patches (im2col).

On the deep, small feature maps of the encoders (E_a's last two scales: 9x9 and 5x5
maps with 1024 to 2048 channels and many millions of weights a conv), TensorFlow's
oneDNN convolution runs well below the machine's matmul rate, while gathering the
k x k taps into [B * Ho * Wo, k k C] and calling one MatMul runs near it. The route
uses only pad, reshape, slice, concat and matmul, which every export target
(SavedModel, TFLite, ONNX with a dynamic batch) has. On larger maps the direct conv is
as fast or faster, so `ConvBlock` keeps it there; so it does for small kernels, where
the gradients of the gathering slices cost more in training than the matmul saves.

TFLite is the exception: its dynamic-range int8 FULLY_CONNECTED kernel multiplies one
row at a time, while its hybrid CONV_2D runs a GEMM. The TFLite export traces a copy of
the model whose `ModelConfig.conv_route` is "direct": the same convolutions, lowered to
CONV_2D. The figures, and the command that gives them (`experiments/bench_conv_routes.py`),
are in docs/benchmarks.md.
"""
from __future__ import annotations

import math

from keras import ops

from ears_tf.config import CONV_ROUTES  # "auto": the matmul route where `uses_matmul` says so; "direct": never

__all__ = ["CONV_ROUTES", "conv_as_matmul", "same_padding", "uses_matmul"]

# Convs with inputs of at most this many pixels (9 x 9) and at least this many weights take the matmul route.
MATMUL_CONV_MAX_AREA = 81
MATMUL_CONV_MIN_WEIGHTS = 2 ** 22


def uses_matmul(input_shape, kernel_shape) -> bool:
    """Whether a conv with `kernel_shape` [kh, kw, C, F] on NHWC inputs of `input_shape` should
    run as a matmul (static H, W only)."""
    height, width = input_shape[1], input_shape[2]
    small_map = height is not None and width is not None and height * width <= MATMUL_CONV_MAX_AREA
    return small_map and math.prod(kernel_shape) >= MATMUL_CONV_MIN_WEIGHTS


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int, int]:
    """(output size, padding before, padded size) of TensorFlow's SAME padding along one axis.

    The padded size is rounded up to a multiple of the stride so that the stride can be
    folded into a reshape; the extra rows or columns are never read.
    """
    out = -(-size // stride)
    before = max((out - 1) * stride + kernel - size, 0) // 2
    padded = stride * -(-((out - 1) * stride + kernel) // stride)
    return out, before, padded


def conv_as_matmul(x, kernel, strides: int):
    """x [B, H, W, C] (static H, W), kernel [kh, kw, C, F] -> [B, Ho, Wo, F], equal to a SAME conv."""
    kernel_h, kernel_w, channels, filters = kernel.shape
    height, width = x.shape[1], x.shape[2]
    out_h, top, padded_h = same_padding(height, kernel_h, strides)
    out_w, left, padded_w = same_padding(width, kernel_w, strides)
    x = ops.pad(x, [[0, 0], [top, padded_h - height - top], [left, padded_w - width - left], [0, 0]])
    # Fold the stride into the shape: row r = s * a + p, and columns s * b + q sit side by side
    # in the channels, so each slice below is contiguous and 5-D (TFLite's slice limit).
    x = ops.reshape(x, (-1, padded_h // strides, strides, padded_w // strides, strides * channels))  # [B, Hp/s, s, Wp/s, s C]
    taps = []
    for i in range(kernel_h):
        for b in range(-(-kernel_w // strides)):
            row, phase = divmod(i, strides)
            tap = x[:, row:row + out_h, phase, b:b + out_w, :]  # [B, Ho, Wo, s C]: taps j = s b .. s b + s - 1
            columns = min(strides, kernel_w - strides * b)
            taps.append(tap if columns == strides else tap[..., :columns * channels])
    patches = ops.concatenate(taps, axis=-1)  # [B, Ho, Wo, kh kw C], ordered like the kernel's (i, j, c)
    product = ops.matmul(ops.reshape(patches, (-1, kernel_h * kernel_w * channels)),
                         ops.reshape(kernel, (kernel_h * kernel_w * channels, filters)))  # [B Ho Wo, F]
    return ops.reshape(product, (-1, out_h, out_w, filters))
