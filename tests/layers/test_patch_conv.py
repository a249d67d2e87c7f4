import numpy as np
import tensorflow as tf
from absl.testing import parameterized
from keras import ops

from ears_tf.layers import ConvBlock
from ears_tf.layers.patch_conv import MATMUL_CONV_MAX_AREA, MATMUL_CONV_MIN_WEIGHTS, conv_as_matmul, uses_matmul
from tests.test_case import TestCase


class PatchConvTest(TestCase, parameterized.TestCase):
    @parameterized.parameters(
        # (height, width, kernel, stride): even and odd kernels and sizes, strides 1 to 3, maps smaller than the kernel
        (5, 5, 4, 2), (5, 5, 3, 1), (7, 6, 3, 2), (9, 9, 4, 1), (8, 8, 1, 1), (3, 3, 4, 2), (1, 1, 3, 1),
        (6, 6, 5, 3), (4, 7, 4, 2), (2, 2, 4, 1),
    )
    def test_equals_same_conv(self, height, width, kernel_size, stride):
        rng = np.random.default_rng(height * 100 + width * 10 + kernel_size + stride)
        x = rng.normal(size=(3, height, width, 5)).astype(np.float32)
        kernel = rng.normal(size=(kernel_size, kernel_size, 5, 7)).astype(np.float32)
        expected = ops.conv(x, kernel, strides=stride, padding="same")
        got = conv_as_matmul(x, kernel, stride)
        self.assertEqual(tuple(got.shape), tuple(expected.shape))
        self.assertAllClose(got, expected, atol=1e-4)

    def test_threshold(self):
        self.assertTrue(uses_matmul((None, 9, 9, 1024), (4, 4, 1024, 1024)))  # paper E_a's last scales
        self.assertFalse(uses_matmul((None, 17, 17, 512), (4, 4, 512, 512)))  # a larger map
        self.assertFalse(uses_matmul((None, 5, 5, 128), (4, 4, 128, 128)))  # the quickstart's widest conv
        self.assertFalse(uses_matmul((None, None, None, 1024), (4, 4, 1024, 1024)))
        self.assertEqual((MATMUL_CONV_MAX_AREA, MATMUL_CONV_MIN_WEIGHTS), (9 * 9, 4 * 1024 * 1024))

    @parameterized.parameters(False, True)
    def test_conv_block_routes_agree(self, normalize):
        # The same weights through the matmul route (a 3x3 map, 4M weights) and the direct conv give the same output.
        x = np.random.default_rng(1).normal(size=(2, 3, 3, 512)).astype(np.float32)
        block = ConvBlock(512, 4, strides=2, normalize=normalize)
        out = block(x)
        self.assertTrue(block.as_matmul)
        block.as_matmul = False
        self.assertAllClose(out, block(x), atol=1e-4)

    def test_the_direct_route_changes_the_traced_ops_only(self):
        x = np.random.default_rng(2).normal(size=(2, 3, 3, 512)).astype(np.float32)

        def traced_ops(conv_route):
            block = ConvBlock(512, 4, strides=2, conv_route=conv_route)
            block.build((None, 3, 3, 512))
            block.set_weights(weights)
            function = tf.function(lambda inputs: block(inputs)).get_concrete_function(tf.TensorSpec((None, 3, 3, 512)))
            return {op.type for op in function.graph.get_operations()}, function(tf.constant(x))

        reference = ConvBlock(512, 4, strides=2)
        reference.build((None, 3, 3, 512))
        weights = reference.get_weights()
        ops_matmul, out_matmul = traced_ops("auto")
        ops_direct, out_direct = traced_ops("direct")
        self.assertIn("MatMul", ops_matmul)
        self.assertNotIn("Conv2D", ops_matmul)
        self.assertIn("Conv2D", ops_direct)
        self.assertNotIn("MatMul", ops_direct)
        self.assertAllClose(out_matmul, out_direct, atol=1e-4)

    def test_an_unknown_route_is_refused(self):
        with self.assertRaisesRegex(ValueError, "conv_route"):
            ConvBlock(8, 3, conv_route="fast")
