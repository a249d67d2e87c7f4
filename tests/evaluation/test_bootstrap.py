import numpy as np

from ears_tf.evaluation.bootstrap import bootstrap_interval


def test_interval_holds_the_mean_and_narrows_with_more_examples():
    rng = np.random.default_rng(0)
    small, large = rng.random(50) < 0.7, rng.random(5000) < 0.7
    for values in (small, large):
        low, high = bootstrap_interval(values)
        assert low <= values.mean() <= high
    assert np.ptp(bootstrap_interval(large)) < np.ptp(bootstrap_interval(small)) / 4


def test_constant_scores_give_a_point_interval_and_no_scores_give_nan():
    assert bootstrap_interval(np.ones(20)) == (1.0, 1.0)
    assert all(np.isnan(bootstrap_interval(np.zeros(0))))


def test_same_seed_same_interval():
    values = np.random.default_rng(1).random(100) < 0.5
    assert bootstrap_interval(values, seed=3) == bootstrap_interval(values, seed=3)
