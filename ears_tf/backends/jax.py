"""The JAX backend: `jax.jit` over Keras' `stateless_call`, and `jax.grad`."""
from __future__ import annotations

import jax


def compiled_call(layer, *inputs, jit_compile: bool = True, **call_kwargs):
    """layer(*inputs, **call_kwargs) under `jax.jit` (always compiled: `jit_compile` is TF's choice).

    The call is stateless: the layer's non-trainable state that it changes (the noise
    layers' seed generators) comes back from the compiled function and is assigned after it.
    """
    del jit_compile

    @jax.jit
    def run(trainable, non_trainable, *xs):
        return layer.stateless_call(trainable, non_trainable, *xs, **call_kwargs)

    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]
    outputs, non_trainable = run(trainable, non_trainable, *inputs)
    for variable, value in zip(layer.non_trainable_variables, non_trainable):
        variable.assign(value)
    return outputs


def input_gradient(fn, x):
    """d fn(x) / dx for a scalar-valued fn."""
    return jax.grad(fn)(jax.numpy.asarray(x))
