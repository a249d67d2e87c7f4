"""PixelNorm: each feature vector scaled to unit root mean square over channels."""
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ears_tf")
class PixelNorm(keras.layers.Layer):
    def __init__(self, epsilon: float = 1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, x):
        return x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + self.epsilon)

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon})
        return config
