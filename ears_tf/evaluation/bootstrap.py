"""Bootstrap confidence intervals for means of per-example scores."""
from __future__ import annotations

import numpy as np

SAMPLES = 1000
LEVEL = 0.95


def bootstrap_interval(values, samples: int = SAMPLES, level: float = LEVEL, seed: int = 0) -> tuple[float, float]:
    """Percentile interval of the mean of `values` (e.g. 0/1 correctness) over resamples of the examples.

    Examples are resampled independently; frames of one video are correlated, so on
    data with several frames per video the interval is somewhat too narrow.
    """
    values = np.asarray(values, np.float64)
    if values.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, values.size, size=(samples, values.size))].mean(axis=1)
    tail = 100.0 * (1.0 - level) / 2.0
    low, high = np.percentile(means, [tail, 100.0 - tail])
    return (float(low), float(high))


def paired_difference_interval(a, b, samples: int = SAMPLES, level: float = LEVEL,
                               seed: int = 0) -> tuple[float, float]:
    """Percentile interval of mean(a) - mean(b) for per-example scores of two methods on the
    same examples, resampling the examples jointly (so what the pair shares cancels)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape:
        raise ValueError(f"paired scores need the same examples, got {a.shape} and {b.shape}")
    return bootstrap_interval(a - b, samples, level, seed)
