"""What differs per Keras backend: the compiled call and the gradient to an input.

One module per backend (`tensorflow.py`, `jax.py`) with the same functions; `current()`
is the running backend's. Layers, models and losses use `keras.ops` only, and nothing
outside this package imports a backend by name for them.
"""
from __future__ import annotations

import importlib

import keras

SUPPORTED = ("tensorflow", "jax")


def current():
    """The module of the running Keras backend."""
    name = keras.backend.backend()
    if name not in SUPPORTED:
        raise RuntimeError(f"ears_tf runs on the Keras backends {', '.join(SUPPORTED)}; this one is {name!r}")
    return importlib.import_module(f"ears_tf.backends.{name}")
