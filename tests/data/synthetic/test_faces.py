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


def test_long_hair_frames_the_face_without_covering_it():
    import dataclasses

    speaker, video = make(3)
    speaker = dataclasses.replace(
        speaker, hair_long=True, fringe=False, glasses=-1, freckles=False, mole=(), makeup=0.0,
        skin=(0.8, 0.6, 0.5), hair_colour=(0.1, 0.08, 0.05),
    )
    video = dataclasses.replace(video, yaw=0.0, roll=0.0, shift=(0.0, 0.0), light=0.0, brightness=1.0,
                                white_balance=(1.0, 1.0, 1.0))
    image = faces.render_face(speaker, video, np.random.default_rng(0), 64).astype(float) / 255
    # Cheeks, between the eyes and the mouth, read as skin, not hair.
    cheeks = image[36:40, 24:40].reshape(-1, 3).mean(0)
    assert np.abs(cheeks - np.array(speaker.skin)).max() < 0.12, cheeks
    # Beside the face, at cheek height, there is hair.
    beside = image[30:34, 11:14].reshape(-1, 3).mean(0)
    assert np.abs(beside - np.array(speaker.hair_colour)).max() < 0.15, beside
