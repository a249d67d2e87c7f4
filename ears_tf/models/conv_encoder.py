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
from ears_tf.layers.constants import child_options
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
            self.hidden = keras.layers.Dense(self.hidden_units, kernel_initializer=he_init(), name="hidden",
                                             **child_options(self))
            self.hidden.build((shape[0], width))
            width = self.hidden_units
        self.to_latents = keras.layers.Dense(self.model_config.code_size, name="to_latents", **child_options(self))
        self.to_latents.build((shape[0], width))

    def image_macs(self, input_shape) -> int:
        """Multiply-adds per example of the blocks and the dense head on image-like inputs of
        `input_shape` (NHWC), from the blocks `make_blocks` returns: nothing is built."""
        _, height, width, channels = input_shape
        macs = 0
        for block in self.make_blocks(input_shape):
            height, width = -(-height // block.strides), -(-width // block.strides)  # SAME padding
            macs += height * width * block.kernel_size ** 2 * channels * block.filters
            channels = block.filters
        flat = height * width * channels
        if self.hidden_units:
            macs += flat * self.hidden_units
            flat = self.hidden_units
        return macs + flat * self.model_config.code_size

    def forward_macs(self, input_shape) -> int:
        """Multiply-adds per example for inputs of `input_shape`; subclasses with a front end add it."""
        return self.image_macs(input_shape)

    def encode(self, x):
        for block in self.blocks:
            x = block(x)  # [B, H', W', C'], downsampling to the last scale
        x = ops.reshape(x, (-1, math.prod(x.shape[1:])))  # [B, H' W' C']
        if self.hidden_units:
            x = ops.leaky_relu(self.hidden(x), LEAKY_SLOPE)  # [B, hidden]
        z = self.to_latents(x)  # [B, k * D]
        z = ops.reshape(z, (-1, self.model_config.num_styles, self.model_config.latent_dim))  # [B, k, D]
        return ops.cast(z, "float32")  # float32 at the boundary, whatever the precision

    def call(self, x):
        return self.encode(x)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.model_config.num_styles, self.model_config.latent_dim)

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "name": self.name,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy)}
