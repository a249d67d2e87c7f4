"""Image grids for samples and figures."""
from __future__ import annotations


import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ears_tf.workdir.atomic import atomic_path


LABEL_FONT_SIZE = 12
FIGURE_MIN_SIZE = 128  # faces of small presets are enlarged to at least this, so they are readable


def figure_size(hr_size: int) -> int:
    return max(hr_size, FIGURE_MIN_SIZE)


def nearest_upsample(images: np.ndarray, size: int) -> np.ndarray:
    """[..., h, w, C] -> [..., size, size, C] by pixel repetition (an LR input shown at HR size)."""
    factor = size // images.shape[-2]
    return np.repeat(np.repeat(images, factor, axis=-3), factor, axis=-2)


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
    """Writes a PNG atomically, creating parent folders."""
    picture = Image.fromarray(image)
    if scale > 1:
        picture = picture.resize((image.shape[1] * scale, image.shape[0] * scale), Image.NEAREST)
    with atomic_path(path) as temporary:
        picture.save(temporary, format="PNG")


def labelled_rows(rows: list, labels: list, size: int) -> np.ndarray:
    """One figure: row i shows the images rows[i] ([N, h, w, 3] in [-1, 1]) at `size` x `size`
    (smaller ones, LR inputs, enlarged by nearest neighbour), with labels[i] in a left margin."""
    if len(rows) != len(labels):
        raise ValueError(f"{len(rows)} rows but {len(labels)} labels")
    strips = []
    for images in rows:
        images = np.asarray(images)
        if size // images.shape[1] > 1:
            images = nearest_upsample(images, size)
        strips.append(image_grid(images, len(images)))
    font = ImageFont.load_default(size=LABEL_FONT_SIZE)
    margin = max(int(ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(label, font=font)) for label in labels) + 8
    width = margin + max(strip.shape[1] for strip in strips)
    figure = Image.new("RGB", (width, size * len(rows)), (255, 255, 255))
    draw = ImageDraw.Draw(figure)
    for i, (strip, label) in enumerate(zip(strips, labels)):
        figure.paste(Image.fromarray(strip), (margin, i * size))
        draw.text((4, i * size + (size - LABEL_FONT_SIZE) // 2), label, fill=(0, 0, 0), font=font)
    return np.asarray(figure)


def speakers_first(speakers: np.ndarray, count: int) -> np.ndarray:
    """An order of the examples whose first `count` are of distinct speakers (the figure's
    columns); the rest follow in their original order."""
    seen, first = set(), []
    for index, speaker in enumerate(speakers):
        if speaker not in seen and len(first) < count:
            seen.add(speaker)
            first.append(index)
    rest = [i for i in range(len(speakers)) if i not in set(first)]
    return np.array(first + rest, dtype=np.int64)
