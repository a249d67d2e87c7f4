"""Batch sizes as Python ints wherever the backend knows them.

JAX and a TensorFlow trace with a fixed batch know every shape, and a reshape to Python
ints compiles under `jax.jit`. Only TensorFlow graphs with an unknown batch (the exported
serving signatures) need the batch as a tensor.
"""
from keras import ops


def batch_size(x):
    """x's leading dimension: an int when static, else a scalar tensor."""
    return x.shape[0] if x.shape[0] is not None else ops.shape(x)[0]
