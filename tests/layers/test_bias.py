import numpy as np

from ears_tf.layers import Bias
from tests.test_case import TestCase


class BiasTest(TestCase):
    def test_contract(self):
        x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype(np.float32)
        self.run_layer_test(Bias, {"lrmul": 1.0}, x, (2, 4, 4, 3), 1)
