import numpy as np

from ears_tf import config, models
from tests.test_case import TestCase


class FaceClassifierTest(TestCase):
    def test_contract(self):
        cfg = config.get_preset("smoke").model
        x = np.random.default_rng(0).uniform(-1, 1, (2, cfg.hr_size, cfg.hr_size, 3)).astype(np.float32)
        # 32 -> stem 16 -> two scales (16, 8) -> 4x4: stem conv + 4 convs, each with batch norm
        # (scale, offset trainable; mean, variance not), and the dense head.
        self.run_layer_test(models.FaceClassifier, {"num_classes": 6, "filters_base": 4, "filters_max": 8}, x,
                            (2, 6), expected_num_trainable_weights=5 * 3 + 2,
                            expected_num_non_trainable_weights=5 * 2)

    def test_inference_is_deterministic_and_training_mode_is_not(self):
        classifier = models.FaceClassifier(2, 4, 8)
        x = np.random.default_rng(1).uniform(-1, 1, (4, 32, 32, 3)).astype(np.float32)
        np.testing.assert_array_equal(classifier(x), classifier(x))
        self.assertFalse(np.allclose(classifier(x, training=True), classifier(x, training=True)))  # dropout
