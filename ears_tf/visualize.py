"""Image grids for samples and figures."""
from __future__ import annotations

import numpy as np
from PIL import Image


def image_grid(images, columns: int) -> np.ndarray:
    """[N, H, W, 3] float in [-1, 1] or uint8 -> one uint8 [rows * H, columns * W, 3] image."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        images = np.clip(np.round((images + 1.0) * 127.5), 0, 255).astype(np.uint8)
    n, h, w, c = images.shape
    rows = -(-n // columns)
    grid = np.zeros((rows * h, columns * w, c), np.uint8)
    for i, image in enumerate(images):
        r, col = divmod(i, columns)
        grid[r * h:(r + 1) * h, col * w:(col + 1) * w] = image
    return grid


def save_png(path, image: np.ndarray, scale: int = 1) -> None:
    picture = Image.fromarray(image)
    if scale > 1:
        picture = picture.resize((image.shape[1] * scale, image.shape[0] * scale), Image.NEAREST)
    picture.save(path)
