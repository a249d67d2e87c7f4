"""Downscale2D (2x2 average) and FusedConvDownscale2D (a stride-2 4x4 conv).

The fused layer stores a 3x3 kernel and applies the average of its four shifted
copies as a 4x4 stride-2 conv: a 3x3 conv then 2x2 average pooling, fused.
"""
import keras
from keras import ops

from ears_tf.layers.constants import DATA_FORMAT
from ears_tf.layers.equalized import FusedScaleConvBase


@keras.saving.register_keras_serializable(package="ears_tf")
class Downscale2D(keras.layers.Layer):
    """[B, H, W, C] -> [B, H/2, W/2, C], box average."""

    def call(self, x):
        return ops.average_pool(x, pool_size=2, strides=2, padding="valid", data_format=DATA_FORMAT)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        return (b, None if h is None else h // 2, None if w is None else w // 2, c)


@keras.saving.register_keras_serializable(package="ears_tf")
class FusedConvDownscale2D(FusedScaleConvBase):
    """[B, H, W, Cin] -> [B, H/2, W/2, filters]; equalized learning rate, no bias."""

    def call(self, x):
        return ops.conv(x, self.shifted_sum() * 0.25, strides=2, padding="same", data_format=DATA_FORMAT)

    def compute_output_shape(self, input_shape):
        b, h, w, _ = input_shape
        return (b, None if h is None else h // 2, None if w is None else w // 2, self.filters)
