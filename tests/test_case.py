"""The shared harness every custom layer and model goes through (keras-hub style).

`run_layer_test` checks: the config round trip, eager and symbolic calls with the
expected output shape, the weight counts, one training step (or, for a layer with
no weights, finite non-zero gradients to its input), and a `.keras` save/load
whose outputs match.
"""
import os

import numpy as np
import tensorflow as tf

import keras


def count_params(weights) -> int:
    """Number of scalars in a list of weights (for the paper-preset parameter counts)."""
    return sum(int(np.prod(w.shape)) for w in weights)


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

        # Eager call.
        output = layer(*inputs, **call_kwargs)
        self.assertEqual(tuple(output.shape), tuple(expected_output_shape))
        self.assertLen(layer.trainable_weights, expected_num_trainable_weights)
        self.assertLen(layer.non_trainable_weights, expected_num_non_trainable_weights)

        # Symbolic call with an unknown batch size.
        symbolic_inputs = [keras.Input(shape=tuple(x.shape[1:]), dtype=x.dtype) for x in inputs]
        symbolic_output = cls(**init_kwargs)(*symbolic_inputs, **call_kwargs)
        self.assertEqual(tuple(symbolic_output.shape[1:]), tuple(expected_output_shape[1:]))

        model = keras.Model(symbolic_inputs if len(inputs) > 1 else symbolic_inputs[0], symbolic_output)
        model_input = list(inputs) if len(inputs) > 1 else inputs[0]
        # One training step, or gradients to the input for a weightless layer.
        if expected_num_trainable_weights:
            before = [w.numpy().copy() for w in model.trainable_weights]
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
            # A target unlike any input, so even a near-identity layer has a non-zero loss.
            target = np.random.default_rng(12345).normal(1.0, 1.0, size=expected_output_shape)
            model.train_on_batch(model_input, target)
            changed = [not np.allclose(b, w.numpy()) for b, w in zip(before, model.trainable_weights)]
            self.assertTrue(any(changed), "a training step changed no weight")
        else:
            x = tf.convert_to_tensor(inputs[0])
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = model(x)
                target = tf.reduce_sum(y * tf.random.stateless_normal(tf.shape(y), [1, 2]))
            grad = tape.gradient(target, x)
            self.assertIsNotNone(grad)
            self.assertTrue(np.all(np.isfinite(grad.numpy())))
            self.assertGreater(float(tf.reduce_max(tf.abs(grad))), 0.0)

        # Saved and reloaded, the model computes the same thing.
        path = os.path.join(self.get_temp_dir(), "model.keras")
        model.save(path)
        reloaded = keras.saving.load_model(path)
        self.assertAllClose(model(model_input), reloaded(model_input), atol=1e-6)
        return output
