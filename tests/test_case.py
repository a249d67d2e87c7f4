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


class TestCase(tf.test.TestCase):
    def run_layer_test(
        self,
        cls,
        init_kwargs: dict,
        input_data,
        expected_output_shape,
        expected_num_trainable_weights: int = 0,
        expected_num_non_trainable_weights: int = 0,
    ):
        layer = cls(**init_kwargs)

        # Config round trip: get_config returns exactly what rebuilds the layer.
        config = layer.get_config()
        for name, value in init_kwargs.items():
            self.assertEqual(config[name], value, f"get_config()[{name!r}]")
        rebuilt = cls.from_config(config)
        self.assertEqual(rebuilt.get_config(), config)

        # Eager call.
        output = layer(input_data)
        self.assertEqual(tuple(output.shape), tuple(expected_output_shape))
        self.assertLen(layer.trainable_weights, expected_num_trainable_weights)
        self.assertLen(layer.non_trainable_weights, expected_num_non_trainable_weights)

        # Symbolic call with an unknown batch size.
        symbolic_input = keras.Input(shape=tuple(input_data.shape[1:]), dtype=input_data.dtype)
        symbolic_output = cls(**init_kwargs)(symbolic_input)
        self.assertEqual(tuple(symbolic_output.shape[1:]), tuple(expected_output_shape[1:]))

        model = keras.Model(symbolic_input, symbolic_output)
        # One training step, or gradients to the input for a weightless layer.
        if expected_num_trainable_weights:
            before = [w.numpy().copy() for w in model.trainable_weights]
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
            model.train_on_batch(input_data, np.random.default_rng(0).normal(size=expected_output_shape))
            changed = [not np.allclose(b, w.numpy()) for b, w in zip(before, model.trainable_weights)]
            self.assertTrue(any(changed), "a training step changed no weight")
        else:
            x = tf.convert_to_tensor(input_data)
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
        self.assertAllClose(model(input_data), reloaded(input_data), atol=1e-6)
        return output
