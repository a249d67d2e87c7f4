"""Image-quality metrics on [-1, 1] images: PSNR and SSIM."""
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


SSIM_WINDOW = 11  # Wang et al. 2004: an 11-tap Gaussian of sigma 1.5, K1 0.01, K2 0.03
SSIM_SIGMA = 1.5
SSIM_K1, SSIM_K2 = 0.01, 0.03
SSIM_CHUNK = 64  # images per vectorised pass (bounds the window views' memory)


def _gaussian_window() -> np.ndarray:
    taps = np.arange(SSIM_WINDOW, dtype=np.float64) - (SSIM_WINDOW - 1) / 2.0
    window = np.exp(-0.5 * (taps / SSIM_SIGMA) ** 2)
    return window / window.sum()


def _filter(images: np.ndarray, window: np.ndarray) -> np.ndarray:
    """Separable 'valid' Gaussian filtering of [N, H, W, C] over H and W."""
    views = np.lib.stride_tricks.sliding_window_view(images, len(window), axis=1)  # [N, H', W, C, taps]
    rows = views @ window  # [N, H', W, C]
    return np.lib.stride_tricks.sliding_window_view(rows, len(window), axis=2) @ window  # [N, H', W', C]


def ssim(predicted, target) -> np.ndarray:
    """Per-image SSIM of [N, H, W, C] images in [-1, 1] (Gaussian window, averaged over
    positions and channels, as `tf.image.ssim`); images smaller than the window use a
    window of their size."""
    predicted = np.asarray(predicted, np.float64)
    target = np.asarray(target, np.float64)
    if predicted.shape != target.shape:
        raise ValueError(f"ssim: shapes differ, {predicted.shape} and {target.shape}")
    window = _gaussian_window()
    size = min(predicted.shape[1], predicted.shape[2])
    if size < SSIM_WINDOW:
        window = window[(SSIM_WINDOW - size) // 2:][:size]
        window = window / window.sum()
    c1, c2 = (SSIM_K1 * VALUE_RANGE) ** 2, (SSIM_K2 * VALUE_RANGE) ** 2
    values = []
    for start in range(0, len(predicted), SSIM_CHUNK):
        x, y = predicted[start:start + SSIM_CHUNK], target[start:start + SSIM_CHUNK]
        mu_x, mu_y = _filter(x, window), _filter(y, window)
        var_x = _filter(x * x, window) - mu_x ** 2
        var_y = _filter(y * y, window) - mu_y ** 2
        cov = _filter(x * y, window) - mu_x * mu_y
        luminance = (2 * mu_x * mu_y + c1) / (mu_x ** 2 + mu_y ** 2 + c1)
        structure = (2 * cov + c2) / (var_x + var_y + c2)
        values.append((luminance * structure).mean(axis=(1, 2, 3)))
    return np.concatenate(values) if values else np.zeros(0)
