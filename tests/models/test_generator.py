import os

import numpy as np

import keras

from ears_tf import config, models
from tests.test_case import TestCase, count_params


class GeneratorTest(TestCase):
    def setUp(self):
        super().setUp()
        self.cfg = config.get_preset("smoke").model
        self.z = np.random.default_rng(0).normal(size=(2, self.cfg.num_styles, self.cfg.latent_dim)).astype(np.float32)

    def test_contract(self):
        # Trainable: mapping 2 x 2, const, conv4x4, 8 epilogues x 4 (noise strength, bias,
        # style kernel and bias), 3 blocks x 2 convs, toRGB kernel and bias: 46.
        # Non-trainable weights: w_avg, 8 constant noise images, 3 blur kernels: 12 (the noise
        # layers' seed states are variables too, not weights).
        self.run_layer_test(models.Generator, {"model_config": self.cfg.to_dict()}, self.z,
                            (2, self.cfg.hr_size, self.cfg.hr_size, 3), 46, 12, call_kwargs={"noise_mode": "const"})

    def test_paper_counts_equal_the_authors_g_style_at_128(self):
        g = models.Generator(config.get_preset("paper").model)
        g(np.zeros((1, 512), np.float32), noise_mode="off")
        self.assertEqual(count_params(g.mapping.trainable_weights), 2_101_248)
        self.assertEqual(count_params(g.synthesis.trainable_weights), 23_735_683)

    def test_per_layer_and_plain_latents(self):
        g = models.Generator(self.cfg)
        hr = self.cfg.hr_size
        self.assertEqual(tuple(g(self.z).shape), (2, hr, hr, 3))
        plain = g(self.z[:, 0], noise_mode="off")
        repeated = g(np.repeat(self.z[:, :1], self.cfg.num_styles, axis=1), noise_mode="off")
        self.assertAllClose(plain, repeated, atol=1e-5)

    def test_layer_outputs_lead_to_the_image(self):
        g = models.Generator(self.cfg)
        g(self.z, noise_mode="off")
        w = g.map(self.z)
        outputs = g.synthesis.layer_outputs(w, noise_mode="off")
        self.assertEqual(len(outputs), self.cfg.num_styles)
        sizes = [4, 4] + [2 ** (i // 2 + 2) for i in range(2, self.cfg.num_styles)]
        self.assertEqual([o.shape[1] for o in outputs], sizes)
        self.assertEqual([o.shape[-1] for o in outputs][-1], self.cfg.fmaps(self.cfg.resolution_log2 - 1))
        self.assertAllClose(g.synthesis.to_rgb(outputs[-1]), g(self.z, noise_mode="off"), atol=1e-6)

    def test_each_layer_uses_its_own_code(self):
        g = models.Generator(self.cfg)
        g(self.z)
        changed = self.z.copy()
        changed[:, -1] += 1.0
        a, b = g(self.z, noise_mode="off"), g(changed, noise_mode="off")
        self.assertGreater(float(np.abs(a - b).max()), 1e-4)

    def test_noise_modes_and_truncation(self):
        g = models.Generator(self.cfg)
        g(self.z)
        for layer in g.synthesis.epilogues:
            layer.noise.strength.assign(np.ones_like(layer.noise.strength.numpy()))
        self.assertAllClose(g(self.z, noise_mode="off"), g(self.z, noise_mode="off"))
        self.assertAllClose(g(self.z, noise_mode="const"), g(self.z, noise_mode="const"))
        self.assertGreater(float(np.abs(g(self.z) - g(self.z)).max()), 1e-4)
        # psi = 0 pulls every w to w_avg: every code gives the same image.
        g.w_avg.assign(np.full(self.cfg.latent_dim, 0.3, np.float32))
        truncated = g(self.z, truncation_psi=0.0, noise_mode="off").numpy()
        self.assertAllClose(truncated[0], truncated[1], atol=1e-5)

    def test_w_avg_tracks_the_mean_of_w(self):
        g = models.Generator(self.cfg)
        g(self.z)
        w = np.ones((2, self.cfg.num_styles, self.cfg.latent_dim), np.float32)
        for _ in range(2000):
            g.update_w_avg(w)
        self.assertAllClose(g.w_avg, np.ones(self.cfg.latent_dim), atol=1e-3)

    def test_save_load_and_one_train_step(self):
        g = models.Generator(self.cfg)
        out = g(self.z, noise_mode="const")
        path = os.path.join(self.get_temp_dir(), "g.keras")
        g.save(path)
        loaded = keras.saving.load_model(path)
        self.assertAllClose(loaded(self.z, noise_mode="const"), out, atol=1e-6)
        self.assertEqual(loaded.get_config()["model_config"], g.get_config()["model_config"])
        g.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        before = g.synthesis.to_rgb.kernel.numpy().copy()
        g.train_on_batch(self.z, np.ones_like(out))
        self.assertGreater(float(np.abs(g.synthesis.to_rgb.kernel.numpy() - before).max()), 0.0)
