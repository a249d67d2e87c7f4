import numpy as np

from ears_tf import config, models
from tests.test_case import TestCase, count_params


class HighResEncoderTest(TestCase):
    def test_contract(self):
        cfg = config.get_preset("smoke").model
        x = np.random.default_rng(0).uniform(-1, 1, (2, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
        # 6 stride-1 convs (the first with a bias, the rest with instance norm: 2 + 5 x 3 weights),
        # 5 stride-2 convs with instance norm (5 x 3), one dense (2).
        self.run_layer_test(models.HighResEncoder, {"model_config": cfg.to_dict()}, x,
                            (2, cfg.num_styles, cfg.latent_dim), 34)

    def test_paper_count_equals_the_authors(self):
        encoder = models.HighResEncoder(config.get_preset("paper").model)
        encoder.build((None, 128, 128, 3))
        self.assertEqual(count_params(encoder.trainable_weights), 167_662_144)

    def test_downsampling_stops_at_4x4(self):
        for preset, final in (("paper", 4), ("quickstart", 4), ("smoke", 4)):
            cfg = config.get_preset(preset).model
            encoder = models.HighResEncoder(cfg)
            encoder.build((None, cfg.hr_size, cfg.hr_size, 3))
            self.assertEqual(encoder.to_latents.kernel.shape[0], final * final * cfg.eh_filters_max, preset)
