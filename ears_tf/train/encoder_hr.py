"""Stage `encoder_hr`: E_h inverts the fixed generator, x -> z with G(z) ~ x (paper eq. 1).

Loss: a perceptual loss on VGG16 features (from `--vgg16_weights`; without it the
trained discriminator's features, see `perceptual.py`) plus pixel squared error.
Trains on d1 + d2 (the paper's whole training set D). Reports reconstruction PSNR
on the test split. Writes WORKDIR/encoder_hr/encoder_hr.keras.
"""
from __future__ import annotations


from ears_tf import losses
from ears_tf.metrics.image import psnr
from ears_tf.models import HighResEncoder
from ears_tf.workdir import layout
from ears_tf.train.encoder_stage import EncoderStage
from ears_tf.train.perceptual import DiscriminatorFeatures, VGG16Features


class EncoderHRStage(EncoderStage):
    splits = ("d1", "d2")
    with_audio = False

    def __init__(self, *args, vgg16_weights: str | None = None, pixel_weight: float = 1.0,
                 perceptual_weight: float = 1.0, **kwargs):
        self.vgg16_weights = vgg16_weights
        self.pixel_weight = pixel_weight
        self.perceptual_weight = perceptual_weight
        super().__init__(*args, **kwargs)

    def make_models(self):
        cfg = self.model_config
        if self.vgg16_weights:
            self.features = VGG16Features(self.vgg16_weights, cfg.hr_size)
        else:
            self.features = DiscriminatorFeatures(layout.load(self.workdir, layout.DISCRIMINATOR))
        print(f"{self.name}: perceptual loss on {self.features.description}", flush=True)
        self.encoder = HighResEncoder(cfg, name="encoder_hr")
        self.encoder.build((None, cfg.hr_size, cfg.hr_size, 3))
        return {"encoder_hr": (self.encoder, layout.ENCODER_HR)}

    def losses(self, batch):
        real = batch["hr"]
        fake = self.generate(self.encoder(real))  # [B, HR, HR, 3]
        pixel = losses.image_mse(fake, real)
        feature = losses.perceptual(self.features(fake), self.features(real))
        return {"loss": self.pixel_weight * pixel + self.perceptual_weight * feature, "pixel": pixel, "perceptual": feature}

    def reconstruct(self, hr):
        return self.generate(self.encoder(hr))

    def evaluate_examples(self, batch):
        hr = batch["hr"]
        rec = self.apply(self.reconstruct, hr)
        return {"psnr": psnr(rec, hr)}, [hr, rec], ["input = target", "G(E_h(x))"]
