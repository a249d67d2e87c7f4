"""The skeleton E_h, E_l and E_a share: conv blocks -> flatten -> [hidden dense] -> dense -> [B, k, D].

A subclass says which blocks it stacks (`make_blocks`) and the width of its hidden
dense layer (`hidden_units`, None for none); this class builds them through the
shapes, runs them, and reshapes the flat code into per-layer latents.
"""
from __future__ import annotations

import math

import keras
from keras import ops

from ears_tf.config import ModelConfig
from ears_tf.layers.conv_block import LEAKY_SLOPE, he_init


class ConvEncoder(keras.Model):
    hidden_units_field: str | None = None  # the ModelConfig field with the hidden dense width

    def __init__(self, model_config, **kwargs):
        super().__init__(**kwargs)
        self.model_config = ModelConfig.coerce(model_config)

    def make_blocks(self, input_shape) -> list:
        """The conv blocks, unbuilt, for inputs of `input_shape` (NHWC)."""
        raise NotImplementedError

    @property
    def hidden_units(self) -> int | None:
        field = self.hidden_units_field
        return getattr(self.model_config, field) if field else None

    def build(self, input_shape):
        self.build_encoder(input_shape)

    def build_encoder(self, input_shape):
        """Creates and builds the blocks and the dense head for image-like inputs of `input_shape`."""
        self.blocks = self.make_blocks(input_shape)
        shape = tuple(input_shape)
        for block in self.blocks:
            block.build(shape)
            shape = block.compute_output_shape(shape)
        width = math.prod(shape[1:])
        if self.hidden_units:
            self.hidden = keras.layers.Dense(self.hidden_units, kernel_initializer=he_init(), name="hidden")
            self.hidden.build((shape[0], width))
            width = self.hidden_units
        self.to_latents = keras.layers.Dense(self.model_config.code_size, name="to_latents")
        self.to_latents.build((shape[0], width))

    def encode(self, x):
        for block in self.blocks:
            x = block(x)  # [B, H', W', C'], downsampling to the last scale
        x = ops.reshape(x, (ops.shape(x)[0], -1))  # [B, H' W' C']
        if self.hidden_units:
            x = ops.leaky_relu(self.hidden(x), LEAKY_SLOPE)  # [B, hidden]
        z = self.to_latents(x)  # [B, k * D]
        return ops.reshape(z, (-1, self.model_config.num_styles, self.model_config.latent_dim))  # [B, k, D]

    def call(self, x):
        return self.encode(x)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.model_config.num_styles, self.model_config.latent_dim)

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "name": self.name}
