import pytest

from ears_tf import config
from ears_tf.models import flops


def test_paper_generator_is_36_5_gflop_per_image():
    # The issue's figure for the authors' G at 128: 18.24 G multiply-adds, 36.5 GFLOP. The
    # analytic count leaves out element-wise work (blur, noise, bias), about 0.1% of it.
    cfg = config.get_preset("paper").model
    assert flops.generator_macs(cfg) / 1e9 == pytest.approx(18.24, rel=2e-3)
    assert flops.generator_flops(cfg) / 1e9 == pytest.approx(36.5, abs=0.05)


def test_quickstart_generator_is_far_cheaper():
    assert flops.generator_flops(config.get_preset("quickstart").model) < flops.generator_flops(config.get_preset("paper").model) / 100


def test_discriminator_count_matches_a_hand_count_at_smoke_size():
    cfg = config.get_preset("smoke").model  # 32x32; fmaps(0..4) = 16, 16, 16, 8, 4; nothing fused
    assert [cfg.fmaps(s) for s in range(5)] == [16, 16, 16, 8, 4]
    expected = 32 * 32 * 3 * 4  # fromRGB
    expected += 32 * 32 * 9 * 4 * 4 + 32 * 32 * 9 * 4 * 8  # 32x32 block
    expected += 16 * 16 * 9 * 8 * 8 + 16 * 16 * 9 * 8 * 16  # 16x16 block
    expected += 8 * 8 * 9 * 16 * 16 * 2  # 8x8 block
    expected += 16 * 9 * 17 * 16 + 16 * 16 * 16 + 16  # 4x4: conv after mbstd, two dense
    assert flops.discriminator_macs(cfg) == expected


def test_graph_flops_counts_a_dense_layer_and_agrees_with_the_analytic_generator():
    import keras
    import tensorflow as tf

    from ears_tf import models

    dense = keras.layers.Dense(3)
    dense.build((None, 4))
    assert flops.graph_flops(dense, [tf.TensorSpec([1, 4])]) == 2 * 4 * 3 + 3  # matmul and bias
    cfg = config.get_preset("quickstart").model
    generator = models.Generator(cfg)
    traced = flops.graph_flops(lambda z: generator(z, noise_mode="off"),
                               [tf.TensorSpec([1, cfg.num_styles, cfg.latent_dim])])
    assert traced == pytest.approx(flops.generator_flops(cfg), rel=0.05)  # element-wise work on top
