"""MinibatchStddev: appends the spread of features across a group of examples.

Groups hold `group_size` examples, as StyleGAN's do, or, where the batch does not divide into
them, the largest number up to `group_size` that divides it (StyleGAN stops on a reshape
error there). JAX traces a symbolic call with a stand-in batch that need not divide.
"""
import keras
from keras import ops

from ears_tf.layers.shapes import batch_size


@keras.saving.register_keras_serializable(package="ears_tf")
class MinibatchStddev(keras.layers.Layer):
    def __init__(self, group_size: int = 4, num_features: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.group_size = group_size
        self.num_features = num_features

    def build(self, input_shape):
        if input_shape[-1] % self.num_features:
            raise ValueError(f"MinibatchStddev: {input_shape[-1]} channels do not split into "
                             f"{self.num_features} features")

    def call(self, x):
        batch = batch_size(x)
        _, height, width, channels = x.shape
        if isinstance(batch, int):
            group = max(g for g in range(1, min(self.group_size, batch) + 1) if batch % g == 0)
        else:  # TensorFlow with an unknown batch: StyleGAN's own dynamic form
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
