import numpy as np
import pytest
from PIL import Image

from ears_tf import resampling


@pytest.mark.parametrize("in_size, out_size", [(128, 8), (64, 4), (37, 5), (20, 40)])
def test_rows_sum_to_one(in_size, out_size):
    matrix = resampling.bicubic_matrix(in_size, out_size)
    assert matrix.shape == (out_size, in_size)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-12)


def test_equal_sizes_give_the_identity():
    np.testing.assert_allclose(resampling.bicubic_matrix(16, 16), np.eye(16), atol=1e-12)


def test_float_matrix_matches_pillow_float_mode():
    # Pillow's 32-bit float mode applies the same coefficients without rounding.
    rng = np.random.default_rng(0)
    image = rng.uniform(0, 1, (64, 64)).astype(np.float32)
    expected = np.asarray(Image.fromarray(image, mode="F").resize((4, 4), Image.BICUBIC))
    matrix = resampling.bicubic_matrix(64, 4)
    np.testing.assert_allclose(matrix @ image @ matrix.T, expected, atol=1e-5)


def test_fixed_point_coefficients_are_integers_near_the_float_ones():
    fixed = resampling.bicubic_matrix_8bit(128, 8)
    np.testing.assert_array_equal(fixed, np.round(fixed))
    np.testing.assert_allclose(fixed / 2**resampling.PRECISION_BITS, resampling.bicubic_matrix(128, 8), atol=2**-22)
