"""Forward cost per image (1 multiply-add = 2 FLOP), analytic for every model of the method.

The analytic counts take convolutions, dense layers, style affines and the spectrogram's
DFT; element-wise work (noise, bias, activations, normalisation, blur) is left out, as FLOP
counts usually do. They need no backend and build nothing, so `--stage=all` plans a paper
run without creating its 668M parameters. `graph_flops` counts every op of a traced function
with TensorFlow's profiler: the tests' cross-check of the analytic counts.
"""
from __future__ import annotations

from ears_tf.config import ModelConfig
from ears_tf.models.generator import FUSED_SCALE_MIN_RESOLUTION

# Keras' VGG16 without its top: (filters, convs) per block, each block ending in a 2x2 max pool.
VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))


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


def vgg16_macs(image_size: int) -> int:
    size, channels, macs = image_size, 3, 0
    for filters, convs in VGG16_BLOCKS:
        for _ in range(convs):
            macs += size * size * 9 * channels * filters
            channels = filters
        size //= 2
    return macs


def feature_net_macs(image_size: int, num_classes: int) -> int:
    """The Frechet distance's feature network (ears_tf.metrics.frechet.build_feature_net)."""
    from ears_tf.metrics.frechet import FEATURE_NET_FILTERS

    size, channels, macs = image_size, 3, 0
    for filters in FEATURE_NET_FILTERS:
        size = -(-size // 2)
        macs += size * size * 9 * channels * filters
        channels = filters
    return macs + channels * num_classes


def forward_gflop(cfg: ModelConfig, speakers: int, with_vgg16: bool = True, with_feature_net: bool = True) -> dict:
    """Forward GFLOP per image of every model the stages run, by name; nothing is built. The
    Frechet feature network's count reads the metric's module, which needs TensorFlow."""
    from ears_tf import models

    hr = (1, cfg.hr_size, cfg.hr_size, 3)
    lr = (1, cfg.lr_size, cfg.lr_size, 3)
    macs = {
        "G": generator_macs(cfg),
        "D": discriminator_macs(cfg),
        "E_h": models.HighResEncoder(cfg).forward_macs(hr),
        "E_l": models.LowResEncoder(cfg).forward_macs(lr),
        "E_a": models.AudioEncoder(cfg).forward_macs((1, cfg.audio.num_samples)),
        "F": models.Fusion(cfg, num_layers=1).forward_macs(),
        "F3": models.Fusion(cfg, num_layers=3).forward_macs(),
        "C_i": models.FaceClassifier(speakers, *cfg.identity_classifier_filters).forward_macs(hr),
        "C_g": models.FaceClassifier(2, *cfg.gender_classifier_filters,
                                     input_size=cfg.gender_classifier_size).forward_macs(hr),
        "SR": models.SRBaseline(cfg).forward_macs(lr),
    }
    if with_feature_net:
        macs["feature_net"] = feature_net_macs(cfg.hr_size, speakers)
    if with_vgg16:
        macs["VGG16"] = vgg16_macs(cfg.hr_size)
    return {name: 2 * count / 1e9 for name, count in macs.items()}


def super_resolver_gflop(cfg: ModelConfig, variant: str) -> float:
    """Forward GFLOP per example of the fused model `variant` (its encoders, F or F3, then G)."""
    from ears_tf import variants

    spec = variants.get_variant(variant)
    costs = forward_gflop(cfg, speakers=1, with_vgg16=False, with_feature_net=False)  # runs where JAX alone is
    total = costs["G"]
    total += costs["E_l"] if spec.uses_image else 0.0
    total += costs["E_a"] if spec.uses_audio else 0.0
    if spec.trained_by_fusion:
        total += costs["F3"] if spec.fusion_layers == 3 else costs["F"]
    return total


def graph_flops(fn, input_specs) -> int:
    """FLOP of one call of `fn` on inputs of `input_specs` (tf.TensorSpec, fixed shapes)."""
    import tensorflow as tf

    concrete = tf.function(fn).get_concrete_function(*input_specs)
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return int(tf.compat.v1.profiler.profile(concrete.graph, options=options).total_float_ops)
