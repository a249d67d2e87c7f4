"""The JAX backend: `jax.jit` over Keras' stateless calls, and `jax.grad`.

A training step here is a pure function of arrays: the Keras variables a computation reads
are mapped to values (`stateless`), the values it assigns come back out, and gradients are
taken with respect to some of those values (`value_and_grad`).
"""
from __future__ import annotations

import jax

import keras


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


def compiled_function(fn):
    """fn itself, run eagerly: a `jax.jit` of it would bake the variables it reads into the
    compiled function as constants, and a later call would see stale weights. (The training
    step passes them as arguments instead.)"""
    return fn


def jit_step(fn, output_sharding=None):
    """`jax.jit` of a step `(state, batch) -> (state, metrics)` that donates its state's buffers.
    With `output_sharding` (several devices), every output is laid out so: the runtime passes
    a replicated layout, so that each process holds a whole copy of the state it saves."""
    if output_sharding is None:
        return jax.jit(fn, donate_argnums=(0,))
    return jax.jit(fn, donate_argnums=(0,), out_shardings=output_sharding)


def input_gradient(fn, x):
    """d fn(x) / dx for a scalar-valued fn."""
    return jax.grad(fn)(jax.numpy.asarray(x))


def value_and_input_gradient(fn, x):
    """(aux, d value / dx) for fn(x) = (scalar value, aux); differentiable again by an outer transform."""
    (_, aux), gradient = jax.value_and_grad(fn, has_aux=True)(jax.numpy.asarray(x))
    return aux, gradient


def require_no_loss_scaling(*optimizers) -> None:
    """Float16's dynamic loss scaling is TensorFlow's path; a JAX step takes plain optimizers."""
    if any(isinstance(o, keras.optimizers.LossScaleOptimizer) for o in optimizers):
        raise ValueError("under JAX, use --precision=mixed_bfloat16 or float32 (float16 loss scaling is "
                         "TensorFlow's path)")


def stateless(fn, variables: list, values: list):
    """(fn()'s result, the values of `variables` after it) with each variable read as its value:
    what fn assigns (seed generators' states, running averages) comes back instead of changing
    the variable."""
    with keras.StatelessScope(state_mapping=list(zip(variables, values))) as scope:
        result = fn()
    after = [scope.get_current_value(variable) for variable in variables]
    return result, [value if new is None else new for new, value in zip(after, values)]


def value_and_grad(fn, trainable: list, state: list):
    """For fn() = (scalar loss, aux) over Keras variables, the function
    (trainable values, state values) -> ((loss, (aux, state values after fn)), d loss / d trainable values)."""
    def loss(trainable_values, state_values):
        (value, aux), after = stateless(fn, trainable + state, list(trainable_values) + list(state_values))
        return value, (aux, after[len(trainable):])

    return jax.value_and_grad(loss, has_aux=True)
