"""The shared harness every custom layer and model goes through (keras-hub style).

`run_layer_test` checks, on the running Keras backend (TensorFlow, or JAX through
`tests/backends/test_harness_on_jax.py`): the config round trip; `build()` alone creates
every weight; eager, compiled (`tf.function` / `jax.jit`) and symbolic calls with the
expected output shape; one training step (or, for a layer with no weights, finite non-zero
gradients to its input); a `.keras` save/load whose outputs match; and the same layer in
`mixed_bfloat16`, whose dtype policy survives the config and the file.
"""
import os

import numpy as np
import tensorflow as tf

import keras
from keras import ops

from ears_tf import backends
from ears_tf.layers import LogSpectrogram


def count_params(weights) -> int:
    """Number of scalars in a list of weights (for the paper-preset parameter counts)."""
    return sum(int(np.prod(w.shape)) for w in weights)


def as_numpy(x) -> np.ndarray:
    return np.asarray(ops.convert_to_numpy(ops.cast(x, "float32")))


class TestCase(tf.test.TestCase):
    def run_layer_test(
        self,
        cls,
        init_kwargs: dict,
        input_data,
        expected_output_shape,
        expected_num_trainable_weights: int = 0,
        expected_num_non_trainable_weights: int = 0,
        call_kwargs: dict | None = None,
    ):
        """`input_data` is one array, or a tuple of arrays for a layer with several inputs."""
        call_kwargs = call_kwargs or {}
        inputs = input_data if isinstance(input_data, tuple) else (input_data,)
        layer = cls(**init_kwargs)

        # Config round trip: get_config returns exactly what rebuilds the layer.
        config = layer.get_config()
        for name, value in init_kwargs.items():
            self.assertEqual(config[name], value, f"get_config()[{name!r}]")
        rebuilt = cls.from_config(config)
        self.assertEqual(rebuilt.get_config(), config)

        # build() alone creates every weight (stateless_call and optimizer.build need them).
        built = cls(**init_kwargs)
        built.build(*[tuple(x.shape) for x in inputs])
        self.assertLen(built.trainable_weights, expected_num_trainable_weights)
        self.assertLen(built.non_trainable_weights, expected_num_non_trainable_weights)

        # Eager call.
        output = layer(*inputs, **call_kwargs)
        self.assertEqual(tuple(output.shape), tuple(expected_output_shape))
        self.assertLen(layer.trainable_weights, expected_num_trainable_weights)
        self.assertLen(layer.non_trainable_weights, expected_num_non_trainable_weights)

        # Compiled call: tf.function or jax.jit (stateless), the same numbers.
        compiled = backends.current().compiled_call(layer, *inputs, **call_kwargs)
        self.assertEqual(tuple(compiled.shape), tuple(expected_output_shape))
        if call_kwargs.get("noise_mode", "off") != "random":
            # XLA and the eager kernels order their sums differently: 1e-4 of the output's range.
            scale = max(1.0, float(np.max(np.abs(as_numpy(output)))))
            self.assertAllClose(as_numpy(compiled), as_numpy(output), atol=1e-4 * scale, rtol=0)

        # Symbolic call with an unknown batch size.
        symbolic_inputs = [keras.Input(shape=tuple(x.shape[1:]), dtype=x.dtype) for x in inputs]
        symbolic_output = cls(**init_kwargs)(*symbolic_inputs, **call_kwargs)
        self.assertEqual(tuple(symbolic_output.shape[1:]), tuple(expected_output_shape[1:]))

        model = keras.Model(symbolic_inputs if len(inputs) > 1 else symbolic_inputs[0], symbolic_output)
        model_input = list(inputs) if len(inputs) > 1 else inputs[0]
        # One training step, or gradients to the input for a weightless layer.
        if expected_num_trainable_weights:
            before = [as_numpy(w) for w in model.trainable_weights]
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
            # A target unlike any input, so even a near-identity layer has a non-zero loss.
            target = np.random.default_rng(12345).normal(1.0, 1.0, size=expected_output_shape)
            model.train_on_batch(model_input, target)
            changed = [not np.allclose(b, as_numpy(w)) for b, w in zip(before, model.trainable_weights)]
            self.assertTrue(any(changed), "a training step changed no weight")
        else:
            weights = np.random.default_rng(1).normal(size=expected_output_shape).astype(np.float32)
            grad = backends.current().input_gradient(lambda x: ops.sum(model(x) * weights), inputs[0])
            grad = as_numpy(grad)
            self.assertTrue(np.all(np.isfinite(grad)))
            self.assertGreater(float(np.max(np.abs(grad))), 0.0)

        # Saved and reloaded, the model computes the same thing.
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        reloaded = keras.saving.load_model(path)
        self.assertAllClose(as_numpy(model(model_input)), as_numpy(reloaded(model_input)), atol=1e-6)

        self._check_mixed_bfloat16(cls, init_kwargs, inputs, call_kwargs)
        return output

    def _check_mixed_bfloat16(self, cls, init_kwargs, inputs, call_kwargs):
        """The layer in mixed_bfloat16: float32 weights, bfloat16 compute, and the policy kept
        by get_config and by a .keras file."""
        layer = cls(**init_kwargs, dtype="mixed_bfloat16")
        output = layer(*inputs, **call_kwargs)
        # A layer hands out its compute dtype; G, the encoders and F cast to float32 at their boundary.
        if not isinstance(layer, keras.Model):
            self.assertEqual(keras.backend.standardize_dtype(output.dtype), "bfloat16")
        # Every sublayer computes in bfloat16 too, but the spectrogram, pinned to float32.
        for sublayer in layer._flatten_layers(include_self=True):
            if not isinstance(sublayer, LogSpectrogram):
                self.assertEqual(sublayer.compute_dtype, "bfloat16", sublayer.path)
        self.assertTrue(all(keras.backend.standardize_dtype(w.dtype) in ("float32", "int32") for w in layer.weights))
        self.assertTrue(np.all(np.isfinite(as_numpy(output))))
        rebuilt = cls.from_config(layer.get_config())
        self.assertEqual(rebuilt.dtype_policy.name, "mixed_bfloat16")
        symbolic_inputs = [keras.Input(shape=tuple(x.shape[1:]), dtype=x.dtype) for x in inputs]
        symbolic_output = layer(*symbolic_inputs, **call_kwargs)
        model = keras.Model(symbolic_inputs if len(inputs) > 1 else symbolic_inputs[0], symbolic_output)
        path = os.path.join(self.get_temp_dir(), "mixed.keras")
        model.save(path)
        reloaded = keras.saving.load_model(path)
        self.assertEqual(reloaded.layers[-1].dtype_policy.name, "mixed_bfloat16")
