"""Custom Keras layers, each registered under the `ears_tf` package."""
from ears_tf.layers.authors_downsample import AuthorsDownsample16x
from ears_tf.layers.bias import Bias
from ears_tf.layers.blur import Blur2D
from ears_tf.layers.constant_input import ConstantInput
from ears_tf.layers.conv_block import ConvBlock
from ears_tf.layers.bicubic_downsample import BicubicDownsample16x
from ears_tf.layers.downscale import Downscale2D, FusedConvDownscale2D
from ears_tf.layers.equalized import EqualizedConv2D, EqualizedDense
from ears_tf.layers.instance_norm import InstanceNorm
from ears_tf.layers.log_spectrogram import LogSpectrogram
from ears_tf.layers.minibatch_stddev import MinibatchStddev
from ears_tf.layers.noise import NoiseInjection
from ears_tf.layers.pixel_norm import PixelNorm
from ears_tf.layers.style_mod import StyleMod
from ears_tf.layers.upscale import FusedUpscaleConv2D, Upscale2D

__all__ = [
    "AuthorsDownsample16x", "Bias", "Blur2D", "ConstantInput", "ConvBlock", "BicubicDownsample16x", "Downscale2D", "EqualizedConv2D", "EqualizedDense",
    "FusedConvDownscale2D", "FusedUpscaleConv2D", "InstanceNorm", "LogSpectrogram", "MinibatchStddev",
    "NoiseInjection", "PixelNorm", "StyleMod", "Upscale2D",
]
