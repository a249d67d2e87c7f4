"""A learned per-channel bias with a learning-rate multiplier (StyleGAN's apply_bias)."""
import keras


@keras.saving.register_keras_serializable(package="ears_tf")
class Bias(keras.layers.Layer):
    def __init__(self, lrmul: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.lrmul = lrmul

    def build(self, input_shape):
        self.bias = self.add_weight(name="bias", shape=(input_shape[-1],), initializer="zeros")

    def call(self, x):
        return x + self.bias * self.lrmul

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"lrmul": self.lrmul})
        return config
