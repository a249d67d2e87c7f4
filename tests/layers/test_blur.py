import numpy as np

from ears_tf.layers import Blur2D
from tests.test_case import TestCase


class Blur2DTest(TestCase):
    def test_contract(self):
        x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype(np.float32)
        self.run_layer_test(Blur2D, {"taps": [1, 2, 1]}, x, (2, 8, 8, 3), 0, 1)  # the kernel, a constant

    def test_impulse_response_is_the_binomial_kernel(self):
        x = np.zeros((1, 5, 5, 1), np.float32)
        x[0, 2, 2, 0] = 1.0
        expected = np.outer([1, 2, 1], [1, 2, 1]) / 16.0
        self.assertAllClose(Blur2D()(x)[0, 1:4, 1:4, 0], expected)
