"""`BicubicDownsample16x`: the differentiable D of the paper's eq. 2 and 4.

Clean antialiased bicubic on float images, so gradients flow through it. The training
data's LR frames come from `data.image.make_lr_image` instead, which also reproduces the
authors' 8-bit mode; the two agree in `clean` mode (tests/layers/test_bicubic_downsample.py)."""
from __future__ import annotations

import keras
from keras import ops

from ears_tf import resampling
from ears_tf.config import SR_FACTOR
from ears_tf.layers.constants import ConstantsLayer


def bicubic_resize(images, out_height: int, out_width: int):
    """Antialiased bicubic resize of float NHWC images as two matrix products.

    The same coefficients as Pillow's bicubic filter, without its 8-bit rounding;
    linear in `images`, so gradients flow through it.
    """
    in_height, in_width = images.shape[1], images.shape[2]
    rows = ops.convert_to_tensor(resampling.bicubic_matrix(in_height, out_height), dtype=images.dtype)
    cols = ops.convert_to_tensor(resampling.bicubic_matrix(in_width, out_width), dtype=images.dtype)
    return resize_with(images, rows, cols)


def resize_with(images, rows, cols):
    """images [B, H, W, C] -> rows [h, H] @ images @ cols [w, W]^T: [B, h, w, C]."""
    images = ops.einsum("bhwc,ow->bhoc", images, cols)  # [B, H, w, C]
    return ops.einsum("bhwc,oh->bowc", images, rows)  # [B, h, w, C]


@keras.saving.register_keras_serializable(package="ears_tf")
class BicubicDownsample16x(ConstantsLayer):
    """[B, H, W, C] -> [B, H/16, W/16, C] with antialiased bicubic filtering (`clean` mode)."""

    def __init__(self, factor: int = SR_FACTOR, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        height, width = input_shape[1], input_shape[2]
        if height is None or width is None or height % self.factor or width % self.factor:
            raise ValueError(
                f"{type(self).__name__} needs static spatial sizes divisible by {self.factor}, got {input_shape}"
            )
        self.add_constant("rows", self.matrix(height, height // self.factor).astype("float32"))
        self.add_constant("cols", self.matrix(width, width // self.factor).astype("float32"))

    def matrix(self, in_size: int, out_size: int):
        """The [out, in] resampling matrix of one axis."""
        return resampling.bicubic_matrix(in_size, out_size)

    def call(self, images):
        return resize_with(images, self.rows, self.cols)

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (batch, height // self.factor, width // self.factor, channels)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config
