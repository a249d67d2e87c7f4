import numpy as np

from ears_tf.visualize import speakers_first


def test_speakers_first_puts_distinct_speakers_in_front_and_keeps_every_example():
    speakers = np.array([7, 7, 7, 3, 3, 9, 7, 1])
    order = speakers_first(speakers, 3)
    assert list(speakers[order[:3]]) == [7, 3, 9]
    assert sorted(order) == list(range(8))
    assert list(order[3:]) == [1, 2, 4, 6, 7]


def test_speakers_first_with_fewer_speakers_than_asked():
    assert list(speakers_first(np.array([5, 5]), 4)) == [0, 1]
