import numpy as np
import tensorflow as tf

from ears_tf.layers import AuthorsDownsample16x
from tests.test_case import TestCase


def smooth_faces(seed: int, count: int = 4, size: int = 64) -> np.ndarray:
    """uint8 images with narrow ranges and smooth gradients: many of bytescale's half-way levels."""
    steps = np.random.default_rng(seed).integers(-3, 4, (count, size, size, 3))
    return np.clip(np.cumsum(steps, axis=2) + 128, 0, 255).astype(np.uint8)


class AuthorsDownsample16xTest(TestCase):
    def test_layer_contract(self):
        x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype(np.float32)
        self.run_layer_test(AuthorsDownsample16x, {"factor": 16}, x, (2, 2, 2, 3), 0, 2)  # two constant matrices

    def test_gives_the_authors_lr_frames(self):
        from ears_tf.data.image import make_lr_image, to_unit_range

        noise = np.random.default_rng(1).integers(0, 256, (4, 64, 64, 3), dtype=np.uint8)
        for faces in (noise, smooth_faces(2)):
            levels = np.round((np.asarray(AuthorsDownsample16x()(to_unit_range(faces))) + 1.0) * 127.5)
            expected = np.round((make_lr_image(faces, mode="authors").numpy() + 1.0) * 127.5)
            # The same levels but where a float32 sum lands on a half-way point: one level off.
            self.assertLessEqual(np.abs(levels - expected).max(), 1.0)
            self.assertGreater(np.mean(levels == expected), 0.9)

    def test_gradients_pass_the_roundings(self):
        x = tf.Variable(np.random.default_rng(3).uniform(-1, 1, (2, 32, 32, 3)).astype(np.float32))
        with tf.GradientTape() as tape:
            total = tf.reduce_sum(AuthorsDownsample16x()(x) * tf.constant([[[[0.5, -1.0, 2.0]]]]))
        gradient = tape.gradient(total, x).numpy()
        self.assertTrue(np.isfinite(gradient).all())
        self.assertGreater(np.abs(gradient).sum(), 0.0)
