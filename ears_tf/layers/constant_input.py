"""ConstantInput: the synthesis network's learned 4x4 starting tensor, tiled over the batch."""
import keras
from keras import ops

from ears_tf.layers.shapes import batch_size


@keras.saving.register_keras_serializable(package="ears_tf")
class ConstantInput(keras.layers.Layer):
    """call(w [B, ...]) -> [B, size, size, channels]; w only gives the batch size."""

    def __init__(self, channels: int, size: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.channels = channels
        self.size = size

    def build(self, input_shape):
        self.const = self.add_weight(
            name="const", shape=(1, self.size, self.size, self.channels), initializer="ones"
        )

    def call(self, w):
        return ops.tile(self.const, (batch_size(w), 1, 1, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        config = super().get_config()
        config.update({"channels": self.channels, "size": self.size})
        return config
