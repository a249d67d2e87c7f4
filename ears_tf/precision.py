"""Numeric precision of the models: `--precision=float32|mixed_bfloat16|mixed_float16` for
training, inference and the benchmarks.

In `mixed_bfloat16` weights stay float32 and layers compute in bfloat16 (Keras' dtype
policies). What must stay float32 does: the spectrogram (`AudioEncoder` pins its
`LogSpectrogram` to float32), the losses and the R1 penalty (`ears_tf.losses` casts its
inputs), and each model's output at its boundary (images and codes). A model's `get_config`
carries its policy, so a saved mixed-precision model loads as one. `mixed_float16` adds
dynamic loss scaling to the training steps' optimizers (`loss_scaled`): float16's range is
too narrow for small gradients, bfloat16's is float32's.
"""
from __future__ import annotations

PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")


def apply(precision: str) -> str:
    """Makes `precision` the policy of every model created from now on; returns it."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    import keras  # here, so that the command lines can read their flags before the backend loads

    keras.config.set_dtype_policy(precision)
    return precision


def loss_scaled(optimizer):
    """`optimizer`, wrapped in Keras' dynamic loss scaling when the models compute in float16.

    Steps call `optimizer.scale_loss(loss)` inside their gradient tape, whatever the precision:
    without the wrapper it returns the loss unchanged.
    """
    import keras

    if keras.config.dtype_policy().name == "mixed_float16":
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer

