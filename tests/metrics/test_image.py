import numpy as np
import pytest

from ears_tf.metrics.image import PSNR_CAP_DB, psnr, ssim


def test_perfect_reconstruction_is_capped():
    x = np.random.default_rng(0).uniform(-1, 1, (3, 8, 8, 3))
    assert np.all(psnr(x, x) == PSNR_CAP_DB)


def test_known_error_gives_known_psnr():
    x = np.zeros((2, 4, 4, 3))
    y = x.copy()
    y[0] += 0.2  # mse 0.04 on a range of 2: 10 log10(4 / 0.04) = 20 dB
    y[1] += 2.0  # the whole range: 0 dB
    np.testing.assert_allclose(psnr(y, x), [20.0, 0.0], atol=1e-9)


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="shapes differ"):
        psnr(np.zeros((1, 4, 4, 3)), np.zeros((1, 4, 4, 1)))


def test_ssim_of_a_perfect_reconstruction_is_one():
    x = np.random.default_rng(1).uniform(-1, 1, (3, 32, 32, 3))
    np.testing.assert_allclose(ssim(x, x), 1.0, atol=1e-12)


def test_ssim_matches_tensorflow():
    import tensorflow as tf

    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, (4, 32, 32, 3))
    y = np.clip(x + rng.normal(0, 0.3, x.shape), -1, 1)
    expected = tf.image.ssim(tf.constant(x, tf.float32), tf.constant(y, tf.float32), max_val=2.0).numpy()
    np.testing.assert_allclose(ssim(y, x), expected, atol=1e-5)
    assert np.all(ssim(y, x) < 0.9)


def test_ssim_falls_with_noise_and_handles_images_smaller_than_the_window():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (2, 8, 8, 3))
    little, lots = x + rng.normal(0, 0.05, x.shape), x + rng.normal(0, 0.5, x.shape)
    assert np.all(ssim(little, x) > ssim(lots, x))
    assert ssim(x, x).shape == (2,)
