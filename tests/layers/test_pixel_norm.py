import numpy as np

from ears_tf.layers import PixelNorm
from tests.test_case import TestCase


class PixelNormTest(TestCase):
    def test_contract_and_unit_rms(self):
        x = np.random.default_rng(0).normal(size=(3, 16)).astype(np.float32) * 5
        out = self.run_layer_test(PixelNorm, {"epsilon": 1e-8}, x, (3, 16))
        self.assertAllClose(np.sqrt(np.mean(np.square(out), axis=-1)), np.ones(3), atol=1e-5)
