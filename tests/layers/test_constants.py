"""ears_tf/layers/constants.py: constants made once and kept out of files; the pinned image layout."""
import os

import numpy as np
import tensorflow as tf

import keras

from ears_tf import config, models
from ears_tf.layers import Blur2D
from ears_tf.layers.constants import state_weights
from tests.test_case import TestCase


class ConstantsTest(TestCase):
    def test_constants_are_weights_but_not_state(self):
        blur = Blur2D()
        blur.build((None, 6, 6, 3))
        self.assertLen(blur.non_trainable_weights, 1)
        self.assertEqual(state_weights(blur), [])
        # Neither a TensorFlow checkpoint nor a .keras file stores them.
        path = tf.train.Checkpoint(blur=blur).save(os.path.join(self.get_temp_dir(), "ckpt"))
        self.assertFalse([name for name, _ in tf.train.list_variables(path) if "blur_kernel" in name])
        model = keras.Sequential([keras.Input((6, 6, 3)), Blur2D()])
        keras_path = os.path.join(self.get_temp_dir(), "blur.keras")
        model.save(keras_path)
        x = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype(np.float32)
        self.assertAllClose(keras.saving.load_model(keras_path)(x), model(x))

    def test_the_layout_is_channels_last_whatever_keras_json_says(self):
        cfg = config.get_preset("smoke").model
        rng = np.random.default_rng(1)
        lr = rng.uniform(-1, 1, (4, cfg.lr_size, cfg.lr_size, 3)).astype(np.float32)
        wave = rng.normal(0, 0.1, (4, cfg.audio.num_samples)).astype(np.float32)
        hr = rng.uniform(-1, 1, (4, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)

        def outputs(weights=None):
            fused, d = models.SuperResolver(cfg, variant="f3_finetune"), models.Discriminator(cfg)
            fused.build()
            d.build((None, cfg.hr_size, cfg.hr_size, 3))
            if weights:
                fused.set_weights(weights[0])
                d.set_weights(weights[1])
            return (fused.get_weights(), d.get_weights()), (np.asarray(fused(lr, wave)), np.asarray(d(hr)))

        weights, expected = outputs()
        previous = keras.config.image_data_format()
        keras.config.set_image_data_format("channels_first")
        try:
            _, actual = outputs(weights)
        finally:
            keras.config.set_image_data_format(previous)
        for a, b in zip(actual, expected):
            self.assertAllClose(a, b, atol=1e-5)
