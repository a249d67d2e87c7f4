"""Custom Keras layers, each registered under the `ears_tf` package."""
from ears_tf.layers.downsample import Downsample16x
from ears_tf.layers.log_spectrogram import LogSpectrogram

__all__ = ["Downsample16x", "LogSpectrogram"]
