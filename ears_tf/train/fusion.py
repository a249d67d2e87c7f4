"""Stage `fusion`: z_f = E_l(x_l) + F(E_l(x_l), E_a(a)) trained on d2 (paper eq. 4).

E_l and E_h are fixed; E_a starts from `pretrain_audio` and is fine-tuned with F or
kept fixed (the variant's `finetune_audio`). F has one dense layer or three (F3). Loss:
|z_f - E_h(x_h)|_1 + w |D(G(z_f)) - x_l|^2 with w = `TrainConfig.fusion_consistency_weight`
(1 in the paper). Each variant writes its own folder, WORKDIR/fusion/VARIANT/
(fusion.keras and the encoder_audio.keras it was trained with), so the evaluation
can compare the paper's ablations d, e and f.
"""
from __future__ import annotations

from ears_tf import losses, variants
from ears_tf.metrics.image import psnr
from ears_tf.models import Fusion, SuperResolver
from ears_tf.variants import FusionVariant
from ears_tf.workdir import layout
from ears_tf.train.encoder_stage import EncoderStage
from ears_tf.train.model_stage import ModelStageOptions


class FusionStage(EncoderStage):
    splits = ("d2",)
    with_audio = True

    def __init__(self, config, data_dir, workdir, batch_size: int | None = None, seed: int = 0,
                 variant: FusionVariant = variants.F1_FINETUNE, options: ModelStageOptions = ModelStageOptions()):
        if not variant.trained_by_fusion:
            raise ValueError(f"variant {variant.name!r} has no fusion to train")
        self.variant = variant
        super().__init__(config, data_dir, workdir, batch_size=batch_size, seed=seed, options=options)

    def build(self, strategy):
        super().build(strategy)
        self.target_code = self.cached_codes(self.encoder_hr, "E_h codes")

    def make_models(self):
        cfg = self.model_config
        self.encoder_hr = layout.load(self.workdir, layout.ENCODER_HR)
        encoder_audio = layout.load(self.workdir, layout.ENCODER_AUDIO, trainable=self.variant.finetune_audio)
        fusion = Fusion(cfg, num_layers=self.variant.fusion_layers, name="fusion")
        code = (None, cfg.num_styles, cfg.latent_dim)
        fusion.build(code, code)
        # The model inference and export run, over the parts this stage trains.
        self.super_resolver = SuperResolver.from_parts(
            cfg, self.variant.name, generator=self.generator, encoder_lr=layout.load(self.workdir, layout.ENCODER_LR),
            encoder_audio=encoder_audio, fusion=fusion)
        self.low_res_only = self.super_resolver.sibling(variants.LOWRES_ONLY.name)
        fusion_file, audio_file = layout.fusion_artefacts(self.variant)
        return {"fusion": (fusion, fusion_file), "encoder_audio": (encoder_audio, audio_file)}

    def losses(self, batch):
        z_f = self.super_resolver.latents(batch["lr"], batch["waveform"])  # [B, k, D]
        latent = losses.latent_l1(z_f, self.target_code(batch))
        consistency = losses.image_mse(self.downsample(self.super_resolver.generate(z_f)), batch["lr"])
        weight = self.config.train.fusion_consistency_weight
        return {"loss": latent + weight * consistency, "latent_l1": latent, "lr_consistency": consistency}

    def evaluate_examples(self, batch):
        hr, lr, waveform = batch["hr"], batch["lr"], batch["waveform"]
        fused = self.apply(self.super_resolver, lr, waveform)
        low_res_only = self.apply(self.low_res_only, lr)
        metrics = {
            "psnr": psnr(fused, hr),
            "psnr_low_res_only": psnr(low_res_only, hr),
            "lr_consistency_psnr": psnr(self.apply(self.downsample, fused), lr),
        }
        return metrics, [lr, low_res_only, fused, hr], ["LR input x_l", "G(E_l(x_l))", "fused G(z_f)", "HR target"]
