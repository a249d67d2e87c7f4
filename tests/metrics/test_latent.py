import numpy as np

from ears_tf.metrics.latent import gender_axis_accuracy


def test_codes_on_the_right_side_score_one_and_swapped_score_zero():
    rng = np.random.default_rng(0)
    gender = np.array([0, 1] * 20)
    targets = rng.normal(size=(40, 3, 4)) + 2.0 * gender[:, None, None]
    assert gender_axis_accuracy(targets, targets, gender) == 1.0
    assert gender_axis_accuracy(targets[::-1], targets, gender) == 0.0  # every code from the other gender


def test_a_constant_code_is_at_chance_and_unknowns_are_left_out():
    gender = np.array([0, 1, 0, 1, -1, -1])
    targets = np.array([[0.0], [2.0], [0.0], [2.0], [50.0], [-50.0]])
    # One constant code lands on one side for everyone: right for half of the known examples.
    assert gender_axis_accuracy(np.full((6, 1), 1.5), targets, gender) == 0.5


def test_one_gender_only_gives_none():
    assert gender_axis_accuracy(np.zeros((3, 2)), np.zeros((3, 2)), np.array([1, 1, -1])) is None
