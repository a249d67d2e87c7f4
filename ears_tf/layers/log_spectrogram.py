"""`LogSpectrogram`: the authors' audio front end as the audio encoder's first layer.

The authors computed `tf.raw_ops.AudioSpectrogram(window_size=512, stride=248,
magnitude_squared=True)` (a periodic Hann window, no padding), `log(power + 1e-6)`,
min-max per example and `2x - 1`. Here the short-time Fourier transform is a gather
of frames and one matrix product with a fixed, windowed DFT basis. That uses only
ops every runtime has (no complex numbers, no FFT op), so the exported graphs for
TF Serving, TFLite and ONNX all take raw waveforms and all share this one layer.
"""
from __future__ import annotations

import numpy as np

import keras
from keras import ops

from ears_tf.config import AudioConfig
from ears_tf.layers.constants import ConstantsLayer

_DEFAULTS = AudioConfig()
# Denominator floor for the min-max step: silence (max == min) maps to -1, not NaN.
# 1e-4, not smaller: a float16 TFLite export stores it as float16, where 1e-12 is 0.
# Any audible signal spans several units of log power, far above it.
_MIN_RANGE = 1e-4


def windowed_dft_basis(frame_length: int) -> np.ndarray:
    """[frame_length, 2 * bins] float32: periodic-Hann-windowed cosines, then sines."""
    bins = frame_length // 2 + 1
    n = np.arange(frame_length)
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / frame_length)
    # Reduce n * k modulo the frame length before the cosine so float64 keeps every digit.
    phase = 2.0 * np.pi * ((n[:, None] * np.arange(bins)[None, :]) % frame_length) / frame_length
    basis = np.concatenate([np.cos(phase), -np.sin(phase)], axis=1) * window[:, None]
    return basis.astype(np.float32)


def frame_indices(num_samples: int, frame_length: int, frame_step: int) -> np.ndarray:
    """[frames, frame_length] int32 sample indices of each frame (no padding)."""
    frames = 1 + (num_samples - frame_length) // frame_step
    return (np.arange(frames)[:, None] * frame_step + np.arange(frame_length)[None, :]).astype(np.int32)


@keras.saving.register_keras_serializable(package="ears_tf")
class LogSpectrogram(ConstantsLayer):
    """[B, num_samples] waveform -> [B, frames, bins, 1] log power spectrogram in [-1, 1]."""

    def __init__(
        self,
        frame_length: int = _DEFAULTS.frame_length,
        frame_step: int = _DEFAULTS.frame_step,
        log_offset: float = _DEFAULTS.log_offset,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.frame_length = frame_length
        self.frame_step = frame_step
        self.log_offset = log_offset

    def build(self, input_shape):
        num_samples = input_shape[-1]
        if num_samples is None or num_samples < self.frame_length:
            raise ValueError(
                f"LogSpectrogram needs a static number of samples >= {self.frame_length}, got {input_shape}"
            )
        self.add_constant("frame_indices", frame_indices(num_samples, self.frame_length, self.frame_step))
        self.add_constant("dft_basis", windowed_dft_basis(self.frame_length))

    def call(self, waveform):
        bins = self.frame_length // 2 + 1
        frames = ops.take(waveform, self.frame_indices, axis=1)  # [B, T, frame_length]
        spectrum = ops.matmul(frames, self.dft_basis)  # [B, T, 2 * bins]
        power = ops.square(spectrum[..., :bins]) + ops.square(spectrum[..., bins:])  # [B, T, bins]
        log_power = ops.log(power + self.log_offset)
        low = ops.min(log_power, axis=(1, 2), keepdims=True)
        high = ops.max(log_power, axis=(1, 2), keepdims=True)
        unit = (log_power - low) / ops.maximum(high - low, _MIN_RANGE)
        return ops.expand_dims(2.0 * unit - 1.0, axis=-1)  # [B, T, bins, 1]

    def compute_output_shape(self, input_shape):
        frames = 1 + (input_shape[-1] - self.frame_length) // self.frame_step
        return (input_shape[0], frames, self.frame_length // 2 + 1, 1)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"frame_length": self.frame_length, "frame_step": self.frame_step, "log_offset": self.log_offset}
        )
        return config
