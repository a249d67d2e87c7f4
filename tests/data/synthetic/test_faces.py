import numpy as np
import pytest

from ears_tf.data.synthetic import faces, people


def make(seed, gender=people.FEMALE):
    rng = np.random.default_rng(seed)
    return people.sample_speaker(seed, gender, rng), people.sample_video(rng)


@pytest.mark.parametrize("size", [32, 64, 128])
def test_renders_uint8_rgb_at_any_size(size):
    speaker, video = make(0)
    image = faces.render_face(speaker, video, np.random.default_rng(0), size)
    assert image.shape == (size, size, 3) and image.dtype == np.uint8
    assert image.std() > 10  # not a blank canvas


def test_same_seed_same_pixels_and_frames_differ():
    speaker, video = make(1, people.MALE)
    a = faces.render_face(speaker, video, np.random.default_rng(5), 64)
    b = faces.render_face(speaker, video, np.random.default_rng(5), 64)
    c = faces.render_face(speaker, video, np.random.default_rng(6), 64)
    np.testing.assert_array_equal(a, b)
    assert np.abs(a.astype(int) - c.astype(int)).mean() > 0.5


def test_videos_change_the_background_but_not_the_person():
    rng = np.random.default_rng(2)
    speaker = people.sample_speaker(0, people.FEMALE, rng)
    one = faces.render_face(speaker, people.sample_video(rng), np.random.default_rng(0), 64)
    two = faces.render_face(speaker, people.sample_video(rng), np.random.default_rng(0), 64)
    corner = lambda img: img[:6, :6].reshape(-1, 3).mean(0)  # noqa: E731
    assert np.abs(corner(one) - corner(two)).max() > 5
