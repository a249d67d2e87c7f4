import math

import numpy as np

from ears_tf.layers import EqualizedConv2D, EqualizedDense
from tests.test_case import TestCase


class EqualizedTest(TestCase):
    def test_dense_contract(self):
        x = np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)
        self.run_layer_test(EqualizedDense, {"units": 4, "gain": 1.0, "lrmul": 0.01, "use_bias": True}, x, (3, 4), 2)

    def test_conv_contract(self):
        x = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype(np.float32)
        self.run_layer_test(
            EqualizedConv2D, {"filters": 5, "kernel_size": 3, "gain": math.sqrt(2), "lrmul": 1.0, "use_bias": False},
            x, (2, 6, 6, 5), 1,
        )

    def test_runtime_scale_is_he_times_lrmul(self):
        layer = EqualizedDense(1, gain=2.0, lrmul=0.5, use_bias=False)
        layer.build((None, 16))
        layer.kernel.assign(np.ones((16, 1), np.float32))
        out = layer(np.ones((1, 16), np.float32))
        self.assertAllClose(out, [[16 * 2.0 / 4.0 * 0.5]])

    def test_kernel_is_drawn_at_unit_scale_over_lrmul(self):
        layer = EqualizedDense(256, lrmul=0.01)
        layer.build((None, 256))
        self.assertAllClose(float(np.std(layer.kernel.numpy())), 100.0, rtol=0.05)
