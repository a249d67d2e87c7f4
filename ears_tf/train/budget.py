"""What each stage of a preset costs in FLOPs: the planning figures of `--stage=all`'s run ETA
and of `experiments/paper_budget.py`.

Each model's forward GFLOP per image is its analytic count (`models.flops.forward_gflop`,
which tests check against the traced graphs). A stage's step per image adds 3x forward for a
trained network (forward, and a backward twice its cost), 2x for a frozen one that gradients
pass through, 1x for a frozen one that only makes targets. The `stylegan` step is
`flops.training_step_flops` (R1, on one step in 16, not counted); while it grows, each step
costs that of G and D at the resolution it trains (`run_gflop`).
"""
from __future__ import annotations

import collections
import dataclasses

from ears_tf.config import Config

TRAINED, THROUGH, TARGET = 3.0, 2.0, 1.0


def model_costs(config: Config, speakers: int, with_vgg16: bool = True) -> dict:
    """Forward GFLOP per image of every model the stages run, by name (analytic: nothing is built)."""
    from ears_tf.models import flops

    return flops.forward_gflop(config.model, speakers, with_vgg16)


def step_gflop_per_image(stage: str, costs: dict, config: Config, variant=None) -> float:
    """GFLOP of one training step per image of `stage` (a registry name)."""
    from ears_tf.models import flops

    if stage == "stylegan":
        return flops.training_step_flops(config.model) / 1e9
    c = costs
    perceptual = c["VGG16"] if "VGG16" in c else c["D"]  # eq. 1's features: VGG16, or D without weights
    if stage == "feature_net":
        return TRAINED * c["feature_net"]
    if stage == "encoder_hr":
        return TRAINED * c["E_h"] + THROUGH * c["G"] + THROUGH * perceptual + TARGET * perceptual
    if stage == "pretrain_lowres":
        return TRAINED * c["E_l"] + TARGET * c["E_h"] + THROUGH * c["G"]
    if stage == "pretrain_audio":
        return TRAINED * c["E_a"] + 2 * TARGET * c["E_h"]  # E_h of the face and of its mirror
    if stage == "fusion":
        fusion = c["F3"] if variant.fusion_layers == 3 else c["F"]
        audio = TRAINED * c["E_a"] if variant.finetune_audio else TARGET * c["E_a"]
        return TARGET * (c["E_l"] + c["E_h"]) + THROUGH * c["G"] + audio + TRAINED * fusion
    if stage == "classifiers":
        return TRAINED * (c["C_i"] + c["C_g"])
    if stage == "sr_baseline":
        return TRAINED * c["SR"]
    raise ValueError(f"no cost model for stage {stage!r}")


def run_gflop(stage: str, costs: dict, config: Config, steps: int, batch_size: int, variant=None) -> float:
    """GFLOP of `steps` training steps of `stage` at `batch_size`."""
    if stage == "stylegan" and config.train.stylegan_growth is not None:
        return grown_stylegan_gflop(config, steps, batch_size)
    return steps * batch_size * step_gflop_per_image(stage, costs, config, variant)


def grown_stylegan_gflop(config: Config, steps: int, batch_size: int) -> float:
    """GFLOP of a growing `stylegan` run: each step at the resolution it trains (fades counted at the new one).

    G and D up to resolution 2**r are the full models' blocks up to r, so each resolution
    costs `training_step_flops` of the model config at that size; the fading ladders' 1x1
    convs and resizes are left out.
    """
    from ears_tf.models import flops

    schedule, cfg = config.train.stylegan_growth, config.model
    steps_at = collections.Counter(schedule.resolution_log2(step * batch_size, cfg.resolution_log2)
                                   for step in range(steps))
    return sum(count * batch_size * flops.training_step_flops(dataclasses.replace(cfg, hr_size=2 ** res_log2)) / 1e9
               for res_log2, count in steps_at.items())
