"""Equalized learning rate dense and conv layers (Karras et al., ProGAN / StyleGAN).

Weights are stored as N(0, 1 / lrmul) and scaled at run time by
gain / sqrt(fan_in) * lrmul, so Adam sees every layer at the same scale; `lrmul`
slows a layer down (0.01 in the mapping network).
"""
from __future__ import annotations

import math

import keras
from keras import ops

from ears_tf.layers.constants import DATA_FORMAT

SQRT2 = math.sqrt(2.0)


@keras.saving.register_keras_serializable(package="ears_tf")
class EqualizedDense(keras.layers.Layer):
    """[..., in] -> [..., units]."""

    def __init__(self, units: int, gain: float = SQRT2, lrmul: float = 1.0, use_bias: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.gain = gain
        self.lrmul = lrmul
        self.use_bias = use_bias

    def build(self, input_shape):
        fan_in = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel", shape=(fan_in, self.units),
            initializer=keras.initializers.RandomNormal(0.0, 1.0 / self.lrmul),
        )
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros") if self.use_bias else None
        self._scale = self.gain / math.sqrt(fan_in) * self.lrmul

    def call(self, x):
        y = ops.matmul(x, self.kernel * self._scale)
        return y + self.bias * self.lrmul if self.use_bias else y

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "gain": self.gain, "lrmul": self.lrmul, "use_bias": self.use_bias})
        return config


@keras.saving.register_keras_serializable(package="ears_tf")
class EqualizedConv2D(keras.layers.Layer):
    """NHWC convolution, stride 1, SAME padding, equalized learning rate; bias optional."""

    def __init__(self, filters: int, kernel_size: int, gain: float = SQRT2, lrmul: float = 1.0,
                 use_bias: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.kernel_size = kernel_size
        self.gain = gain
        self.lrmul = lrmul
        self.use_bias = use_bias

    def build(self, input_shape):
        channels = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel", shape=(self.kernel_size, self.kernel_size, channels, self.filters),
            initializer=keras.initializers.RandomNormal(0.0, 1.0 / self.lrmul),
        )
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros") if self.use_bias else None
        self._scale = self.gain / math.sqrt(self.kernel_size * self.kernel_size * channels) * self.lrmul

    def call(self, x):
        y = ops.conv(x, self.kernel * self._scale, strides=1, padding="same", data_format=DATA_FORMAT)
        return y + self.bias * self.lrmul if self.use_bias else y

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "gain": self.gain,
            "lrmul": self.lrmul, "use_bias": self.use_bias,
        })
        return config


class FusedScaleConvBase(keras.layers.Layer):
    """A k x k equalized-learning-rate kernel for the fused up/down-scaling convolutions.

    Subclasses turn it into a stride-2 (k+1) x (k+1) kernel in `call`.
    """

    def __init__(self, filters: int, kernel_size: int = 3, gain: float = SQRT2, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.kernel_size = kernel_size
        self.gain = gain

    def build(self, input_shape):
        channels = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel", shape=(self.kernel_size, self.kernel_size, channels, self.filters),
            initializer=keras.initializers.RandomNormal(0.0, 1.0),
        )
        self._scale = self.gain / math.sqrt(self.kernel_size * self.kernel_size * channels)

    def shifted_sum(self):
        """The scaled kernel summed over its four one-pixel shifts: [k+1, k+1, Cin, Cout]."""
        w = ops.pad(self.kernel * self._scale, [[1, 1], [1, 1], [0, 0], [0, 0]])
        return w[1:, 1:] + w[:-1, 1:] + w[1:, :-1] + w[:-1, :-1]

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters, "kernel_size": self.kernel_size, "gain": self.gain})
        return config
