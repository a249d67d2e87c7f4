"""ears_tf/precision.py: the policy every new model takes, loss scaling for float16, and the
float32 boundaries (losses, the spectrogram, the models' outputs)."""
import numpy as np
import pytest

import keras
from keras import ops

from ears_tf import config, losses, models, precision


@pytest.fixture(autouse=True)
def float32_afterwards():
    yield
    precision.apply("float32")


def test_apply_sets_the_policy_of_new_models_and_refuses_unknown_names():
    precision.apply("mixed_bfloat16")
    g = models.Generator(config.get_preset("smoke").model)
    assert g.dtype_policy.name == "mixed_bfloat16" and g.synthesis.dtype_policy.name == "mixed_bfloat16"
    with pytest.raises(ValueError, match="precision must be one of"):
        precision.apply("float8")


def test_only_float16_gets_a_loss_scale():
    precision.apply("mixed_bfloat16")
    assert not isinstance(precision.loss_scaled(keras.optimizers.Adam()), keras.optimizers.LossScaleOptimizer)
    precision.apply("mixed_float16")
    optimizer = precision.loss_scaled(keras.optimizers.Adam())
    assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
    assert float(optimizer.scale_loss(ops.convert_to_tensor(1.0))) > 1.0


def test_losses_compute_in_float32_from_bfloat16_inputs():
    logits = ops.cast(ops.convert_to_tensor([[0.3], [-2.0]]), "bfloat16")
    assert keras.backend.standardize_dtype(losses.d_logistic(logits, logits).dtype) == "float32"
    assert keras.backend.standardize_dtype(losses.latent_l1(logits, ops.zeros((2, 1))).dtype) == "float32"


def test_a_mixed_audio_encoder_keeps_its_spectrogram_and_its_codes_in_float32():
    cfg = config.get_preset("smoke").model
    precision.apply("mixed_bfloat16")
    encoder = models.AudioEncoder(cfg)
    wave = np.random.default_rng(0).normal(0, 0.1, (2, cfg.audio.num_samples)).astype(np.float32)
    codes = encoder(wave)
    assert encoder.spectrogram.compute_dtype == "float32" and encoder.blocks[0].compute_dtype == "bfloat16"
    assert keras.backend.standardize_dtype(codes.dtype) == "float32"
