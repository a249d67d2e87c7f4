"""The fused inference model: (LR image, waveform) -> HR image, the one composition of the parts.

    z = E_l(x_l) + F(E_l(x_l), E_a(a))   variants "f1_finetune", "f1_fixed" (F), "f3_finetune" (F3)
    z = E_l(x_l)                          variant "lowres_only"
    z = E_a(a)                            variant "audio_only"
    image = G(z), synthesis noise off, no truncation (as the authors' inference runs it)

Every variant takes both inputs, so one serving signature fits all of them. The fusion
stage, the evaluation, `ears_tf.infer`, the demo and the exporters all run this class:
`from_parts` wraps models already loaded or being trained (sharing them, not copying),
and `sibling` gives another variant over the same parts.
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

PARTS = ("encoder_lr", "encoder_audio", "fusion", "generator")


def part_names(variant: str) -> tuple:
    """The parts (of PARTS) a variant's model holds."""
    spec = variants.get_variant(variant)
    used = {"encoder_lr": spec.uses_image, "encoder_audio": spec.uses_audio, "fusion": spec.trained_by_fusion,
            "generator": True}
    return tuple(part for part in PARTS if used[part])


@keras.saving.register_keras_serializable(package="ears_tf")
class SuperResolver(keras.Model):
    """(lr_image [N, r, r, 3], waveform [N, num_samples]) -> image [N, HR, HR, 3], all in [-1, 1]."""

    def __init__(self, model_config, variant: str = variants.DEFAULT.name, **kwargs):
        super().__init__(**kwargs)
        self.spec = variants.get_variant(variant)
        self.model_config = ModelConfig.coerce(model_config)
        self.variant = variant

    @classmethod
    def from_parts(cls, model_config, variant: str, **parts) -> "SuperResolver":
        """The variant's model over built parts (`part_names(variant)`, by keyword), held by reference."""
        needed = part_names(variant)
        if sorted(parts) != sorted(needed):
            raise ValueError(f"variant {variant!r} is made of {', '.join(needed)}; got {', '.join(sorted(parts))}")
        model = cls(model_config, variant=variant)
        for name in needed:
            setattr(model, name, parts[name])
        model.built = True
        return model

    def sibling(self, variant: str) -> "SuperResolver":
        """Another variant over this model's parts (e.g. "lowres_only" beside a fused one), sharing them."""
        held = {name: getattr(self, name) for name in part_names(variant) if hasattr(self, name)}
        return SuperResolver.from_parts(self.model_config, variant, **held)

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

    # Every part's input shape follows the config, so a loaded file builds without the call's shapes.
    def get_build_config(self):
        return {"from_config": True}

    def build_from_config(self, config):
        self.build()

    def latents(self, lr_image, waveform=None, audio_code=None):
        """The per-layer code z [N, k, D] the variant feeds to G. `audio_code` [N, k, D], E_a's code
        of a voice, stands in for E_a(waveform) (one voice's code reused across faces)."""
        if self.uses_audio and audio_code is None:
            audio_code = self.encoder_audio(waveform)  # [N, k, D]
        if not self.uses_audio:
            return self.encoder_lr(lr_image)
        if not self.uses_image:
            return audio_code
        return self.fusion(self.encoder_lr(lr_image), audio_code)

    def generate(self, z):
        """G(z) [N, HR, HR, 3] float32, noise off."""
        return self.generator(z, noise_mode="off")

    def call(self, lr_image, waveform=None, audio_code=None):
        return self.generate(self.latents(lr_image, waveform, audio_code))

    def compute_output_shape(self, lr_image_shape, waveform_shape=None, audio_code_shape=None):
        size = self.model_config.hr_size
        return (lr_image_shape[0], size, size, 3)

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "variant": self.variant, "name": self.name,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy)}
