import numpy as np
import pytest

from ears_tf.visualize import image_grid, labelled_rows


def test_image_grid_places_images_row_major():
    images = np.stack([np.full((2, 2, 3), v, np.uint8) for v in (10, 20, 30)])
    grid = image_grid(images, 2)
    assert grid.shape == (4, 4, 3)
    assert grid[0, 0, 0] == 10 and grid[0, 2, 0] == 20 and grid[2, 0, 0] == 30 and grid[2, 2, 0] == 0


def test_labelled_rows_enlarges_small_rows_and_keeps_pixels():
    lr = np.full((3, 4, 4, 3), -1.0, np.float32)
    lr[0, 0, 0] = 1.0  # one white LR pixel becomes a white 16 x 16 block at 64 x 64
    hr = np.ones((3, 64, 64, 3), np.float32)
    figure = labelled_rows([lr, hr], ["LR", "HR"], 64)
    assert figure.shape[0] == 128
    margin = figure.shape[1] - 3 * 64
    assert margin > 0
    assert np.all(figure[:16, margin:margin + 16] == 255)
    assert np.all(figure[16:64, margin:margin + 16] == 0)
    assert np.all(figure[64:, margin:] == 255)


def test_labelled_rows_needs_a_label_per_row():
    with pytest.raises(ValueError, match="labels"):
        labelled_rows([np.zeros((1, 4, 4, 3))], [], 4)
