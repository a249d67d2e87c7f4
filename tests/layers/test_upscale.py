import numpy as np
from keras import ops

from ears_tf.layers import EqualizedConv2D, FusedUpscaleConv2D, Upscale2D
from tests.test_case import TestCase


class UpscaleTest(TestCase):
    def test_upscale_contract(self):
        x = np.random.default_rng(0).normal(size=(2, 3, 3, 2)).astype(np.float32)
        out = self.run_layer_test(Upscale2D, {}, x, (2, 6, 6, 2))
        self.assertAllClose(out[:, ::2, ::2], x)

    def test_fused_contract(self):
        x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype(np.float32)
        self.run_layer_test(FusedUpscaleConv2D, {"filters": 5, "kernel_size": 3, "gain": 1.0}, x, (2, 8, 8, 5), 1)

    def test_fused_equals_upscale_then_conv(self):
        # Away from the border, the fused transposed conv is nearest upscaling then the 3x3 conv
        # with the kernel read mirrored (a transposed conv correlates with the flipped kernel),
        # the same relation as in StyleGAN's implementation; a learned kernel absorbs the flip.
        x = np.random.default_rng(1).normal(size=(1, 6, 6, 2)).astype(np.float32)
        fused = FusedUpscaleConv2D(3, gain=1.0)
        fused.build(x.shape)
        conv = EqualizedConv2D(3, 3, gain=1.0, use_bias=False)
        conv.build((1, 12, 12, 2))
        conv.kernel.assign(fused.kernel.numpy()[::-1, ::-1])
        reference = conv(ops.repeat(ops.repeat(x, 2, axis=1), 2, axis=2))
        self.assertAllClose(fused(x)[:, 2:-2, 2:-2], reference[:, 2:-2, 2:-2], atol=1e-5)
