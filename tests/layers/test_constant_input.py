import numpy as np

from ears_tf.layers import ConstantInput
from tests.test_case import TestCase


class ConstantInputTest(TestCase):
    def test_contract_and_batch_tiling(self):
        w = np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)
        out = self.run_layer_test(ConstantInput, {"channels": 5, "size": 4}, w, (3, 4, 4, 5), 1)
        self.assertAllClose(out, np.ones((3, 4, 4, 5)))
