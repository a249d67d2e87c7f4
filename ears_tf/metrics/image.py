"""Image-quality metrics on [-1, 1] images."""
from __future__ import annotations

import numpy as np

PSNR_CAP_DB = 100.0  # a perfect reconstruction scores this, not infinity
VALUE_RANGE = 2.0  # images live in [-1, 1]


def psnr(predicted, target) -> np.ndarray:
    """Per-image PSNR in dB of [N, H, W, C] images in [-1, 1], capped at PSNR_CAP_DB."""
    predicted = np.asarray(predicted, np.float64)
    target = np.asarray(target, np.float64)
    if predicted.shape != target.shape:
        raise ValueError(f"psnr: shapes differ, {predicted.shape} and {target.shape}")
    mse = np.mean(np.square(predicted - target), axis=tuple(range(1, predicted.ndim)))
    with np.errstate(divide="ignore"):
        values = 10.0 * np.log10(VALUE_RANGE ** 2 / mse)
    return np.minimum(values, PSNR_CAP_DB)
