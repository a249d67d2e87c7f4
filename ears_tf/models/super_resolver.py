"""The fused inference model: (LR image, waveform) -> HR image, one graph for inference and export.

    z = E_l(x_l) + F(E_l(x_l), E_a(a))   variants "f1_finetune", "f1_fixed" (F), "f3_finetune" (F3)
    z = E_l(x_l)                          variant "lowres_only"
    z = E_a(a)                            variant "audio_only"
    image = G(z), synthesis noise off, no truncation (as the authors' inference runs it)

Every variant takes both inputs, so one serving signature fits all of them.
"""
from __future__ import annotations

import keras

from ears_tf import variants
from ears_tf.config import ModelConfig
from ears_tf.layers.constants import child_options
from ears_tf.models.audio_encoder import AudioEncoder
from ears_tf.models.fusion import Fusion
from ears_tf.models.generator import Generator
from ears_tf.models.low_res_encoder import LowResEncoder


@keras.saving.register_keras_serializable(package="ears_tf")
class SuperResolver(keras.Model):
    """(lr_image [N, r, r, 3], waveform [N, num_samples]) -> image [N, HR, HR, 3], all in [-1, 1]."""

    def __init__(self, model_config, variant: str = variants.DEFAULT.name, **kwargs):
        super().__init__(**kwargs)
        self.spec = variants.get_variant(variant)
        self.model_config = ModelConfig.coerce(model_config)
        self.variant = variant

    @property
    def uses_image(self) -> bool:
        return self.spec.uses_image

    @property
    def uses_audio(self) -> bool:
        return self.spec.uses_audio

    def build(self, lr_image_shape=None, waveform_shape=None):
        cfg = self.model_config
        code = (None, cfg.num_styles, cfg.latent_dim)
        if self.uses_image:
            self.encoder_lr = LowResEncoder(cfg, name="encoder_lr", **child_options(self))
            self.encoder_lr.build((None, cfg.lr_size, cfg.lr_size, 3))
        if self.uses_audio:
            self.encoder_audio = AudioEncoder(cfg, name="encoder_audio", **child_options(self))
            self.encoder_audio.build((None, cfg.audio.num_samples))
        if self.spec.trained_by_fusion:
            self.fusion = Fusion(cfg, num_layers=self.spec.fusion_layers, name="fusion", **child_options(self))
            self.fusion.build(code, code)
        self.generator = Generator(cfg, name="generator", **child_options(self))
        self.generator.build(code)

    def latents(self, lr_image, waveform):
        """The per-layer code z [N, k, D] the variant feeds to G."""
        if not self.spec.uses_audio:
            return self.encoder_lr(lr_image)
        if not self.spec.uses_image:
            return self.encoder_audio(waveform)
        return self.fusion(self.encoder_lr(lr_image), self.encoder_audio(waveform))

    def call(self, lr_image, waveform):
        return self.generator(self.latents(lr_image, waveform), noise_mode="off")  # [N, HR, HR, 3], float32

    def compute_output_shape(self, lr_image_shape, waveform_shape=None):
        size = self.model_config.hr_size
        return (lr_image_shape[0], size, size, 3)

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "variant": self.variant, "name": self.name,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy)}
