"""E_a: raw waveform [B, 64000] -> per-layer latents [B, k, D].

`LogSpectrogram` first (so exported graphs take waveforms), then a 4x4 stride-2
conv, then six scales of a 4x4 stride-1 conv and a 4x4 stride-2 conv into the next
scale's width; widths double from `ea_filters_base` to `ea_filters_max`; every conv
has a bias and no normalisation (257 -> 129 -> 65 -> ... -> 3); flatten; dense
`ea_dense` with leaky ReLU; dense k x D. At the paper preset: 402,613,120
trainable parameters.
"""
from __future__ import annotations

import math

import keras
from keras import ops

from ears_tf.config import ModelConfig
from ears_tf.layers import ConvBlock, LogSpectrogram
from ears_tf.layers.conv_block import LEAKY_SLOPE, he_init

NUM_SCALES = 6
KERNEL_SIZE = 4


@keras.saving.register_keras_serializable(package="ears_tf")
class AudioEncoder(keras.Model):
    def __init__(self, model_config, **kwargs):
        super().__init__(**kwargs)
        self.model_config = ModelConfig.coerce(model_config)

    def build(self, input_shape):
        cfg = self.model_config
        audio = cfg.audio
        widths = [min(cfg.ea_filters_base * 2 ** i, cfg.ea_filters_max) for i in range(NUM_SCALES)]
        self.spectrogram = LogSpectrogram(audio.frame_length, audio.frame_step, audio.log_offset, name="log_spectrogram")
        self.blocks = [ConvBlock(cfg.ea_filters_base, KERNEL_SIZE, strides=2, name="stem")]
        for i, width in enumerate(widths):
            self.blocks.append(ConvBlock(width, KERNEL_SIZE, name=f"scale{i}_conv"))
            self.blocks.append(ConvBlock(widths[min(i + 1, NUM_SCALES - 1)], KERNEL_SIZE, strides=2, name=f"scale{i}_down"))
        self.hidden = keras.layers.Dense(cfg.ea_dense, kernel_initializer=he_init(), name="hidden")
        self.to_latents = keras.layers.Dense(cfg.code_size, name="to_latents")
        self.spectrogram.build(input_shape)
        shape = self.spectrogram.compute_output_shape(input_shape)
        for block in self.blocks:
            block.build(shape)
            shape = block.compute_output_shape(shape)
        self.hidden.build((shape[0], math.prod(shape[1:])))
        self.to_latents.build((shape[0], cfg.ea_dense))

    def call(self, waveform):
        x = self.spectrogram(waveform)  # [B, 257, 257, 1]
        for block in self.blocks:
            x = block(x)  # [B, 129, 129, C] down to [B, 3, 3, ea_filters_max]
        x = ops.reshape(x, (ops.shape(x)[0], -1))  # [B, 9 * C]
        x = ops.leaky_relu(self.hidden(x), LEAKY_SLOPE)  # [B, ea_dense]
        z = self.to_latents(x)  # [B, k * D]
        return ops.reshape(z, (-1, self.model_config.num_styles, self.model_config.latent_dim))  # [B, k, D]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.model_config.num_styles, self.model_config.latent_dim)

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "name": self.name}
