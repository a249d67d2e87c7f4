import numpy as np

from ears_tf import config, models
from tests.test_case import TestCase, count_params


class AudioEncoderTest(TestCase):
    def test_contract(self):
        cfg = config.get_preset("smoke").model
        x = np.random.default_rng(0).normal(0, 0.1, (2, cfg.audio.num_samples)).astype(np.float32)
        # stem + 12 convs, each kernel + bias (26), two dense (4); the spectrogram's two constants.
        self.run_layer_test(models.AudioEncoder, {"model_config": cfg.to_dict()}, x,
                            (2, cfg.num_styles, cfg.latent_dim), 30, 2)

    def test_paper_count_equals_the_authors(self):
        # 1.6 GB of float32 weights: built and counted, never run.
        encoder = models.AudioEncoder(config.get_preset("paper").model)
        encoder.build((None, 64_000))
        self.assertEqual(count_params(encoder.trainable_weights), 402_613_120)
        self.assertEqual(encoder.hidden.kernel.shape, (3 * 3 * 2048, 8192))
        del encoder

    def test_silence_gives_a_finite_code(self):
        cfg = config.get_preset("smoke").model
        z = models.AudioEncoder(cfg)(np.zeros((1, cfg.audio.num_samples), np.float32))
        self.assertTrue(np.all(np.isfinite(z)))
