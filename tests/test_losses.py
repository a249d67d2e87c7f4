import numpy as np
import pytest

from ears_tf import losses


def softplus(x):
    return np.log1p(np.exp(x))


def test_logistic_losses_match_their_formulas():
    real = np.array([[2.0], [-1.0]], np.float32)
    fake = np.array([[0.5], [-3.0]], np.float32)
    assert float(losses.d_logistic(real, fake)) == pytest.approx(softplus(fake).mean() + softplus(-real).mean(), rel=1e-6)
    assert float(losses.g_nonsaturating(fake)) == pytest.approx(softplus(-fake).mean(), rel=1e-6)


def test_a_perfect_discriminator_has_near_zero_loss():
    assert float(losses.d_logistic(np.full((4, 1), 30.0), np.full((4, 1), -30.0))) < 1e-6


def test_r1_is_half_gamma_times_mean_squared_norm():
    grads = np.ones((2, 3, 3, 1), np.float32)
    grads[1] *= 2.0
    expected = 0.5 * 10.0 * np.mean([9.0, 36.0])
    assert float(losses.r1_penalty(grads, 10.0)) == pytest.approx(expected)
