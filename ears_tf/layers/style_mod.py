"""StyleMod (AdaIN): per-channel scale and shift of normalised features from a style w."""
import keras
from keras import ops

from ears_tf.layers.constants import child_options
from ears_tf.layers.equalized import EqualizedDense


@keras.saving.register_keras_serializable(package="ears_tf")
class StyleMod(keras.layers.Layer):
    """call(x [B, H, W, C], w [B, D]) -> x * (1 + scale(w)) + shift(w)."""

    def build(self, x_shape, w_shape):
        self.affine = EqualizedDense(2 * x_shape[-1], gain=1.0, name="affine", **child_options(self))
        self.affine.build(w_shape)

    def call(self, x, w):
        style = self.affine(w)  # [B, 2C]
        scale, shift = ops.split(style[:, None, None, :], 2, axis=-1)  # [B, 1, 1, C] each
        return x * (scale + 1.0) + shift

    def compute_output_shape(self, x_shape, w_shape):
        return x_shape
