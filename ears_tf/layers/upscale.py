"""Upscale2D (nearest, x2) and FusedUpscaleConv2D (a stride-2 transposed 4x4 conv).

The fused layer stores a 3x3 kernel (same parameters as upscale + 3x3 conv) and, at
run time, sums its four shifted copies into 4x4 and applies a transposed conv: the
output of nearest upscaling then the 3x3 conv with the kernel mirrored (a transposed
conv correlates with the flipped kernel, as in StyleGAN), at a quarter of the cost.
"""
import keras
from keras import ops

from ears_tf.layers.constants import DATA_FORMAT
from ears_tf.layers.equalized import FusedScaleConvBase


@keras.saving.register_keras_serializable(package="ears_tf")
class Upscale2D(keras.layers.Layer):
    """[B, H, W, C] -> [B, 2H, 2W, C], nearest neighbour."""

    def call(self, x):
        # Broadcast and reshape with the static H, W, C: ops.repeat loses them under a dynamic
        # batch, and the TFLite converter then rejects the convs that follow.
        h, w, c = x.shape[1], x.shape[2], x.shape[3]
        x = ops.reshape(x, (-1, h, 1, w, 1, c))
        x = ops.tile(x, (1, 1, 2, 1, 2, 1))  # [B, H, 2, W, 2, C]
        return ops.reshape(x, (-1, 2 * h, 2 * w, c))  # [B, 2H, 2W, C]

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        return (b, None if h is None else 2 * h, None if w is None else 2 * w, c)


@keras.saving.register_keras_serializable(package="ears_tf")
class FusedUpscaleConv2D(FusedScaleConvBase):
    """[B, H, W, Cin] -> [B, 2H, 2W, filters]; equalized learning rate, no bias."""

    def call(self, x):
        w = ops.transpose(self.shifted_sum(), [0, 1, 3, 2])  # conv_transpose wants [k, k, Cout, Cin]
        return ops.conv_transpose(x, w, strides=2, padding="same", data_format=DATA_FORMAT)

    def compute_output_shape(self, input_shape):
        b, h, w, _ = input_shape
        return (b, None if h is None else 2 * h, None if w is None else 2 * w, self.filters)
