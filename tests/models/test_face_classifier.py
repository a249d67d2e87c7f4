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

    def test_contract_with_a_smaller_input_size(self):
        x = np.random.default_rng(2).uniform(-1, 1, (2, 32, 32, 3)).astype(np.float32)
        # 32 averaged to 16 -> stem 8 -> one scale (8) -> 4x4: stem conv + 2 convs with batch norm, and the head.
        self.run_layer_test(models.FaceClassifier, {"num_classes": 2, "filters_base": 4, "filters_max": 8,
                                                    "input_size": 16}, x,
                            (2, 2), expected_num_trainable_weights=3 * 3 + 2, expected_num_non_trainable_weights=3 * 2)

    def test_input_size_equals_the_network_on_box_averaged_faces(self):
        x = np.random.default_rng(3).uniform(-1, 1, (4, 32, 32, 3)).astype(np.float32)
        coarse = models.FaceClassifier(2, 4, 8, input_size=16)
        coarse.build((None, 32, 32, 3))
        plain = models.FaceClassifier(2, 4, 8)
        plain.build((None, 16, 16, 3))
        plain.set_weights(coarse.get_weights())
        averaged = x.reshape(4, 16, 2, 16, 2, 3).mean(axis=(2, 4))
        np.testing.assert_allclose(coarse(x), plain(averaged), atol=1e-5)

    def test_an_input_size_that_does_not_divide_the_faces_is_refused(self):
        with self.assertRaisesRegex(ValueError, "does not divide"):
            models.FaceClassifier(2, 4, 8, input_size=24).build((None, 32, 32, 3))
