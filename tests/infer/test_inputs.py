"""Image and audio files as the model's inputs."""
import numpy as np
import pytest
from PIL import Image

from ears_tf import config
from ears_tf.data import image as image_lib
from ears_tf.errors import InputError
from ears_tf.infer import inputs

CFG = config.get_preset("smoke").model


def write_image(path, size, seed=0):
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return pixels


def test_lr_sized_image_is_used_as_is(tmp_path):
    pixels = write_image(tmp_path / "lr.png", (CFG.lr_size, CFG.lr_size))
    face = inputs.load_face(tmp_path / "lr.png", CFG)
    assert face.hr is None
    np.testing.assert_allclose(face.lr, pixels / 127.5 - 1.0, atol=1e-6)


def test_other_sizes_are_resized_then_downsampled_in_authors_mode(tmp_path):
    pixels = write_image(tmp_path / "face.png", (50, 70))
    face = inputs.load_face(tmp_path / "face.png", CFG)
    assert face.hr.shape == (CFG.hr_size, CFG.hr_size, 3) and face.lr.shape == (CFG.lr_size, CFG.lr_size, 3)
    expected = image_lib.make_lr_image(pixels, mode="authors", hr_size=CFG.hr_size).numpy()
    np.testing.assert_allclose(face.lr, expected, atol=1e-6)
    np.testing.assert_allclose(face.hr, image_lib.to_unit_range(image_lib.resize_uint8(pixels, CFG.hr_size)), atol=1e-6)


def test_jpeg_and_grey_images_load_as_rgb(tmp_path):
    Image.fromarray(np.full((40, 40), 90, np.uint8)).save(tmp_path / "grey.jpg")
    face = inputs.load_face(tmp_path / "grey.jpg", CFG)
    assert face.lr.shape == (CFG.lr_size, CFG.lr_size, 3)
    assert np.ptp(face.hr, axis=-1).max() == 0.0  # grey stays grey in all three channels


@pytest.mark.parametrize("content, problem", [(None, "no such image file"), (b"not a picture", "not a readable image")])
def test_bad_images_name_the_file(tmp_path, content, problem):
    path = tmp_path / "face.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as raised:
        inputs.load_face(path, CFG)
    assert raised.value.path == str(path)


def test_pairs_by_stem_and_says_why_others_are_skipped(tmp_path):
    images, audio = tmp_path / "images", tmp_path / "audio"
    images.mkdir()
    audio.mkdir()
    for name in ("a.png", "b.png", "c.jpg", "notes.txt"):
        (images / name).write_bytes(b"x")
    for name in ("a.wav", "b.flac", "d.wav"):
        (audio / name).write_bytes(b"x")
    pairs, skipped = inputs.pair_by_stem(images, audio)
    assert [(stem, p.split("/")[-1], q.split("/")[-1]) for stem, p, q in pairs] == [("a", "a.png", "a.wav"), ("b", "b.png", "b.flac")]
    reasons = {path.split("/")[-1]: why for path, why in skipped}
    assert reasons["notes.txt"] == "not an image file (.png, .jpg, .jpeg, .bmp, .gif)"
    assert reasons["c.jpg"] == "no audio file with this stem"
    assert reasons["d.wav"] == "no image file with this stem"
    with pytest.raises(InputError, match="no such audio folder"):
        inputs.pair_by_stem(images, tmp_path / "missing")
