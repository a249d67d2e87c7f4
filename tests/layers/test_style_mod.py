import numpy as np

from ears_tf.layers import StyleMod
from tests.test_case import TestCase


class StyleModTest(TestCase):
    def test_contract(self):
        rng = np.random.default_rng(0)
        x = rng.normal(size=(2, 4, 4, 3)).astype(np.float32)
        w = rng.normal(size=(2, 8)).astype(np.float32)
        self.run_layer_test(StyleMod, {}, (x, w), (2, 4, 4, 3), 2)

    def test_zero_style_is_identity(self):
        x = np.random.default_rng(1).normal(size=(1, 2, 2, 3)).astype(np.float32)
        layer = StyleMod()
        self.assertAllClose(layer(x, np.zeros((1, 5), np.float32)), x)
