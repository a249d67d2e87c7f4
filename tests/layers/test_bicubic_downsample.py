import numpy as np

from ears_tf.layers import BicubicDownsample16x
from ears_tf.layers.bicubic_downsample import bicubic_resize
from tests.test_case import TestCase


class BicubicDownsample16xTest(TestCase):
    def test_layer_contract(self):
        x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype(np.float32)
        self.run_layer_test(BicubicDownsample16x, {"factor": 16}, x, (2, 2, 2, 3), 0, 2)  # two constant matrices

    def test_constant_image_stays_constant(self):
        x = np.full((1, 64, 64, 3), 0.25, np.float32)
        self.assertAllClose(BicubicDownsample16x()(x), np.full((1, 4, 4, 3), 0.25), atol=1e-6)

    def test_matches_block_averages_on_smooth_input(self):
        # On a linear ramp the antialiased filter returns the block centre value.
        ramp = np.linspace(-1, 1, 64, dtype=np.float32)
        x = np.broadcast_to(ramp[None, None, :, None], (1, 64, 64, 1)).copy()
        expected = ramp.reshape(4, 16).mean(axis=1)
        self.assertAllClose(BicubicDownsample16x()(x)[0, 0, :, 0], expected, atol=0.02)

    def test_resize_function_is_linear(self):
        rng = np.random.default_rng(1)
        a, b = (rng.normal(size=(1, 32, 32, 3)).astype(np.float32) for _ in range(2))
        self.assertAllClose(bicubic_resize(a + 2 * b, 2, 2), bicubic_resize(a, 2, 2) + 2 * bicubic_resize(b, 2, 2), atol=1e-5)

    def test_rejects_sizes_not_divisible_by_16(self):
        with self.assertRaisesRegex(ValueError, "divisible by 16"):
            BicubicDownsample16x()(np.zeros((1, 40, 40, 3), np.float32))

    def test_is_the_data_s_clean_mode_without_its_clipping(self):
        from ears_tf.data.image import make_lr_image, to_unit_range

        faces = np.random.default_rng(2).integers(0, 256, (2, 32, 32, 3), dtype=np.uint8)
        layer = np.clip(BicubicDownsample16x()(to_unit_range(faces)), -1.0, 1.0)
        self.assertAllClose(layer, make_lr_image(faces, mode="clean"), atol=1e-6)
        self.assertNotAllClose(layer, make_lr_image(faces, mode="authors"))  # the authors' 8-bit mode differs
