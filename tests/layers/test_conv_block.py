import numpy as np

from ears_tf.layers import ConvBlock
from tests.test_case import TestCase


class ConvBlockTest(TestCase):
    x = np.random.default_rng(0).normal(size=(2, 5, 5, 3)).astype(np.float32)

    def test_contract_with_bias(self):
        # kernel + bias
        self.run_layer_test(ConvBlock, {"filters": 4, "kernel_size": 4, "strides": 2, "normalize": False},
                            self.x, (2, 3, 3, 4), 2)

    def test_contract_with_instance_norm(self):
        # kernel + norm scale + norm offset; no conv bias
        out = self.run_layer_test(ConvBlock, {"filters": 4, "kernel_size": 3, "strides": 1, "normalize": True},
                                  self.x, (2, 5, 5, 4), 3)
        # At init (scale 1, offset 0), each channel is normalised over space before the leaky ReLU.
        layer = ConvBlock(4, 3, normalize=True)
        layer(self.x)
        pre = np.asarray(layer.norm(layer.conv(self.x)))
        self.assertAllClose(pre.mean(axis=(1, 2)), np.zeros((2, 4)), atol=1e-5)
        self.assertAllClose(pre.var(axis=(1, 2)), np.ones((2, 4)), atol=1e-3)
        self.assertEqual(out.shape, (2, 5, 5, 4))

    def test_parameter_count(self):
        layer = ConvBlock(8, 4, normalize=True)
        layer(self.x)
        self.assertEqual(sum(int(np.prod(w.shape)) for w in layer.trainable_weights), 3 * 8 * 16 + 2 * 8)
