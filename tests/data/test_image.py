import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from ears_tf.data import image


def authors_reference(img: np.ndarray, lr_size: int) -> np.ndarray:
    """scipy 1.0's imresize(img, (lr, lr), 'bicubic') on the authors' float32 image, written out:
    bytescale in float32 (numpy 1.x keeps the float32 array's type), then PIL."""
    data = img.astype(np.float32) * np.float32(1.0 / 255.0)  # as tf.image.convert_image_dtype makes it
    cmin, cmax = data.min(), data.max()
    span = cmax - cmin if cmax != cmin else np.float32(1.0)
    scale = np.float32(255.0 / np.float64(span))
    scaled = ((data - cmin) * scale).clip(0, 255) + np.float32(0.5)
    resized = Image.fromarray(scaled.astype(np.uint8)).resize((lr_size, lr_size), Image.BICUBIC)
    return np.asarray(resized).astype(np.float32) / 255.0 * 2.0 - 1.0


def random_images(rng, count, size, low_contrast):
    out = []
    for _ in range(count):
        if low_contrast:
            low = rng.integers(0, 200)
            out.append(rng.integers(low, low + rng.integers(1, 50), (size, size, 3)))
        else:
            out.append(rng.integers(0, 256, (size, size, 3)))
    return np.stack(out).astype(np.uint8)


@pytest.mark.parametrize("size", [32, 64, 128])
@pytest.mark.parametrize("low_contrast", [False, True])
def test_authors_mode_is_bit_exact(size, low_contrast):
    rng = np.random.default_rng(size + low_contrast)
    images = random_images(rng, 12, size, low_contrast)
    ours = image.make_lr_image(images, "authors").numpy()
    expected = np.stack([authors_reference(img, size // 16) for img in images])
    np.testing.assert_array_equal(ours, expected)


def test_authors_mode_byte_scaling_matters_on_low_contrast():
    rng = np.random.default_rng(0)
    img = random_images(rng, 1, 64, low_contrast=True)
    authors = image.make_lr_image(img, "authors").numpy()
    clean = image.make_lr_image(img, "clean").numpy()
    assert authors.max() - authors.min() > 4 * (clean.max() - clean.min())


def test_authors_mode_on_a_constant_image():
    img = np.full((64, 64, 3), 77, np.uint8)
    np.testing.assert_array_equal(image.make_lr_image(img).numpy(), authors_reference(img, 4))


def test_single_image_and_batch_agree():
    rng = np.random.default_rng(3)
    batch = random_images(rng, 3, 32, False)
    for mode in image.MODES:
        single = image.make_lr_image(batch[1], mode)
        assert single.shape == (2, 2, 3)
        np.testing.assert_array_equal(single.numpy(), image.make_lr_image(batch, mode).numpy()[1])


def test_clean_mode_is_plain_antialiased_bicubic():
    rng = np.random.default_rng(4)
    img = random_images(rng, 1, 64, False)[0]
    ours = image.make_lr_image(img, "clean").numpy()
    unit = img.astype(np.float32) / 127.5 - 1.0
    channels = [np.asarray(Image.fromarray(unit[..., c], mode="F").resize((4, 4), Image.BICUBIC)) for c in range(3)]
    np.testing.assert_allclose(ours, np.clip(np.stack(channels, -1), -1, 1), atol=1e-5)


def test_other_sizes_are_resized_to_hr_first():
    rng = np.random.default_rng(5)
    img = random_images(rng, 1, 100, False)[0]
    hr = np.asarray(Image.fromarray(img).resize((64, 64), Image.BICUBIC))
    np.testing.assert_array_equal(image.resize_uint8(img, 64).numpy(), hr)
    np.testing.assert_array_equal(
        image.make_lr_image(img, "authors", hr_size=64).numpy(), authors_reference(hr, 4)
    )


def test_runs_in_a_graph_with_the_same_8bit_values():
    images = random_images(np.random.default_rng(6), 2, 32, False)
    graph = tf.function(lambda x: image.make_lr_image(x, "authors"))(images).numpy()
    eager = image.make_lr_image(images).numpy()
    # Graph rewrites of the final [0, 255] -> [-1, 1] scaling may move a float by one ulp.
    np.testing.assert_allclose(graph, eager, atol=1e-6, rtol=0)
    np.testing.assert_array_equal(np.round((graph + 1) * 127.5), np.round((eager + 1) * 127.5))


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="divisible by 16"):
        image.make_lr_image(np.zeros((40, 40, 3), np.uint8))
    with pytest.raises(TypeError, match="uint8"):
        image.make_lr_image(np.zeros((32, 32, 3), np.float32))
    with pytest.raises(ValueError, match="unknown downsampling mode"):
        image.make_lr_image(np.zeros((32, 32, 3), np.uint8), "nearest")


def test_unit_range_round_trip():
    values = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1)
    np.testing.assert_array_equal(image.to_uint8(image.to_unit_range(values)).numpy(), values)
