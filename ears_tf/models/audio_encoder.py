"""E_a: raw waveform [B, 64000] -> per-layer latents [B, k, D].

`LogSpectrogram` first (so exported graphs take waveforms), then a 4x4 stride-2
conv, then six scales of a 4x4 stride-1 conv and a 4x4 stride-2 conv into the next
scale's width; widths double from `ea_filters_base` to `ea_filters_max`; every conv
has a bias and no normalisation (257 -> 129 -> 65 -> ... -> 3); flatten; dense
`ea_dense` with leaky ReLU; dense k x D. At the paper preset: 402,613,120
trainable parameters.
"""
from __future__ import annotations

import keras

from ears_tf.layers import ConvBlock, LogSpectrogram
from ears_tf.layers.constants import child_options
from ears_tf.models.conv_encoder import ConvEncoder

NUM_SCALES = 6
KERNEL_SIZE = 4


@keras.saving.register_keras_serializable(package="ears_tf")
class AudioEncoder(ConvEncoder):
    hidden_units_field = "ea_dense"

    def build(self, input_shape):
        audio = self.model_config.audio
        self.spectrogram = LogSpectrogram(audio.frame_length, audio.frame_step, audio.log_offset,
                                          name="log_spectrogram", dtype="float32")  # the STFT stays float32
        self.spectrogram.build(input_shape)
        self.build_encoder(self.spectrogram.compute_output_shape(input_shape))

    def make_blocks(self, input_shape):
        cfg = self.model_config
        options = {"conv_route": cfg.conv_route, **child_options(self)}
        widths = [min(cfg.ea_filters_base * 2 ** i, cfg.ea_filters_max) for i in range(NUM_SCALES)]
        blocks = [ConvBlock(cfg.ea_filters_base, KERNEL_SIZE, strides=2, name="stem", **options)]
        for i, width in enumerate(widths):
            blocks.append(ConvBlock(width, KERNEL_SIZE, name=f"scale{i}_conv", **options))
            blocks.append(ConvBlock(widths[min(i + 1, NUM_SCALES - 1)], KERNEL_SIZE, strides=2, name=f"scale{i}_down", **options))
        return blocks

    def forward_macs(self, input_shape) -> int:
        audio = self.model_config.audio
        frames = 1 + (input_shape[-1] - audio.frame_length) // audio.frame_step
        bins = audio.frame_length // 2 + 1
        stft = frames * audio.frame_length * 2 * bins  # frames times the windowed DFT basis
        return stft + self.image_macs((input_shape[0], frames, bins, 1))

    def call(self, waveform):
        return self.encode(self.spectrogram(waveform))  # spectrogram [B, 257, 257, 1]
