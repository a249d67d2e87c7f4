"""Fixed tensors a layer computes from its configuration (filter taps, resampling matrices,
a DFT basis), held as non-trainable weights made once in `build`.

As weights they are made outside any trace (TensorFlow's `tf.function` or `jax.jit`), read
as constants by eager calls, traced once as inputs by `stateless_call`, and cast to the
compute dtype with the rest of a mixed-precision layer. They are not state: they are left
out of `.keras` files and of TensorFlow checkpoints (both rebuild them from the config), so
files written before they existed load and resume unchanged.
"""
from __future__ import annotations

import numpy as np

import keras

# Keras' image layout for every convolution and pooling here, whatever `keras.json` says:
# the weights, the exported signatures and the authors' checkpoints are all NHWC.
DATA_FORMAT = "channels_last"


def child_options(layer: keras.layers.Layer) -> dict:
    """Keyword arguments for the sublayers `layer` creates: its dtype policy, so a
    mixed-precision model's parts compute in its precision whatever the global policy."""
    return {"dtype": layer.dtype_policy}


def without_constants(model, variables: list) -> list:
    """`variables` of `model` but its constants (which `build` remakes from the config)."""
    constants = {id(w) for layer in model._flatten_layers(include_self=True) if isinstance(layer, ConstantsLayer)
                 for w in layer.weights}
    return [v for v in variables if id(v) not in constants]


def state_weights(model) -> list:
    """`model.weights` but the constants: the weights a file or a converter must supply."""
    return without_constants(model, model.weights)


def image_options(layer: keras.layers.Layer) -> dict:
    """`child_options` and the pinned layout, for Keras' own convolution and pooling layers."""
    return {"data_format": DATA_FORMAT, **child_options(layer)}


class ConstantsLayer(keras.layers.Layer):
    """A layer whose only weights are constants added with `add_constant`."""

    def add_constant(self, name: str, value: np.ndarray):
        value = np.asarray(value)
        weight = self.add_weight(
            name=name, shape=value.shape, dtype=str(value.dtype), trainable=False,
            initializer=lambda shape, dtype: keras.ops.convert_to_tensor(value, dtype),
        )
        # Bypass attribute tracking so that TensorFlow checkpoints do not list it.
        object.__setattr__(self, name, weight)
        return weight

    def save_own_variables(self, store):
        pass  # nothing but constants, rebuilt by `build`

    def load_own_variables(self, store):
        pass
