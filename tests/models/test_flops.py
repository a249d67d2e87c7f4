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


@pytest.mark.parametrize("preset", ["smoke", "quickstart"])
def test_analytic_counts_agree_with_the_traced_graphs(preset):
    """Every model's analytic count against TensorFlow's profiler on its traced graph: the graph
    adds the element-wise work (bias, norms, activations): 0.3 to 7% above the analytic counts."""
    import keras
    import tensorflow as tf

    from ears_tf import models
    from ears_tf.metrics.frechet import build_feature_net

    cfg = config.get_preset(preset).model
    speakers = 20
    analytic = flops.forward_gflop(cfg, speakers)
    hr = tf.TensorSpec([1, cfg.hr_size, cfg.hr_size, 3])
    lr = tf.TensorSpec([1, cfg.lr_size, cfg.lr_size, 3])
    code = tf.TensorSpec([1, cfg.num_styles, cfg.latent_dim])

    def built(model, spec):
        model.build((None,) + tuple(spec.shape[1:]))
        return model

    fusion = {layers: models.Fusion(cfg, num_layers=layers) for layers in (1, 3)}
    graphs = {
        "E_h": (built(models.HighResEncoder(cfg), hr), [hr]),
        "E_l": (built(models.LowResEncoder(cfg), lr), [lr]),
        "E_a": (built(models.AudioEncoder(cfg), tf.TensorSpec([1, cfg.audio.num_samples])),
                [tf.TensorSpec([1, cfg.audio.num_samples])]),
        "F": (lambda a, b: fusion[1](a, b), [code, code]),
        "F3": (lambda a, b: fusion[3](a, b), [code, code]),
        "C_i": (built(models.FaceClassifier(speakers, *cfg.identity_classifier_filters), hr), [hr]),
        "C_g": (built(models.FaceClassifier(2, *cfg.gender_classifier_filters,
                                            input_size=cfg.gender_classifier_size), hr), [hr]),
        "SR": (built(models.SRBaseline(cfg), lr), [lr]),
        "D": (built(models.Discriminator(cfg), hr), [hr]),
        "feature_net": (build_feature_net(cfg.hr_size, speakers), [hr]),
        "VGG16": (keras.applications.VGG16(weights=None, include_top=False, input_shape=(cfg.hr_size, cfg.hr_size, 3)),
                  [hr]),
    }
    for name, (fn, specs) in graphs.items():
        traced = flops.graph_flops(fn, specs) / 1e9
        assert analytic[name] <= traced * 1.001, name
        assert analytic[name] == pytest.approx(traced, rel=0.1), name
