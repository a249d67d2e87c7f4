import numpy as np

from ears_tf import config, models
from ears_tf.models import growing
from tests.test_case import TestCase


class LadderTest(TestCase):
    def setUp(self):
        super().setUp()
        self.cfg = config.get_preset("smoke").model  # 32x32: rungs at 8 and 16

    def test_to_rgb_ladder(self):
        x = np.random.default_rng(0).normal(size=(2, 16, 16, self.cfg.fmaps(3))).astype(np.float32)
        self.run_layer_test(growing.ToRGBLadder, {"model_config": self.cfg.to_dict(), "start_resolution": 8}, x,
                            (2, 16, 16, 3), expected_num_trainable_weights=4, call_kwargs={"res_log2": 4})

    def test_from_rgb_ladder(self):
        x = np.random.default_rng(1).normal(size=(2, 8, 8, 3)).astype(np.float32)
        self.run_layer_test(growing.FromRGBLadder, {"model_config": self.cfg.to_dict(), "start_resolution": 8}, x,
                            (2, 8, 8, self.cfg.fmaps(2)), expected_num_trainable_weights=4, call_kwargs={"res_log2": 3})

    def test_start_resolution_is_checked(self):
        for start in (4, 12, 32):
            with self.assertRaisesRegex(ValueError, "start_resolution"):
                growing.ToRGBLadder(self.cfg, start)


class GrownPathsTest(TestCase):
    def setUp(self):
        super().setUp()
        self.cfg = cfg = config.get_preset("smoke").model
        rng = np.random.default_rng(2)
        self.z = rng.normal(size=(4, cfg.num_styles, cfg.latent_dim)).astype(np.float32)
        self.images = rng.normal(size=(4, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
        self.g, self.d = models.Generator(cfg), models.Discriminator(cfg)
        self.g(self.z)
        self.d(self.images)
        self.to_rgb, self.from_rgb = growing.ToRGBLadder(cfg, 8), growing.FromRGBLadder(cfg, 8)
        self.to_rgb.build()
        self.from_rgb.build()
        self.w = self.g.map(self.z)

    def images_at(self, res_log2, alpha):
        return growing.grown_images(self.g, self.to_rgb, self.w, res_log2, alpha, noise_mode="off")

    def test_the_full_resolution_is_the_fixed_models(self):
        top = self.cfg.resolution_log2
        self.assertAllClose(self.images_at(top, 1.0), self.g(self.z, noise_mode="off"), atol=1e-5)
        self.assertAllClose(growing.grown_logits(self.d, self.from_rgb, self.images, top, 1.0), self.d(self.images),
                            atol=1e-5)

    def test_a_new_resolution_starts_as_the_previous_one(self):
        coarse = self.images_at(3, 1.0)  # [4, 8, 8, 3]
        self.assertEqual(tuple(coarse.shape), (4, 8, 8, 3))
        self.assertAllClose(self.images_at(4, 0.0), growing.upscale(coarse), atol=1e-5)
        half = growing.downscale(self.images[:, ::2, ::2])  # a 8x8 image, given at 16x16 below
        at16 = growing.upscale(half)
        self.assertAllClose(growing.grown_logits(self.d, self.from_rgb, at16, 4, 0.0),
                            growing.grown_logits(self.d, self.from_rgb, half, 3, 1.0), atol=1e-5)
        # Half-way in, both paths count.
        middle = self.images_at(4, 0.5)
        self.assertAllClose(middle, 0.5 * (self.images_at(4, 0.0) + self.images_at(4, 1.0)), atol=1e-5)

    def test_reals_follow_the_same_fade(self):
        reals = growing.grown_reals(self.images, 4, 1.0, start_log2=3)
        self.assertAllClose(reals, growing.downscale(self.images, 2), atol=1e-6)
        faded = growing.grown_reals(self.images, 4, 0.0, start_log2=3)
        self.assertAllClose(faded, growing.upscale(growing.downscale(self.images, 4)), atol=1e-6)
        self.assertEqual(tuple(growing.grown_reals(self.images, 3, 0.0, start_log2=3).shape), (4, 8, 8, 3))
