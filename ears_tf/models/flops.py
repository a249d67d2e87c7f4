"""Forward cost per image (1 multiply-add = 2 FLOP): analytic for G and D, traced for any graph.

The analytic counts take convolutions, dense layers and style affines; element-wise
work (noise, bias, activations, normalisation, blur) is left out, as FLOP counts
usually do. `graph_flops` counts every op of a traced function with TensorFlow's
profiler (for the paper G: 3% above the analytic count, the element-wise work).
"""
from __future__ import annotations

from ears_tf.config import ModelConfig
from ears_tf.models.generator import FUSED_SCALE_MIN_RESOLUTION


def generator_macs(cfg: ModelConfig) -> int:
    dim, k = cfg.latent_dim, cfg.num_styles
    macs = k * cfg.mapping_layers * dim * dim  # each of the k rows through the mapping network
    size, channels = 4, cfg.fmaps(1)
    macs += 2 * dim * 2 * channels  # two style affines at 4x4
    macs += size * size * 9 * channels * channels  # 4x4 conv
    for res in range(3, cfg.resolution_log2 + 1):
        out, new_size = cfg.fmaps(res - 1), 2 * size
        if new_size >= FUSED_SCALE_MIN_RESOLUTION:
            macs += size * size * 16 * channels * out  # stride-2 transposed 4x4 conv
        else:
            macs += new_size * new_size * 9 * channels * out
        macs += new_size * new_size * 9 * out * out
        macs += 2 * dim * 2 * out
        size, channels = new_size, out
    macs += size * size * channels * 3  # toRGB
    return macs


def generator_flops(cfg: ModelConfig) -> int:
    return 2 * generator_macs(cfg)


def discriminator_macs(cfg: ModelConfig) -> int:
    size = cfg.hr_size
    macs = size * size * 3 * cfg.fmaps(cfg.resolution_log2 - 1)  # fromRGB
    for res in range(cfg.resolution_log2, 2, -1):
        c_in, c_out = cfg.fmaps(res - 1), cfg.fmaps(res - 2)
        macs += size * size * 9 * c_in * c_in
        if size >= FUSED_SCALE_MIN_RESOLUTION:
            macs += (size // 2) ** 2 * 16 * c_in * c_out  # stride-2 4x4 conv
        else:
            macs += size * size * 9 * c_in * c_out
        size //= 2
    macs += 16 * 9 * (cfg.fmaps(1) + 1) * cfg.fmaps(1) + 16 * cfg.fmaps(1) * cfg.fmaps(0) + cfg.fmaps(0)
    return macs


def training_step_flops(cfg: ModelConfig) -> int:
    """Per image, one D step and one G step as the `stylegan` stage runs them, without R1.

    A backward pass costs about twice its forward: D step = G forward + D forward and
    backward on fakes and reals; G step = G and D forward and backward.
    """
    g, d = generator_macs(cfg), discriminator_macs(cfg)
    return 2 * (g + 2 * 3 * d + 3 * g + 3 * d)


def graph_flops(fn, input_specs) -> int:
    """FLOP of one call of `fn` on inputs of `input_specs` (tf.TensorSpec, fixed shapes)."""
    import tensorflow as tf

    concrete = tf.function(fn).get_concrete_function(*input_specs)
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return int(tf.compat.v1.profiler.profile(concrete.graph, options=options).total_float_ops)
