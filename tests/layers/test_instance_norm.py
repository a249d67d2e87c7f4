import numpy as np

from ears_tf.layers import InstanceNorm
from tests.test_case import TestCase


class InstanceNormTest(TestCase):
    def test_contract_and_statistics(self):
        x = np.random.default_rng(0).normal(2.0, 3.0, size=(2, 6, 6, 4)).astype(np.float32)
        out = np.asarray(self.run_layer_test(InstanceNorm, {"epsilon": 1e-8}, x, (2, 6, 6, 4)))
        self.assertAllClose(out.mean(axis=(1, 2)), np.zeros((2, 4)), atol=1e-5)
        self.assertAllClose(out.std(axis=(1, 2)), np.ones((2, 4)), atol=1e-4)
