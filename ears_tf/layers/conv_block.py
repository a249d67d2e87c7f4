"""The encoders' unit: conv -> (bias or instance norm) -> leaky ReLU (the authors' networks.py).

A conv carries a bias only where no normalisation follows it; the instance norm has
a learned scale and offset and epsilon 1e-6 (`GroupNormalization(groups=-1)`).
"""
import keras
from keras import ops

from ears_tf.layers.constants import DATA_FORMAT, child_options
from ears_tf.layers.patch_conv import CONV_ROUTES, conv_as_matmul, uses_matmul

INSTANCE_NORM_EPSILON = 1e-6
LEAKY_SLOPE = 0.2


def he_init() -> keras.initializers.Initializer:
    """He initialisation for a leaky ReLU: keeps the activations' scale through depth.

    Keras' default (Glorot) shrinks it by about half a unit of variance per conv + leaky
    ReLU; through E_a's 13 unnormalised convs the output barely depended on its input
    at initialisation (std 5e-5 across examples) and regression training collapsed to
    a constant code.
    """
    return keras.initializers.VarianceScaling(2.0 / (1.0 + LEAKY_SLOPE ** 2), mode="fan_in",
                                              distribution="truncated_normal")


@keras.saving.register_keras_serializable(package="ears_tf")
class ConvBlock(keras.layers.Layer):
    """[B, H, W, C] -> [B, ceil(H / strides), ceil(W / strides), filters], SAME padding."""

    """`conv_route`: "auto" computes the conv as one matmul where that is faster (`patch_conv`),
    "direct" always as a convolution (what TFLite's int8 kernels favour)."""

    def __init__(self, filters: int, kernel_size: int, strides: int = 1, normalize: bool = False,
                 conv_route: str = "auto", **kwargs):
        super().__init__(**kwargs)
        if conv_route not in CONV_ROUTES:
            raise ValueError(f"conv_route must be one of {', '.join(CONV_ROUTES)}, got {conv_route!r}")
        self.conv_route = conv_route
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.normalize = normalize

    def build(self, input_shape):
        self.conv = keras.layers.Conv2D(
            self.filters, self.kernel_size, strides=self.strides, padding="same", use_bias=not self.normalize,
            kernel_initializer=he_init(), data_format=DATA_FORMAT, name="conv", **child_options(self),
        )
        self.conv.build(input_shape)
        # Small deep maps: see patch_conv.
        self.as_matmul = self.conv_route == "auto" and uses_matmul(input_shape, self.conv.kernel.shape)
        if self.normalize:
            self.norm = keras.layers.GroupNormalization(groups=-1, epsilon=INSTANCE_NORM_EPSILON, axis=-1,
                                                        name="instance_norm", **child_options(self))
            self.norm.build(self.conv.compute_output_shape(input_shape))

    def call(self, x):
        if self.as_matmul:
            x = conv_as_matmul(x, self.conv.kernel, self.strides)
            if self.conv.use_bias:
                x = x + self.conv.bias
        else:
            x = self.conv(x)
        if self.normalize:
            x = self.norm(x)
        return ops.leaky_relu(x, LEAKY_SLOPE)

    def compute_output_shape(self, input_shape):
        return self.conv.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "normalize": self.normalize, "conv_route": self.conv_route,
        })
        return config
