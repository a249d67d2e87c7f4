"""InstanceNorm: zero mean, unit variance per example and channel over H, W; no affine.

StyleGAN's synthesis uses this form (the style supplies scale and shift). The
encoders use the affine version, `keras.layers.GroupNormalization(groups=-1)`.
"""
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ears_tf")
class InstanceNorm(keras.layers.Layer):
    def __init__(self, epsilon: float = 1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, x):
        x = x - ops.mean(x, axis=(1, 2), keepdims=True)
        return x * ops.rsqrt(ops.mean(ops.square(x), axis=(1, 2), keepdims=True) + self.epsilon)

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon})
        return config
