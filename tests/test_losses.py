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


def test_latent_l1_and_image_mse_are_means():
    a = np.zeros((2, 3, 4), np.float32)
    b = np.full((2, 3, 4), 2.0, np.float32)
    b[0] = -1.0
    assert float(losses.latent_l1(a, b)) == pytest.approx(1.5)
    assert float(losses.image_mse(a, b)) == pytest.approx(2.5)


def test_perceptual_is_relative_per_map_and_zero_at_equality():
    rng = np.random.default_rng(0)
    real = [rng.normal(size=(2, 8, 8, 4)).astype(np.float32), 100.0 * rng.normal(size=(2, 4, 4, 8)).astype(np.float32)]
    assert float(losses.perceptual(real, real)) == 0.0
    # Doubling every map gives a relative error of exactly 1 on each, whatever its scale.
    assert float(losses.perceptual([2.0 * r for r in real], real)) == pytest.approx(1.0, rel=1e-5)
    with pytest.raises(ValueError):
        losses.perceptual(real[:1], real)


def test_image_l1_is_the_mean_absolute_error():
    a, b = np.zeros((2, 4, 4, 3), np.float32), np.full((2, 4, 4, 3), -0.5, np.float32)
    np.testing.assert_allclose(float(losses.image_l1(a, b)), 0.5, rtol=1e-6)


def test_cross_entropy_leaves_out_unknown_labels():
    logits = np.array([[2.0, 0.0], [0.0, 2.0], [5.0, -5.0]], np.float32)
    expected = np.log1p(np.exp(-2.0))  # both known examples are right with margin 2
    np.testing.assert_allclose(float(losses.cross_entropy(logits, np.array([0, 1, -1]))), expected, rtol=1e-5)
    # All unknown: zero, not NaN.
    assert float(losses.cross_entropy(logits, np.array([-1, -1, -1]))) == 0.0


def test_label_smoothing_mixes_in_the_uniform_target():
    logits = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0], [9.0, 0.0, 0.0]], np.float32)
    labels = np.array([0, 2, -1])
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    # Target 0.9 on the label plus 0.1 / 3 on each class, over the two known examples.
    target = np.full((2, 3), 0.1 / 3)
    target[[0, 1], [0, 2]] += 0.9
    expected = -(target * log_p[:2]).sum(-1).mean()
    np.testing.assert_allclose(float(losses.cross_entropy(logits, labels, 0.1)), expected, rtol=1e-5)
    assert float(losses.cross_entropy(logits, labels, 0.1)) > float(losses.cross_entropy(logits, labels))
