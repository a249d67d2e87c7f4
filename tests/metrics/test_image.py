import numpy as np
import pytest

from ears_tf.metrics.image import PSNR_CAP_DB, psnr


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
