"""Stage `sr_baseline`: the 16x CNN super-resolution baseline of Table 2, trained with L1.

LapSRN-like (`models.SRBaseline`), on the same LR/HR pairs as the encoders (d1 + d2,
LR made by the same `make_lr_image`). Reports test PSNR against bicubic upsampling
and shows LR, bicubic, the CNN's output and the HR target. Writes
WORKDIR/sr_baseline/sr_baseline.keras.
"""
from __future__ import annotations


from ears_tf import losses
from ears_tf.metrics.image import psnr
from ears_tf.data.image import bicubic_upsample
from ears_tf.models import SRBaseline
from ears_tf.workdir import layout
from ears_tf.train.model_stage import ModelStage


class SRBaselineStage(ModelStage):
    splits = ("d1", "d2")
    with_audio = False

    def make_models(self):
        cfg = self.model_config
        self.model = SRBaseline(cfg, name="sr_baseline")
        self.model.build((None, cfg.lr_size, cfg.lr_size, 3))
        return {"sr_baseline": (self.model, layout.SR_BASELINE)}

    def losses(self, batch):
        l1 = losses.image_l1(self.model(batch["lr"]), batch["hr"])
        return {"loss": l1, "l1": l1}

    def bicubic(self, lr):
        return bicubic_upsample(lr, self.model_config.hr_size)

    def evaluate_examples(self, batch):
        hr, lr = batch["hr"], batch["lr"]
        sr, bicubic = self.apply(self.model, lr), self.apply(self.bicubic, lr)
        metrics = {"psnr": psnr(sr, hr), "psnr_bicubic": psnr(bicubic, hr)}
        return metrics, [lr, bicubic, sr, hr], ["LR input x_l", "bicubic 16x", "CNN 16x", "HR target"]
