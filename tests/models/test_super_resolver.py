import numpy as np
import pytest

from ears_tf import config, models
from ears_tf.models.super_resolver import part_names
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

    @pytest.mark.slow  # 30 s on 2 cores: F3 holds every part these variants have
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

    def built(self, variant="f3_finetune"):
        model = models.SuperResolver(self.cfg, variant=variant)
        model.build()
        return model

    def test_from_parts_holds_the_parts_it_is_given(self):
        built = self.built()
        parts = {name: getattr(built, name) for name in part_names("f3_finetune")}
        wrapped = models.SuperResolver.from_parts(self.cfg, "f3_finetune", **parts)
        for name, part in parts.items():
            self.assertIs(getattr(wrapped, name), part)
        self.assertEqual(len(wrapped.weights), len(built.weights))
        self.assertAllClose(wrapped(self.lr, self.waveform), built(self.lr, self.waveform))

    def test_from_parts_names_the_parts_a_variant_is_made_of(self):
        built = self.built()
        with self.assertRaisesRegex(ValueError, "'lowres_only' is made of encoder_lr, generator; got generator"):
            models.SuperResolver.from_parts(self.cfg, "lowres_only", generator=built.generator)

    def test_a_sibling_shares_the_parts_and_is_its_own_variant(self):
        built = self.built()
        low_res = built.sibling("lowres_only")
        self.assertIs(low_res.generator, built.generator)
        self.assertIs(low_res.encoder_lr, built.encoder_lr)
        self.assertAllClose(low_res(self.lr), built.generator(built.encoder_lr(self.lr), noise_mode="off"))
        with self.assertRaisesRegex(ValueError, "made of encoder_audio, generator"):
            low_res.sibling("audio_only")  # it has no E_a to share

    def test_an_audio_code_stands_in_for_the_voice(self):
        built = self.built()
        code = built.encoder_audio(self.waveform)
        self.assertAllClose(built(self.lr, audio_code=code), built(self.lr, self.waveform))
        audio_only = built.sibling("audio_only")  # F starts at zero: here the code alone shapes the face
        self.assertAllClose(audio_only(self.lr, audio_code=code), built.generator(code, noise_mode="off"))
        self.assertNotAllClose(audio_only(self.lr, audio_code=code + 1.0), audio_only(self.lr, self.waveform))

    def test_a_model_from_parts_saves_and_loads(self):
        import keras

        built = self.built("f1_finetune")
        wrapped = models.SuperResolver.from_parts(
            self.cfg, "f1_finetune", **{name: getattr(built, name) for name in part_names("f1_finetune")})
        path = self.get_temp_dir() + "/from_parts.keras"
        wrapped.save(path)
        loaded = keras.saving.load_model(path)
        self.assertAllClose(loaded(self.lr, self.waveform), wrapped(self.lr, self.waveform), atol=1e-5)
