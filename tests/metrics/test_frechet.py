import numpy as np
import pytest

from ears_tf.metrics import frechet


def test_identical_distributions_have_zero_distance():
    x = np.random.default_rng(0).normal(size=(500, 8))
    stats = frechet.statistics(x)
    assert frechet.frechet_distance(*stats, *stats) == pytest.approx(0.0, abs=1e-6)


def test_matches_the_closed_form_for_gaussians():
    # N(m1, s1^2 I) vs N(m2, s2^2 I) in d dims: |m1 - m2|^2 + d (s1 - s2)^2.
    d = 4
    distance = frechet.frechet_distance(np.zeros(d), np.eye(d) * 4.0, np.ones(d), np.eye(d))
    assert distance == pytest.approx(d * 1.0 + d * (2.0 - 1.0) ** 2)


def test_distance_grows_with_the_shift():
    rng = np.random.default_rng(1)
    base = frechet.statistics(rng.normal(size=(2000, 6)))
    near = frechet.frechet_distance(*base, *frechet.statistics(rng.normal(0.2, 1.0, size=(2000, 6))))
    far = frechet.frechet_distance(*base, *frechet.statistics(rng.normal(1.0, 1.0, size=(2000, 6))))
    assert 0 < near < far


def test_feature_net_gives_128_features():
    model = frechet.build_feature_net(32, num_classes=5)
    assert model.get_layer("features").output.shape[-1] == frechet.FEATURE_DIM
    assert model.output.shape[-1] == 5


def test_equals_the_general_matrix_square_root_and_stays_quiet_when_singular():
    import warnings

    import scipy.linalg

    rng = np.random.default_rng(4)
    a, b = frechet.statistics(rng.normal(size=(500, 5))), frechet.statistics(rng.normal(0.3, 1.5, size=(500, 5)))
    covmean = np.real(scipy.linalg.sqrtm(a[1] @ b[1]))
    expected = float((a[0] - b[0]) @ (a[0] - b[0]) + np.trace(a[1]) + np.trace(b[1]) - 2 * np.trace(covmean))
    assert frechet.frechet_distance(*a, *b) == pytest.approx(expected, rel=1e-6)
    # 20 samples of 64 features: both covariances singular, as in the smoke runs' FD.
    few = [frechet.statistics(rng.normal(size=(20, 64))) for _ in range(2)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        distance = frechet.frechet_distance(*few[0], *few[1])
    assert np.isfinite(distance) and distance > 0
