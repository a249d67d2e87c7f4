"""Stage `pretrain_lowres`: E_l regresses E_h's codes from the LR image on d1 (paper eq. 2).

Loss: |E_l(x_l) - E_h(x_h)|_1 + lambda |D(G(E_l(x_l))) - x_l|^2, lambda = 40
(`TrainConfig.lowres_consistency_weight`), D the differentiable 16x downsampling.
Reports on the test split: HR PSNR of G(E_l(x_l)) and the LR-consistency PSNR of
D(G(E_l(x_l))) against x_l. Writes WORKDIR/pretrain_lowres/encoder_lr.keras.
"""
from __future__ import annotations

from ears_tf import losses
from ears_tf.metrics.image import psnr
from ears_tf.models import LowResEncoder
from ears_tf.workdir import layout
from ears_tf.train.encoder_stage import EncoderStage


class PretrainLowresStage(EncoderStage):
    splits = ("d1",)
    with_audio = False

    def build(self, strategy):
        super().build(strategy)
        self.target_code = self.cached_codes(self.encoder_hr, "E_h codes")

    def make_models(self):
        cfg = self.model_config
        self.encoder_hr = layout.load(self.workdir, layout.ENCODER_HR)
        self.encoder = LowResEncoder(cfg, name="encoder_lr")
        self.encoder.build((None, cfg.lr_size, cfg.lr_size, 3))
        return {"encoder_lr": (self.encoder, layout.ENCODER_LR)}

    def losses(self, batch):
        z_l = self.encoder(batch["lr"])  # [B, k, D]
        latent = losses.latent_l1(z_l, self.target_code(batch))
        consistency = losses.image_mse(self.downsample(self.generate(z_l)), batch["lr"])
        weight = self.config.train.lowres_consistency_weight
        return {"loss": latent + weight * consistency, "latent_l1": latent, "lr_consistency": consistency}

    def super_resolve(self, lr):
        return self.generate(self.encoder(lr))

    def evaluate_examples(self, batch):
        hr, lr = batch["hr"], batch["lr"]
        sr = self.apply(self.super_resolve, lr)
        lr_again = self.apply(self.downsample, sr)
        metrics = {"psnr": psnr(sr, hr), "lr_consistency_psnr": psnr(lr_again, lr)}
        return metrics, [lr, sr, lr_again, hr], ["LR input x_l", "G(E_l(x_l))", "D(G(E_l(x_l)))", "HR target"]
