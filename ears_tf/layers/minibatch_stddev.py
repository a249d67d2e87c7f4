"""MinibatchStddev: appends the spread of features across a group of examples.

The batch must divide into groups of min(group_size, batch).
"""
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ears_tf")
class MinibatchStddev(keras.layers.Layer):
    def __init__(self, group_size: int = 4, num_features: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.group_size = group_size
        self.num_features = num_features

    def call(self, x):
        batch = ops.shape(x)[0]
        _, height, width, channels = x.shape
        group = ops.minimum(self.group_size, batch)
        n = self.num_features
        y = ops.reshape(x, (group, -1, height, width, n, channels // n))  # [G, M, H, W, n, c]
        y = y - ops.mean(y, axis=0, keepdims=True)
        y = ops.sqrt(ops.mean(ops.square(y), axis=0) + 1e-8)  # [M, H, W, n, c]
        y = ops.mean(y, axis=(1, 2, 4))  # [M, n]
        y = ops.tile(y, (group, 1))  # [B, n]
        y = ops.broadcast_to(y[:, None, None, :], (batch, height, width, n))
        return ops.concatenate([x, ops.cast(y, x.dtype)], axis=-1)  # [B, H, W, C + n]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + self.num_features,)

    def get_config(self):
        config = super().get_config()
        config.update({"group_size": self.group_size, "num_features": self.num_features})
        return config
