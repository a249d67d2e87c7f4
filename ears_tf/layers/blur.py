"""Blur2D: depthwise binomial [1, 2, 1] x [1, 2, 1] low-pass filter, SAME padding (StyleGAN's blur2d)."""
import numpy as np

import keras
from keras import ops

from ears_tf.layers.constants import DATA_FORMAT, ConstantsLayer


@keras.saving.register_keras_serializable(package="ears_tf")
class Blur2D(ConstantsLayer):
    def __init__(self, taps=(1, 2, 1), **kwargs):
        super().__init__(**kwargs)
        self.taps = tuple(taps)

    def build(self, input_shape):
        taps = np.asarray(self.taps, np.float32)
        kernel = np.outer(taps, taps)
        kernel /= kernel.sum()
        self.add_constant("blur_kernel", np.tile(kernel[:, :, None, None], [1, 1, input_shape[-1], 1]))  # [k, k, C, 1]

    def call(self, x):
        return ops.depthwise_conv(x, self.blur_kernel, strides=1, padding="same", data_format=DATA_FORMAT)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"taps": list(self.taps)})
        return config
