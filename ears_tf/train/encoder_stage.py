"""What the encoder and fusion stages share: the frozen generator of the `stylegan` stage.

Each of `encoder_hr`, `pretrain_lowres`, `pretrain_audio` and `fusion` trains some
models through the fixed EMA generator (synthesis with noise off, as the authors'
inference runs it); `ModelStage` owns the data, optimizer, evaluation and export.
"""
from __future__ import annotations

from ears_tf.layers import AuthorsDownsample16x, BicubicDownsample16x
from ears_tf.train.code_cache import build_code_cache
from ears_tf.workdir import layout
from ears_tf.train.model_stage import ModelStage


class EncoderStage(ModelStage):

    def build(self, strategy):
        self.generator = layout.load(self.workdir, layout.GENERATOR)
        # D of eq. 2 and 4: clean bicubic, or the operator that made the LR inputs.
        operator = {"clean": BicubicDownsample16x, "authors": AuthorsDownsample16x}[self.config.train.lr_consistency_operator]
        self.downsample = operator(name="downsample")
        # Built here, not on a first call: a compiled step (JAX's) must not create its constants.
        self.downsample.build((None, self.model_config.hr_size, self.model_config.hr_size, 3))
        super().build(strategy)

    def cached_codes(self, code_fn, label: str):
        """batch -> code_fn(batch["hr"]) [B, k, D]: where the codes of every face of the training splits
        fit the cache budget (`code_cache`), the input pipeline looks them up and adds them to each
        batch; otherwise the step computes them."""
        cfg = self.model_config
        cache = build_code_cache(self.data_dir, self.splits, code_fn, (cfg.num_styles, cfg.latent_dim), cfg.hr_size,
                                 self.options.code_cache_bytes, label=f"{self.name}: {label}")
        if cache is None:
            return lambda batch: code_fn(batch["hr"])
        field = f"cached_codes_{len(self.batch_fields)}"
        self.batch_fields[field] = lambda batch: cache.lookup(batch["key"])
        return lambda batch: batch[field]

    def generate(self, z):
        """G(z) [B, HR, HR, 3] from per-layer codes z [B, k, D], noise off."""
        return self.generator(z, noise_mode="off")
