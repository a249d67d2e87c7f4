import numpy as np

from ears_tf.layers import Downscale2D, EqualizedConv2D, FusedConvDownscale2D
from tests.test_case import TestCase


class DownscaleTest(TestCase):
    def test_downscale_contract(self):
        x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype(np.float32)
        out = self.run_layer_test(Downscale2D, {}, x, (2, 2, 2, 3))
        self.assertAllClose(out[0, 0, 0], x[0, :2, :2].mean(axis=(0, 1)))

    def test_fused_contract(self):
        x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype(np.float32)
        self.run_layer_test(FusedConvDownscale2D, {"filters": 4, "kernel_size": 3, "gain": 1.0}, x, (2, 4, 4, 4), 1)

    def test_fused_equals_conv_then_average(self):
        x = np.random.default_rng(1).normal(size=(1, 12, 12, 2)).astype(np.float32)
        fused = FusedConvDownscale2D(3, gain=1.0)
        fused.build(x.shape)
        conv = EqualizedConv2D(3, 3, gain=1.0, use_bias=False)
        conv.build(x.shape)
        conv.kernel.assign(fused.kernel)
        reference = Downscale2D()(conv(x))
        self.assertAllClose(fused(x)[:, 1:-1, 1:-1], reference[:, 1:-1, 1:-1], atol=1e-5)
