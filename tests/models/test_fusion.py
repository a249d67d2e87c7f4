import numpy as np

from ears_tf import config, models
from tests.test_case import TestCase


class FusionTest(TestCase):
    def setUp(self):
        super().setUp()
        self.cfg = config.get_preset("smoke").model
        rng = np.random.default_rng(0)
        shape = (2, self.cfg.num_styles, self.cfg.latent_dim)
        self.z_l, self.z_a = (rng.normal(size=shape).astype(np.float32) for _ in range(2))

    def test_contract_f1_and_f3(self):
        for num_layers in (1, 3):
            self.run_layer_test(models.Fusion, {"model_config": self.cfg.to_dict(), "num_layers": num_layers},
                                (self.z_l, self.z_a), self.z_l.shape, 2 * num_layers)

    def test_paper_counts_equal_the_authors(self):
        cfg = config.get_preset("paper").model
        for num_layers, expected in ((1, 75_503_616), (3, 151_013_376)):
            fusion = models.Fusion(cfg, num_layers=num_layers)
            fusion.build((None, 12, 512), (None, 12, 512))
            self.assertEqual(fusion.count_params(), expected)

    def test_starts_as_the_low_res_code(self):
        for num_layers in (1, 3):
            fusion = models.Fusion(self.cfg, num_layers=num_layers)
            self.assertAllClose(fusion(self.z_l, self.z_a), self.z_l)

    def test_rejects_other_depths(self):
        with self.assertRaisesRegex(ValueError, "num_layers"):
            models.Fusion(self.cfg, num_layers=2)
