"""The fused model of a smoke workdir trained by `--stage=all` (the `trained_smoke` fixture)."""
import numpy as np

from ears_tf import config, variants
from ears_tf.infer import model as infer_model
from ears_tf.workdir import layout

CFG = config.get_preset("smoke").model


def test_fused_model_is_the_trained_parts(trained_smoke):
    _, workdir, _ = trained_smoke
    model = infer_model.load_super_resolver(workdir, "f3_finetune")
    fusion_file, audio_file = layout.fusion_artefacts(variants.F3_FINETUNE)
    e_l = layout.load(workdir, layout.ENCODER_LR)
    e_a = layout.load(workdir, audio_file)
    fusion = layout.load(workdir, fusion_file)
    g = layout.load(workdir, layout.GENERATOR)
    rng = np.random.default_rng(0)
    lr = rng.uniform(-1, 1, (3, CFG.lr_size, CFG.lr_size, 3)).astype(np.float32)
    waveform = rng.normal(0, 0.1, (3, CFG.audio.num_samples)).astype(np.float32)
    expected = np.asarray(g(fusion(e_l(lr), e_a(waveform)), noise_mode="off"))
    # Batches of 2 and 3 may take different float32 kernels; the untrained smoke generator's
    # images reach about 5, so the tolerance scales with them, as export's float32 gate does.
    tolerance = 1e-4 * max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(infer_model.super_resolve(model, lr, waveform, batch_size=2), expected, atol=tolerance)


def test_audio_only_uses_the_pretrained_audio_encoder(trained_smoke):
    _, workdir, _ = trained_smoke
    model = infer_model.load_super_resolver(workdir, "audio_only")
    pretrained = layout.load(workdir, layout.ENCODER_AUDIO)
    for a, b in zip(model.encoder_audio.get_weights(), pretrained.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_the_strip_s_low_res_model_shares_the_fused_model_s_parts(trained_smoke):
    _, workdir, _ = trained_smoke
    fused = infer_model.load_super_resolver(workdir, "f3_finetune")
    low_res = infer_model.low_res_companion(workdir, fused)
    assert low_res.variant == "lowres_only"
    assert low_res.generator is fused.generator and low_res.encoder_lr is fused.encoder_lr
    audio_only = infer_model.load_super_resolver(workdir, "audio_only")
    low_res = infer_model.low_res_companion(workdir, audio_only)  # it has no E_l: only E_l is loaded
    assert low_res.generator is audio_only.generator
    for a, b in zip(low_res.encoder_lr.get_weights(), layout.load(workdir, layout.ENCODER_LR).get_weights()):
        np.testing.assert_array_equal(a, b)


def test_refined_outputs_are_g_of_the_refined_codes(trained_smoke):
    from ears_tf.layers import AuthorsDownsample16x
    from ears_tf.refine import Refiner
    from ears_tf.refine_options import RefineOptions

    _, workdir, _ = trained_smoke
    model = infer_model.load_super_resolver(workdir, "f1_finetune")
    rng = np.random.default_rng(1)
    lr = rng.uniform(-1, 1, (3, CFG.lr_size, CFG.lr_size, 3)).astype(np.float32)
    waveform = rng.normal(0, 0.1, (3, CFG.audio.num_samples)).astype(np.float32)
    options = RefineOptions(steps=4, learning_rate=0.05)  # the default target: w, the synthesis network's input
    refined = infer_model.super_resolve(model, lr, waveform, batch_size=3, refine=options)
    refiner = Refiner(model.generator, options)
    w, _ = refiner(model.latents(lr, waveform), lr)
    expected = np.asarray(model.generator.synthesis(w, noise_mode="off"))
    np.testing.assert_allclose(np.asarray(refiner.draw(w)), expected, atol=1e-5)
    np.testing.assert_allclose(refined, expected, atol=1e-4 * max(1.0, float(np.abs(expected).max())))
    # ... and they agree with the LR frames better than the forward pass does.
    plain = infer_model.super_resolve(model, lr, waveform, batch_size=3)
    downsample = AuthorsDownsample16x()
    error = lambda images: np.mean((np.asarray(downsample(images)) - lr) ** 2)  # noqa: E731
    assert error(refined) < error(plain)
