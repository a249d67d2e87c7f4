import os

import numpy as np

import keras

from ears_tf import config, models
from tests.test_case import TestCase


class DiscriminatorTest(TestCase):
    def test_paper_count_matches_stylegan_d_basic_at_128(self):
        d = models.Discriminator(config.get_preset("paper").model)
        d(np.zeros((4, 128, 128, 3), np.float32))
        # fromRGB, 5 blocks (fused downscale at 128), mbstd + conv + two dense at 4x4.
        self.assertEqual(sum(int(np.prod(w.shape)) for w in d.trainable_weights), 22_932_097)

    def test_contract(self):
        cfg = config.get_preset("smoke").model
        x = np.random.default_rng(2).normal(size=(4, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
        # fromRGB, 3 blocks x (conv kernel and bias, conv_down kernel, bias), conv4x4, 2 dense:
        # 2 + 12 + 2 + 4 = 20; the 3 blur kernels are constants.
        self.run_layer_test(models.Discriminator, {"model_config": cfg.to_dict()}, x, (4, 1), 20, 3)

    def test_shapes_save_load_and_a_train_step(self):
        cfg = config.get_preset("smoke").model
        d = models.Discriminator(cfg)
        x = np.random.default_rng(0).normal(size=(4, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
        out = d(x)
        self.assertEqual(tuple(out.shape), (4, 1))
        path = os.path.join(self.get_temp_dir(), "d.keras")
        d.save(path)
        self.assertAllClose(keras.saving.load_model(path)(x), out, atol=1e-6)
        d.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
        before = d.dense1.kernel.numpy().copy()
        d.train_on_batch(x, np.ones((4, 1)))
        self.assertGreater(float(np.abs(d.dense1.kernel.numpy() - before).max()), 0.0)

    def test_features_are_the_block_outputs(self):
        cfg = config.get_preset("smoke").model
        d = models.Discriminator(cfg)
        x = np.random.default_rng(1).normal(size=(4, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
        maps = d.features(x)
        self.assertEqual([m.shape[1] for m in maps], [16, 8, 4])
        self.assertEqual([m.shape[-1] for m in maps], [cfg.fmaps(3), cfg.fmaps(2), cfg.fmaps(1)])
