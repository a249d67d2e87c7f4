"""Test helper: checkpoints in the authors' format (names, shapes, weight rule), at any width.

The names and shapes follow the authors' graph as the official-tiny fixture's README
describes it (three copies of the generator, all ToRGB layers, slim's layer numbering),
written here from that description rather than from ears_tf's mapping table, so that a
test against them checks the table. Values follow the fixture's deterministic rule: a
normal draw seeded by the crc32 of the name, with a standard deviation by kind.
"""
from __future__ import annotations

import math
import os
import re
import zlib

import numpy as np

SLIM_LINEAR = ("LOW_RES_ENCODER//fully_connected_1/weights", "AUDIO_SPECTROGRAM_ENCODER//fully_connected_1/weights",
               "AUDIO_VISUAL_FUSER//fully_connected_2/weights")
EA_RESOLUTION = 257  # frames x bins of the spectrogram


def _fmaps(cfg, stage: int) -> int:
    return min(int(cfg.fmap_base / 2.0 ** stage), cfg.fmap_max)


def checkpoint_shapes(cfg) -> dict:
    """{name: shape} of the authors' model-0 for a model of `cfg` (ears_tf.config.ModelConfig)."""
    shapes = {}
    code = cfg.num_styles * cfg.latent_dim

    def slim(scope, name, shape, bias=True, norm=False):
        shapes[f"{scope}//{name}/weights"] = shape
        if bias:
            shapes[f"{scope}//{name}/biases"] = [shape[-1]]
        if norm:
            shapes[f"{scope}//{name}/InstanceNorm/beta"] = [shape[-1]]
            shapes[f"{scope}//{name}/InstanceNorm/gamma"] = [shape[-1]]

    conv = lambda i: "Conv" if i == 0 else f"Conv_{i}"  # noqa: E731
    dense = lambda i: "fully_connected" if i == 0 else f"fully_connected_{i}"  # noqa: E731
    # E_l: 3x3 convs; only the first has a bias, the others an instance norm.
    n, index, size = cfg.el_stem_filters, 0, cfg.lr_size
    slim("LOW_RES_ENCODER", conv(index), [3, 3, 3, n])
    for scale, width in enumerate(cfg.el_filters):
        for _ in range(2):
            index += 1
            slim("LOW_RES_ENCODER", conv(index), [3, 3, n, width], bias=False, norm=True)
            n = width
        if scale < 2:
            index += 1
            slim("LOW_RES_ENCODER", conv(index), [3, 3, n, cfg.el_filters[scale + 1]], bias=False, norm=True)
            n, size = cfg.el_filters[scale + 1], math.ceil(size / 2)
    slim("LOW_RES_ENCODER", dense(0), [size * size * n, code])
    slim("LOW_RES_ENCODER", dense(1), [code, code])
    # E_a: 4x4 convs with biases; stride 2 halves (SAME: ceil) the 257 x 257 map.
    n, size = cfg.ea_filters_base, math.ceil(EA_RESOLUTION / 2)
    slim("AUDIO_SPECTROGRAM_ENCODER", conv(0), [4, 4, 1, n])
    for scale in range(6):
        slim("AUDIO_SPECTROGRAM_ENCODER", conv(2 * scale + 1), [4, 4, n, n])
        wider = min(2 * n, cfg.ea_filters_max)
        slim("AUDIO_SPECTROGRAM_ENCODER", conv(2 * scale + 2), [4, 4, n, wider])
        n, size = wider, math.ceil(size / 2)
    slim("AUDIO_SPECTROGRAM_ENCODER", dense(0), [size * size * n, cfg.ea_dense])
    slim("AUDIO_SPECTROGRAM_ENCODER", dense(1), [cfg.ea_dense, code])
    for i, fan_in in enumerate((2 * code, code, code)):
        slim("AUDIO_VISUAL_FUSER", dense(i), [fan_in, code])
    # Three copies of the generator's trainable variables.
    res_log2 = int(math.log2(cfg.hr_size))
    for suffix in ("", "_1", "_2"):
        for i in range(cfg.mapping_layers):
            shapes[f"G_mapping{suffix}/Dense{i}/weight"] = [cfg.latent_dim, cfg.latent_dim]
            shapes[f"G_mapping{suffix}/Dense{i}/bias"] = [cfg.latent_dim]
        scope = f"G_synthesis{suffix}"

        def layer(name, channels):
            shapes[f"{scope}/{name}/bias"] = [channels]
            shapes[f"{scope}/{name}/Noise/weight"] = [channels]
            shapes[f"{scope}/{name}/StyleMod/weight"] = [cfg.latent_dim, 2 * channels]
            shapes[f"{scope}/{name}/StyleMod/bias"] = [2 * channels]

        c = _fmaps(cfg, 1)
        shapes[f"{scope}/4x4/Const/const"] = [1, c, 4, 4]
        layer("4x4/Const", c)
        shapes[f"{scope}/4x4/Conv/weight"] = [3, 3, c, c]
        layer("4x4/Conv", c)
        for res in range(3, res_log2 + 1):
            out, r = _fmaps(cfg, res - 1), 2 ** res
            shapes[f"{scope}/{r}x{r}/Conv0_up/weight"] = [3, 3, c, out]
            layer(f"{r}x{r}/Conv0_up", out)
            shapes[f"{scope}/{r}x{r}/Conv1/weight"] = [3, 3, out, out]
            layer(f"{r}x{r}/Conv1", out)
            c = out
        for lod in range(res_log2 - 1):
            shapes[f"{scope}/ToRGB_lod{lod}/weight"] = [1, 1, _fmaps(cfg, res_log2 - lod - 1), 3]
            shapes[f"{scope}/ToRGB_lod{lod}/bias"] = [3]
    return {name: [int(d) for d in shape] for name, shape in shapes.items()}


