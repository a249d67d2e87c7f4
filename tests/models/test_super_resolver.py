import numpy as np

from ears_tf import config, models
from tests.test_case import TestCase


class SuperResolverTest(TestCase):
    def setUp(self):
        super().setUp()
        self.cfg = config.get_preset("smoke").model
        rng = np.random.default_rng(0)
        r = self.cfg.lr_size
        self.lr = rng.uniform(-1, 1, (2, r, r, 3)).astype(np.float32)
        self.waveform = rng.normal(0, 0.1, (2, self.cfg.audio.num_samples)).astype(np.float32)

    def weights_of(self, *parts):
        trainable = non_trainable = 0
        for part in parts:
            trainable += len(part.trainable_weights)
            non_trainable += len(part.non_trainable_weights)
        return trainable, non_trainable

    def test_contract_of_f3(self):
        self._check_contracts(["f3_finetune"])

    def test_contract_of_the_other_variants(self):
        self._check_contracts(["f1_finetune", "lowres_only", "audio_only"])

    def _check_contracts(self, variants):
        cfg = self.cfg
        code = (None, cfg.num_styles, cfg.latent_dim)
        g = models.Generator(cfg)
        g.build(code)
        e_l = models.LowResEncoder(cfg)
        e_l.build((None, cfg.lr_size, cfg.lr_size, 3))
        e_a = models.AudioEncoder(cfg)
        e_a.build((None, cfg.audio.num_samples))
        expected = {
            "f1_finetune": self.weights_of(g, e_l, e_a) + (2,),
            "f3_finetune": self.weights_of(g, e_l, e_a) + (6,),
            "lowres_only": self.weights_of(g, e_l) + (0,),
            "audio_only": self.weights_of(g, e_a) + (0,),
        }
        for variant in variants:
            trainable, non_trainable, fusion = expected[variant]
            self.run_layer_test(
                models.SuperResolver, {"model_config": cfg.to_dict(), "variant": variant}, (self.lr, self.waveform),
                (2, cfg.hr_size, cfg.hr_size, 3), trainable + fusion, non_trainable,
            )

    def test_is_the_composition_of_its_parts_with_noise_off(self):
        model = models.SuperResolver(self.cfg, variant="f3_finetune")
        out = model(self.lr, self.waveform)
        z = model.fusion(model.encoder_lr(self.lr), model.encoder_audio(self.waveform))
        self.assertAllClose(out, model.generator(z, noise_mode="off"), atol=1e-5)
        self.assertAllClose(out, model(self.lr, self.waveform))  # deterministic

    def test_variants_ignore_the_input_they_do_not_use(self):
        other_lr, other_waveform = -self.lr, 0.5 * self.waveform[::-1]
        low_res = models.SuperResolver(self.cfg, variant="lowres_only")
        self.assertAllClose(low_res(self.lr, self.waveform), low_res(self.lr, other_waveform))
        audio = models.SuperResolver(self.cfg, variant="audio_only")
        self.assertAllClose(audio(self.lr, self.waveform), audio(other_lr, self.waveform))

    def test_rejects_unknown_variants(self):
        with self.assertRaisesRegex(ValueError, "variant"):
            models.SuperResolver(self.cfg, variant="f2")
