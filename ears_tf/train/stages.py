"""Every training stage by name, in the order `--stage=all` runs them."""
from __future__ import annotations

import dataclasses

from ears_tf.config import Config
from ears_tf.train import artifacts

STAGE_NAMES = ("stylegan", "encoder_hr", "pretrain_lowres", "pretrain_audio", "fusion", "classifiers", "sr_baseline")


@dataclasses.dataclass(frozen=True)
class StageSpec:
    """One run of a stage: its name and the options that pick a variant."""

    name: str
    fusion_layers: int = 1
    finetune_audio: bool = True

    @property
    def run_name(self) -> str:
        """The stage's folder under the workdir (fusion variants each have their own)."""
        if self.name == "fusion":
            return f"fusion/{artifacts.fusion_variant(self.fusion_layers, self.finetune_audio)}"
        return self.name


# stylegan -> E_h -> E_l and E_a -> the three fusion ablations (paper Table 1 d, e, f), then
# what the evaluation measures with: C_i and C_g, and the CNN baseline of Table 2.
ALL = tuple(
    [StageSpec(name) for name in ("stylegan", "encoder_hr", "pretrain_lowres", "pretrain_audio")]
    + [StageSpec("fusion", layers, finetune) for layers, finetune in artifacts.FUSION_VARIANTS.values()]
    + [StageSpec("classifiers"), StageSpec("sr_baseline")]
)


def default_steps(spec: StageSpec, config: Config, data_dir, batch_size: int | None = None) -> int:
    """The preset's step budget for `spec` (the classifiers count epochs over the data)."""
    if spec.name == "classifiers":
        from ears_tf.train.classifiers import classifier_budget

        return classifier_budget(config, data_dir, batch_size).steps
    return getattr(config.train, spec.name).steps


def make_stage(spec: StageSpec, config: Config, data_dir, workdir, batch_size: int | None = None, seed: int = 0,
               vgg16_weights: str | None = None):
    common = {"batch_size": batch_size, "seed": seed}
    if spec.name == "stylegan":
        from ears_tf.train.stylegan import StyleGANStage

        return StyleGANStage(config, data_dir, workdir, **common)
    if spec.name == "encoder_hr":
        from ears_tf.train.encoder_hr import EncoderHRStage

        return EncoderHRStage(config, data_dir, workdir, vgg16_weights=vgg16_weights, **common)
    if spec.name == "pretrain_lowres":
        from ears_tf.train.pretrain_lowres import PretrainLowresStage

        return PretrainLowresStage(config, data_dir, workdir, **common)
    if spec.name == "pretrain_audio":
        from ears_tf.train.pretrain_audio import PretrainAudioStage

        return PretrainAudioStage(config, data_dir, workdir, **common)
    if spec.name == "fusion":
        from ears_tf.train.fusion import FusionStage

        return FusionStage(config, data_dir, workdir, num_layers=spec.fusion_layers,
                           finetune_audio=spec.finetune_audio, **common)
    if spec.name == "classifiers":
        from ears_tf.train.classifiers import ClassifiersStage

        return ClassifiersStage(config, data_dir, workdir, **common)
    if spec.name == "sr_baseline":
        from ears_tf.train.sr_baseline import SRBaselineStage

        return SRBaselineStage(config, data_dir, workdir, **common)
    raise ValueError(f"unknown stage {spec.name!r}; choose one of {', '.join(STAGE_NAMES)}")
