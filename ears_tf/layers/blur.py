"""Blur2D: depthwise binomial [1, 2, 1] x [1, 2, 1] low-pass filter, SAME padding (StyleGAN's blur2d)."""
import numpy as np

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ears_tf")
class Blur2D(keras.layers.Layer):
    def __init__(self, taps=(1, 2, 1), **kwargs):
        super().__init__(**kwargs)
        self.taps = tuple(taps)

    def build(self, input_shape):
        taps = np.asarray(self.taps, np.float32)
        kernel = np.outer(taps, taps)
        kernel /= kernel.sum()
        # Constant, not a weight: [k, k, C, 1] for a depthwise convolution.
        self._kernel = np.tile(kernel[:, :, None, None], [1, 1, input_shape[-1], 1])

    def call(self, x):
        return ops.depthwise_conv(x, ops.convert_to_tensor(self._kernel, dtype=x.dtype), strides=1, padding="same")

    def get_config(self):
        config = super().get_config()
        config.update({"taps": list(self.taps)})
        return config
