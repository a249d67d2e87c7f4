import numpy as np

from ears_tf import config, models
from tests.test_case import TestCase


class SRBaselineTest(TestCase):
    def test_contract(self):
        cfg = config.get_preset("smoke").model
        x = np.random.default_rng(0).uniform(-1, 1, (2, cfg.lr_size, cfg.lr_size, 3)).astype(np.float32)
        # Stem conv; per 2x level (four of them): sr_depth convs, a transposed conv, a residual conv.
        per_level = 2 * (cfg.sr_depth + 2)
        self.run_layer_test(models.SRBaseline, {"model_config": cfg.to_dict()}, x,
                            (2, cfg.hr_size, cfg.hr_size, 3), 2 + 4 * per_level)

    def test_image_branch_is_bilinear_upsampling_when_the_residuals_are_zero(self):
        cfg = config.get_preset("smoke").model
        model = models.SRBaseline(cfg)
        x = np.random.default_rng(1).uniform(-1, 1, (1, cfg.lr_size, cfg.lr_size, 3)).astype(np.float32)
        model(x)
        for layer in model.to_residual:
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
        expected = x
        for _ in range(4):
            expected = np.asarray(model.upsample(expected))
        np.testing.assert_allclose(model(x), expected, atol=1e-6)
