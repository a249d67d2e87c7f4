"""The model variants of the paper's ablations, each with one name used everywhere.

A `FusionVariant` says which encoders feed the generator and through which fusion:
training (`--stage=fusion --fusion=NAME`), inference and export (`--variant=NAME`),
the evaluation's table rows and the workdir's folders all use its `name`.
"""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class FusionVariant:
    name: str
    uses_image: bool  # E_l
    uses_audio: bool  # E_a
    fusion_layers: int  # 0: no fusion; 1: F; 3: F3
    finetune_audio: bool  # E_a trained along with F (its weights live with F)
    label: str  # the paper's row

    @property
    def trained_by_fusion(self) -> bool:
        """Whether the `fusion` stage trains this variant (its F and E_a live in fusion/NAME/)."""
        return self.fusion_layers > 0


LOWRES_ONLY = FusionVariant("lowres_only", True, False, 0, False, "(b) E_l only")
AUDIO_ONLY = FusionVariant("audio_only", False, True, 0, False, "(c) E_a only")
F1_FINETUNE = FusionVariant("f1_finetune", True, True, 1, True, "(d) F + fine-tuned E_a")
F3_FINETUNE = FusionVariant("f3_finetune", True, True, 3, True, "(e) F3 + fine-tuned E_a")
F1_FIXED = FusionVariant("f1_fixed", True, True, 1, False, "(f) F + fixed E_a")

VARIANTS = (LOWRES_ONLY, AUDIO_ONLY, F1_FINETUNE, F3_FINETUNE, F1_FIXED)
VARIANT_NAMES = tuple(v.name for v in VARIANTS)
# What the fusion stage trains, in the order `--stage=all` runs them (paper Table 1 d, e, f).
FUSED = tuple(v for v in VARIANTS if v.trained_by_fusion)
FUSED_NAMES = tuple(v.name for v in FUSED)
# The authors' released model.
DEFAULT = F3_FINETUNE


def get_variant(name: str) -> FusionVariant:
    for variant in VARIANTS:
        if variant.name == name:
            return variant
    raise ValueError(f"unknown variant {name!r}; choose one of {', '.join(VARIANT_NAMES)}")
