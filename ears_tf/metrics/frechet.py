"""Frechet distance between real and generated faces, on the features of a small CNN.

There are no ImageNet/Inception weights offline, so the feature network is a small
speaker classifier trained on the same data's d1 + d2 HR faces by the `feature_net`
stage (so its features separate the identities, hair, skin and pose that the data
varies). FD is computed on its 128-d global-average-pooled features, against the test
split's faces.
"""
from __future__ import annotations


import numpy as np

import keras

from ears_tf.data import pipeline

FEATURE_DIM = 128
FEATURE_NET_FILTERS = (32, 64, 128, FEATURE_DIM)  # stride-2 3x3 convs


def build_feature_net(image_size: int, num_classes: int) -> keras.Model:
    images = keras.Input((image_size, image_size, 3), name="image")
    x = images
    for filters in FEATURE_NET_FILTERS:
        x = keras.layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(x)
    features = keras.layers.GlobalAveragePooling2D(name="features")(x)  # [B, 128]
    logits = keras.layers.Dense(num_classes, name="logits")(features)
    return keras.Model(images, logits, name="feature_net")


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    """The square root of a symmetric positive semi-definite matrix (rounding's negative eigenvalues clipped)."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^1/2).

    Tr((S1 S2)^1/2) is the trace of (S1^1/2 S2 S1^1/2)^1/2, a symmetric matrix with the same
    eigenvalues: exact, and well defined when the covariances are singular (fewer samples than
    features), where a general matrix square root of S1 S2 is not.
    """
    root1 = _psd_sqrt(np.asarray(sigma1, np.float64))
    inner = root1 @ np.asarray(sigma2, np.float64) @ root1
    trace_covmean = float(np.sum(np.sqrt(np.clip(np.linalg.eigvalsh((inner + inner.T) / 2), 0.0, None))))
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_covmean)


def statistics(features: np.ndarray):
    return features.mean(axis=0), np.cov(features, rowvar=False)


class FrechetEvaluator:
    """FD of generated images against the test split, on a trained feature network's features."""

    def __init__(self, data_dir, feature_net: keras.Model, image_size: int, num_real: int = 1024):
        self.features = keras.Model(feature_net.input, feature_net.get_layer("features").output)
        options = pipeline.PipelineOptions(batch_size=128, training=False, drop_remainder=False, with_audio=False,
                                           hr_size=image_size)
        real = []
        for batch in pipeline.make_dataset(data_dir, "test", options):
            real.append(self.embed(batch["hr"]))
            if sum(len(r) for r in real) >= num_real:
                break
        self.real_stats = statistics(np.concatenate(real)[:num_real])

    def embed(self, images) -> np.ndarray:
        return np.asarray(self.features.predict_on_batch(np.asarray(images, np.float32)), np.float64)

    def __call__(self, images: np.ndarray) -> float:
        return frechet_distance(*statistics(self.embed(images)), *self.real_stats)
