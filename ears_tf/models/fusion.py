"""F and F3: z_f = z_l + F([z_l, z_a]) on flattened per-layer codes (paper eq. 4).

F is one linear dense layer (2 k D -> k D: 75,503,616 parameters at the paper
preset); F3 is dense + leaky ReLU, dense + leaky ReLU, dense (151,013,376; the
authors' released model). The last layer starts at zero, so training starts from
E_l's code and learns the residual the audio explains.
"""
from __future__ import annotations

import keras
from keras import ops

from ears_tf.config import ModelConfig
from ears_tf.layers.constants import child_options
from ears_tf.layers.conv_block import LEAKY_SLOPE

NUM_LAYERS = (1, 3)


@keras.saving.register_keras_serializable(package="ears_tf")
class Fusion(keras.Model):
    """(z_l [B, k, D], z_a [B, k, D]) -> z_f [B, k, D]."""

    def __init__(self, model_config, num_layers: int = 1, **kwargs):
        super().__init__(**kwargs)
        if num_layers not in NUM_LAYERS:
            raise ValueError(f"Fusion num_layers must be one of {NUM_LAYERS}, got {num_layers}")
        self.model_config = ModelConfig.coerce(model_config)
        self.num_layers = num_layers

    def build(self, z_l_shape, z_a_shape=None):
        width = self.model_config.code_size
        self.dense = [
            keras.layers.Dense(
                width, kernel_initializer="zeros" if i == self.num_layers - 1 else "glorot_uniform", name=f"dense{i}",
                **child_options(self),
            )
            for i in range(self.num_layers)
        ]
        fan_in = 2 * width
        for layer in self.dense:
            layer.build((None, fan_in))
            fan_in = width

    def call(self, z_l, z_a):
        cfg = self.model_config
        x = ops.concatenate([ops.reshape(z_l, (-1, cfg.code_size)), ops.reshape(z_a, (-1, cfg.code_size))], axis=-1)  # [B, 2 k D]
        for i, layer in enumerate(self.dense):
            x = layer(x)
            if i < self.num_layers - 1:
                x = ops.leaky_relu(x, LEAKY_SLOPE)
        z_f = ops.cast(z_l, "float32") + ops.cast(ops.reshape(x, (-1, cfg.num_styles, cfg.latent_dim)), "float32")
        return z_f  # [B, k, D], float32 at the boundary

    def forward_macs(self, z_l_shape=None, z_a_shape=None) -> int:
        """Multiply-adds per example of the dense layers."""
        width = self.model_config.code_size
        return 2 * width * width + (self.num_layers - 1) * width * width

    def compute_output_shape(self, z_l_shape, z_a_shape=None):
        return tuple(z_l_shape)

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "num_layers": self.num_layers, "name": self.name,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy)}
