"""The one table from the authors' variables to ours, with why each rule is as it is.

A rule names our variable (in one of our four models), theirs, where theirs is read from
(the TF1 checkpoint or the StyleGAN snapshot) and the layout change between them. The
fields in braces run over the layers of the model being converted (`expand`). What we
read and do not use is listed in `UNUSED`, each with its reason, so that every variable
of theirs is accounted for.
"""
from __future__ import annotations

import dataclasses
import re

import numpy as np

from ears_tf.config import ModelConfig
from ears_tf.convert import names

CHECKPOINT = "checkpoint"
SNAPSHOT = "snapshot"
MODELS = ("generator", "encoder_lr", "encoder_audio", "fusion")

SAME = "same"  # both store the tensor in the same layout and the same (unscaled) values
NCHW = "nchw_to_nhwc"  # their StyleGAN tensors are NCHW, ours NHWC


@dataclasses.dataclass(frozen=True)
class Rule:
    model: str
    ours: str  # path inside our model, e.g. "synthesis/epilogue{j}/bias/bias"
    theirs: str  # e.g. "G_synthesis_2/{layer}/bias"
    over: str  # the enumeration that fills the braces (see `_fields`)
    why: str
    source: str = CHECKPOINT
    layout: str = SAME


G_SYN, G_MAP = names.INFERENCE_SYNTHESIS, names.INFERENCE_MAPPING
EL, EA, FUSER = names.LOW_RES_ENCODER, names.AUDIO_ENCODER, names.FUSER

RULES = (
    # The generator: the copy the authors' inference runs (names.INFERENCE_*).
    Rule("generator", "mapping/dense{i}/kernel", G_MAP + "Dense{i}/weight", "mapping",
         "dense [in, out] in both; both store weights unscaled and multiply by gain / sqrt(fan_in) x lrmul "
         "(equalized learning rate, lrmul 0.01) at run time"),
    Rule("generator", "mapping/dense{i}/bias", G_MAP + "Dense{i}/bias", "mapping",
         "stored x 1 / lrmul in both, multiplied by lrmul at run time"),
    Rule("generator", "synthesis/const/const", G_SYN + "4x4/Const/const", "once",
         "the learned 4x4 input: theirs [1, C, 4, 4] (NCHW), ours [1, 4, 4, C]", layout=NCHW),
    Rule("generator", "synthesis/{conv}/kernel", G_SYN + "{layer}/weight", "conv",
         "3x3 kernels [kh, kw, in, out] in both, scaled at run time. The 128x128 Conv0_up is their fused "
         "transposed conv; ours (FusedUpscaleConv2D) stores the same 3x3 kernel and builds the same 4x4 "
         "kernel from it at run time"),
    Rule("generator", "synthesis/epilogue{j}/bias/bias", G_SYN + "{layer}/bias", "epilogue",
         "the per-channel bias their layer epilogue adds after the noise"),
    Rule("generator", "synthesis/epilogue{j}/noise/strength", G_SYN + "{layer}/Noise/weight", "epilogue",
         "the per-layer, per-channel noise strength (trainable, so in the checkpoint; unused with noise off)"),
    Rule("generator", "synthesis/epilogue{j}/style/affine/kernel", G_SYN + "{layer}/StyleMod/weight", "epilogue",
         "the style's dense layer [D, 2C] (gain 1, scaled at run time); scale first, then shift, in both"),
    Rule("generator", "synthesis/epilogue{j}/style/affine/bias", G_SYN + "{layer}/StyleMod/bias", "epilogue",
         "the style's bias, scale half first"),
    Rule("generator", "synthesis/to_rgb/kernel", G_SYN + "ToRGB_lod0/weight", "once",
         "lod 0 is the full-resolution output; 1x1 conv [1, 1, C, 3], gain 1"),
    Rule("generator", "synthesis/to_rgb/bias", G_SYN + "ToRGB_lod0/bias", "once", "the output bias"),
    Rule("generator", "w_avg", "Gs/dlatent_avg", "once",
         "the running mean of w (truncation's centre) is not trainable, so only the snapshot's Gs has it",
         source=SNAPSHOT),
    Rule("generator", "synthesis/epilogue{j}/noise/const_noise", "G_synthesis_1/noise{j}", "epilogue",
         "the fixed noise images (noise_mode='const') are not trainable: the snapshot's Gs has them, "
         "[1, 1, R, R] there, [1, R, R, 1] here", source=SNAPSHOT, layout=NCHW),
    # E_l: slim layers, NHWC like ours; flatten is (h, w, c) in both.
    Rule("encoder_lr", "stem/conv/kernel", EL + "Conv/weights", "once",
         "slim conv [kh, kw, in, out] = Keras Conv2D's kernel"),
    Rule("encoder_lr", "stem/conv/bias", EL + "Conv/biases", "once",
         "the first conv has no normalizer, so it has a bias"),
    Rule("encoder_lr", "{block}/conv/kernel", EL + "{conv}/weights", "el_normed",
         "slim numbers convs in creation order, stride-2 ones included, as our blocks are made"),
    Rule("encoder_lr", "{block}/instance_norm/gamma", EL + "{conv}/InstanceNorm/gamma", "el_normed",
         "instance norm after the conv (no conv bias), epsilon 1e-6 in both"),
    Rule("encoder_lr", "{block}/instance_norm/beta", EL + "{conv}/InstanceNorm/beta", "el_normed",
         "the instance norm's offset"),
    Rule("encoder_lr", "hidden/{part}", EL + "fully_connected/{theirs_part}", "dense_parts",
         "dense [in, out], y = x W + b, on the NHWC flatten"),
    Rule("encoder_lr", "to_latents/{part}", EL + "fully_connected_1/{theirs_part}", "dense_parts",
         "the linear output [k D]; row r of the latents is features 512 r .. 512 r + 511 in both"),
    # E_a: every conv has a bias, no normalization.
    Rule("encoder_audio", "{block}/conv/{part}", EA + "{conv}/{theirs_part}", "ea_convs",
         "slim conv with bias; creation order stem, then per scale the 4x4 conv and the stride-2 conv"),
    Rule("encoder_audio", "hidden/{part}", EA + "fully_connected/{theirs_part}", "dense_parts",
         "the hidden dense layer (8192 units in the paper)"),
    Rule("encoder_audio", "to_latents/{part}", EA + "fully_connected_1/{theirs_part}", "dense_parts",
         "the linear output [k D]"),
    # F3: three dense layers on concat(z_l, z_a); the residual z_l is added after the last.
    Rule("fusion", "dense{i}/{part}", FUSER + "{dense}/{theirs_part}", "fusion_dense",
         "F3's dense layers in order; the concatenation is [z_l, z_a] in both"),
)

