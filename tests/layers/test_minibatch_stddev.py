import numpy as np

from ears_tf.layers import MinibatchStddev
from tests.test_case import TestCase


class MinibatchStddevTest(TestCase):
    def test_contract(self):
        x = np.random.default_rng(0).normal(size=(4, 4, 4, 6)).astype(np.float32)
        self.run_layer_test(MinibatchStddev, {"group_size": 4, "num_features": 1}, x, (4, 4, 4, 7))

    def test_identical_examples_have_zero_spread(self):
        x = np.tile(np.random.default_rng(1).normal(size=(1, 4, 4, 3)), (4, 1, 1, 1)).astype(np.float32)
        out = MinibatchStddev()(x).numpy()
        self.assertAllClose(out[..., -1], np.full((4, 4, 4), 1e-4), atol=1e-4)
        self.assertAllClose(out[..., :3], x)

    def test_spread_matches_numpy(self):
        x = np.random.default_rng(2).normal(size=(2, 3, 3, 2)).astype(np.float32)
        out = MinibatchStddev(group_size=2)(x).numpy()
        expected = np.sqrt(np.mean((x - x.mean(0)) ** 2, axis=0) + 1e-8).mean()
        self.assertAllClose(out[..., -1], np.full((2, 3, 3), expected), atol=1e-5)

    def test_a_batch_that_does_not_divide_takes_the_largest_group_that_does(self):
        x = np.random.default_rng(3).normal(size=(6, 2, 2, 2)).astype(np.float32)
        out = MinibatchStddev(group_size=4)(x).numpy()
        groups = x.reshape(3, 2, 2, 2, 2)  # groups of 3: examples i and i + 2 and i + 4 together
        expected = np.sqrt(np.mean((groups - groups.mean(0)) ** 2, axis=0) + 1e-8).mean(axis=(1, 2, 3))
        self.assertAllClose(out[:2, 0, 0, -1], expected, atol=1e-5)
        self.assertAllClose(out[2:4, 0, 0, -1], expected, atol=1e-5)
