"""What the encoder and fusion stages share: the frozen generator of the `stylegan` stage.

Each of `encoder_hr`, `pretrain_lowres`, `pretrain_audio` and `fusion` trains some
models through the fixed EMA generator (synthesis with noise off, as the authors'
inference runs it); `ModelStage` owns the data, optimizer, evaluation and export.
"""
from __future__ import annotations

from ears_tf.layers import Downsample16x
from ears_tf.workdir import layout
from ears_tf.train.model_stage import ModelStage


class EncoderStage(ModelStage):

    def build(self, strategy):
        self.generator = layout.load(self.workdir, layout.GENERATOR)
        self.downsample = Downsample16x(name="downsample")
        super().build(strategy)

    def generate(self, z):
        """G(z) [B, HR, HR, 3] from per-layer codes z [B, k, D], noise off."""
        return self.generator(z, noise_mode="off")