# What we read and do not use: (pattern over their names, why).
UNUSED = (
    (r"^G_(synthesis|mapping)/", "the snapshot's G (the training generator) as test.py restores it; not run"),
    (r"^G_(synthesis|mapping)_1/", "the snapshot's Gs as test.py restores it; its inference builds and runs _2"),
    (r"^G_synthesis_2/ToRGB_lod[1-9]\d*/", "lower-resolution outputs of progressive growing; lod is 0"),
    (r"(^|/)lod$", "the progressive-growing level, 0 at full resolution"),
    (r"^G/dlatent_avg$", "the training generator's running mean of w (Gs's is used)"),
    (r"^D/", "the discriminator: not part of inference or of the encoders' training"),
)


def unused_reason(name: str) -> str | None:
    for pattern, why in UNUSED:
        if re.search(pattern, name):
            return why
    return None


def _conv_name(index: int, size: int) -> str:
    if index == 1:
        return "conv4x4"
    return f"up_conv{size}" if index % 2 == 0 else f"conv{size}"


def _el_blocks() -> list[str]:
    """Our E_l blocks after the stem, in creation order (= their Conv_1 .. Conv_8)."""
    blocks = []
    for scale in range(3):
        blocks += [f"scale{scale}_conv0", f"scale{scale}_conv1"] + ([f"scale{scale}_down"] if scale < 2 else [])
    return blocks


def _fields(over: str, cfg: ModelConfig) -> list[dict]:
    dense_parts = [{"part": "kernel", "theirs_part": "weights"}, {"part": "bias", "theirs_part": "biases"}]
    if over == "once":
        return [{}]
    if over == "mapping":
        return [{"i": i} for i in range(cfg.mapping_layers)]
    if over == "epilogue":
        return [{"j": j, "layer": names.synthesis_layer(j)} for j in range(cfg.num_styles)]
    if over == "conv":
        return [{"conv": _conv_name(j, 2 ** (j // 2 + 2)), "layer": names.synthesis_layer(j)} for j in range(1, cfg.num_styles)]
    if over == "el_normed":
        return [{"block": block, "conv": names.slim_conv(i + 1)} for i, block in enumerate(_el_blocks())]
    if over == "dense_parts":
        return dense_parts
    if over == "ea_convs":
        blocks = ["stem"] + [f"scale{i}_{kind}" for i in range(names.E_A_SCALES) for kind in ("conv", "down")]
        return [dict(block=block, conv=names.slim_conv(i), **part) for i, block in enumerate(blocks) for part in dense_parts]
    if over == "fusion_dense":
        return [dict(i=i, dense=names.slim_dense(i), **part) for i in range(3) for part in dense_parts]
    raise ValueError(f"unknown enumeration {over!r}")


@dataclasses.dataclass(frozen=True)
class Assignment:
    model: str
    ours: str
    theirs: str
    source: str
    layout: str
    rule: Rule


def expand(cfg: ModelConfig, with_snapshot: bool) -> list[Assignment]:
    """Every (our variable <- their variable) of a model of `cfg`; snapshot rules only `with_snapshot`."""
    out = []
    for rule in RULES:
        if rule.source == SNAPSHOT and not with_snapshot:
            continue
        for fields in _fields(rule.over, cfg):
            out.append(Assignment(rule.model, rule.ours.format(**fields), rule.theirs.format(**fields),
                                  rule.source, rule.layout, rule))
    return out


def to_ours(value: np.ndarray, layout: str) -> np.ndarray:
    """Their tensor in our layout."""
    if layout == SAME:
        return value
    if layout == NCHW:
        return np.transpose(value, (0, 2, 3, 1))  # [1, C, H, W] -> [1, H, W, C]
    raise ValueError(f"unknown layout {layout!r}")


def to_theirs_shape(shape: tuple, layout: str) -> tuple:
    """The shape their tensor has when ours has `shape`."""
    if layout == NCHW:
        return (shape[0], shape[3], shape[1], shape[2])
    return tuple(shape)
