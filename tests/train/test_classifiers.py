import dataclasses

import numpy as np
import tensorflow as tf

from ears_tf import config
from ears_tf.data import records
from ears_tf.train.classifiers import accuracy, augment, classifier_budget


def test_a_constant_classifier_scores_chance():
    genders = np.array([0, 1] * 50)
    constant = np.tile([[3.0, -1.0]], (100, 1))  # always "female"
    assert accuracy(constant, genders).mean() == 0.5
    speakers = np.repeat(np.arange(10), 5)
    always_speaker_4 = np.tile(np.eye(10)[4], (50, 1))
    assert accuracy(always_speaker_4, speakers).mean() == 0.1


def test_budget_counts_epochs_over_d1_and_d2(smoke_data):
    cfg = config.get_preset("smoke")
    manifest = records.Manifest.load(smoke_data)
    examples = manifest.splits["d1"].count + manifest.splits["d2"].count
    cfg = dataclasses.replace(cfg, train=dataclasses.replace(cfg.train, classifier_epochs=3))
    budget = classifier_budget(cfg, smoke_data, batch_size=4)
    assert budget.steps == 3 * examples // 4 and budget.batch_size == 4
    assert budget.learning_rate == cfg.train.classifier_learning_rate


def test_augment_keeps_shape_and_range_and_changes_the_faces():
    tf.random.set_seed(0)
    faces = tf.random.uniform((8, 32, 32, 3), -1.0, 1.0)
    augmented = augment(faces)
    assert augmented.shape == faces.shape
    assert float(tf.reduce_min(augmented)) >= -1.0 and float(tf.reduce_max(augmented)) <= 1.0
    assert float(tf.reduce_mean(tf.abs(augmented - faces))) > 0.01


def test_gaussian_blur_keeps_flat_images_and_smooths_noise():
    from ears_tf.train.classifiers import gaussian_blur

    flat = tf.fill((1, 32, 32, 3), 0.3)
    np.testing.assert_allclose(gaussian_blur(flat, tf.constant(1.5)), flat, atol=1e-6)
    noise = tf.random.stateless_uniform((2, 32, 32, 3), [1, 2], -1.0, 1.0)
    blurred = gaussian_blur(noise, tf.constant(1.5))
    assert blurred.shape == noise.shape
    assert float(tf.math.reduce_std(blurred)) < 0.5 * float(tf.math.reduce_std(noise))
