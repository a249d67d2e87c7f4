"""The TensorFlow backend: `tf.function` and `tf.GradientTape`."""
from __future__ import annotations

import tensorflow as tf


def compiled_call(layer, *inputs, jit_compile: bool = False, **call_kwargs):
    """layer(*inputs, **call_kwargs) traced by `tf.function` (and XLA with `jit_compile`).

    Variables update in place, as in an eager call.
    """
    return tf.function(lambda *xs: layer(*xs, **call_kwargs), jit_compile=jit_compile)(*inputs)


def compiled_function(fn):
    """fn traced by `tf.function`: it reads the variables' current values on every call."""
    return tf.function(fn)


def input_gradient(fn, x):
    """d fn(x) / dx for a scalar-valued fn."""
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = fn(x)
    return tape.gradient(value, x)


def value_and_input_gradient(fn, x):
    """(aux, d value / dx) for fn(x) = (scalar value, aux). Inside an outer tape the gradient is
    itself recorded, so a loss on it (R1) can be differentiated again."""
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value, aux = fn(x)
    return aux, tape.gradient(value, x)
