import numpy as np

from ears_tf import config, models
from tests.test_case import TestCase, count_params


class LowResEncoderTest(TestCase):
    def test_contract(self):
        cfg = config.get_preset("smoke").model
        x = np.random.default_rng(0).uniform(-1, 1, (2, cfg.lr_size, cfg.lr_size, 3)).astype(np.float32)
        # stem conv + bias (2), 6 convs and 2 stride-2 convs with instance norm (8 x 3), two dense (4).
        self.run_layer_test(models.LowResEncoder, {"model_config": cfg.to_dict()}, x,
                            (2, cfg.num_styles, cfg.latent_dim), 30)

    def test_paper_count_equals_the_authors(self):
        encoder = models.LowResEncoder(config.get_preset("paper").model)
        encoder.build((None, 8, 8, 3))
        self.assertEqual(count_params(encoder.trainable_weights), 88_744_192)

    def test_output_depends_on_the_input_at_every_preset_size(self):
        # Guards the minimum 2x2 scale: instance norm over 1x1 maps would make E_l constant.
        for preset in ("quickstart", "smoke"):
            cfg = config.get_preset(preset).model
            encoder = models.LowResEncoder(cfg)
            rng = np.random.default_rng(1)
            a, b = (rng.uniform(-1, 1, (1, cfg.lr_size, cfg.lr_size, 3)).astype(np.float32) for _ in range(2))
            self.assertGreater(float(np.abs(encoder(a) - encoder(b)).max()), 1e-3, preset)
