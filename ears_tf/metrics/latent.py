"""Metrics on latent codes."""
from __future__ import annotations

import numpy as np


def gender_axis_accuracy(codes, target_codes, gender) -> float | None:
    """Share of `codes` on their own gender's side of the target codes' gender axis.

    The axis joins the mean target code of each gender (gender 0 / 1; other values,
    such as -1 for unknown, are left out); a code counts as right when it lies on its
    gender's side of the midpoint. 0.5 is chance. None when a gender is missing.
    """
    codes = np.asarray(codes, np.float64).reshape(len(codes), -1)
    target_codes = np.asarray(target_codes, np.float64).reshape(len(target_codes), -1)
    gender = np.asarray(gender)
    known = (gender == 0) | (gender == 1)
    if not (np.any(gender[known] == 0) and np.any(gender[known] == 1)):
        return None
    male, female = (target_codes[known & (gender == g)].mean(axis=0) for g in (1, 0))
    side = (codes[known] - 0.5 * (male + female)) @ (male - female) > 0
    return float(np.mean(side == (gender[known] == 1)))