def rule_std_mean(name: str, shape) -> tuple[float, float]:
    """The fixture's weight rule (version 1): (std, mean) by the variable's name."""
    fan_in = math.prod(shape[:-1]) if len(shape) >= 2 else 1
    if name.startswith(("LOW_RES_ENCODER", "AUDIO_SPECTROGRAM_ENCODER", "AUDIO_VISUAL_FUSER")):
        if name.endswith("/InstanceNorm/gamma"):
            return 0.1, 1.0
        if name.endswith(("/InstanceNorm/beta", "/biases")):
            return 0.1, 0.0
        return math.sqrt((1.0 if name in SLIM_LINEAR else 2.0) / fan_in), 0.0
    if re.search(r"(^|/)lod$", name):
        return 0.0, 0.0
    if name.endswith("/dlatent_avg") or re.match(r"^G_synthesis(_\d+)?/noise\d+$", name):
        return 1.0, 0.0
    if name.endswith("/Noise/weight"):
        return 0.1, 0.0
    if re.match(r"^G_mapping(_\d+)?/Dense\d+/weight$", name):
        return 100.0, 0.0
    if re.match(r"^G_mapping(_\d+)?/Dense\d+/bias$", name):
        return 10.0, 0.0
    if re.search(r"/ToRGB_lod\d+/weight$", name):
        return 0.25, 0.0
    if name.endswith("/bias"):
        return 0.1, 0.0
    return 1.0, 0.0  # const, equalized-learning-rate weights, StyleMod


def rule_value(name: str, shape) -> np.ndarray:
    std, mean = rule_std_mean(name, shape)
    value = np.random.default_rng(zlib.crc32(name.encode("utf-8"))).standard_normal(tuple(shape))
    value *= std
    value += mean
    return value.astype(np.float32)


def write_checkpoint(folder, shapes: dict, prefix: str = "model-0", values: dict | None = None) -> str:
    """Writes a TF1 name-based checkpoint (V2 bundle) of `shapes`; returns its prefix path.

    `values` overrides the rule for some names (any dtype, any shape: for bad-input tests).
    """
    import tensorflow as tf

    os.makedirs(folder, exist_ok=True)
    values = values or {}
    names = sorted(shapes)
    tensors = [tf.constant(values[name] if name in values else rule_value(name, shapes[name])) for name in names]
    path = os.path.join(folder, prefix)
    tf.raw_ops.SaveV2(prefix=path, tensor_names=names, shape_and_slices=[""] * len(names), tensors=tensors)
    with open(os.path.join(folder, "checkpoint"), "w") as stream:
        stream.write(f'model_checkpoint_path: "{prefix}"\nall_model_checkpoint_paths: "{prefix}"\n')
    return path
