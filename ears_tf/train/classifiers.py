"""Stage `classifiers`: the evaluation's identity classifier C_i and gender classifier C_g.

Both train from scratch with cross-entropy on the HR faces of d1 + d2 (the paper's
training set D) for `TrainConfig.classifier_epochs` epochs; the test split, held-out
videos of the same speakers, measures them. Faces are flipped, shifted and colour-
jittered so the classifiers learn the person, not one video's framing and white
balance. C_g also sees half of each batch blurred: the evaluation applies it to
generated faces, which are softer than the data, and without blur it read pixel-fine
cues (stubble, lashes) and answered one gender for every generated face (quickstart
C_g 0.500 on every generated row; with blur 0.59 to 0.79). C_i is not blurred: its
fine cues are what tells a dozen-face-per-speaker identity apart (blur took its HR test
accuracy from 0.71 to 0.43). C_g reads faces box-averaged to `ModelConfig.gender_classifier_size`
(32x32): at full size its verdict on generated faces swung with its training seed (0.72 to
0.88 on the same faces), at 32x32 it held 0.86 to 0.90. Records of unknown gender are left
out of C_g's loss. Batches come in a fixed order and the input pipeline augments them, every
random draw a stateless function of (seed, batch), so the judges are the same function of the data in every run: before,
re-training only them on one run's models moved its claim count from 5 of 8 to 2. Writes
WORKDIR/classifiers/{identity,gender}_classifier.keras.
"""
from __future__ import annotations

import numpy as np
import tensorflow as tf

import keras

from ears_tf import losses
from ears_tf.config import Config, StageBudget
from ears_tf.data import pipeline, records
from ears_tf.models import FaceClassifier
from ears_tf.workdir import layout
from ears_tf.train.model_stage import ModelStage

NUM_GENDERS = 2
MAX_SHIFT = 4  # pixels of random translation at 64 x 64, scaled with the image size
GAIN_RANGE = (0.8, 1.2)  # per colour channel: white balance
OFFSET_RANGE = (-0.2, 0.2)  # exposure, on [-1, 1] images
BLUR_SHARE = 0.5
BLUR_SIGMA_RANGE = (0.3, 2.0)  # pixels at 64 x 64, scaled with the image size
TRAIN_SPLITS = ("d1", "d2")


def classifier_budget(config: Config, data_dir, batch_size: int | None = None) -> StageBudget:
    """Steps for `classifier_epochs` passes over d1 + d2 of `data_dir`."""
    manifest = records.Manifest.load(data_dir)
    batch_size = batch_size or config.train.classifier_batch_size
    examples = sum(manifest.splits[name].count for name in TRAIN_SPLITS)
    steps = max(1, config.train.classifier_epochs * examples // batch_size)
    return StageBudget(steps=steps, batch_size=batch_size, learning_rate=config.train.classifier_learning_rate)


def gaussian_blur(images, sigma):
    """Separable Gaussian blur of [B, H, W, C] images with one scalar sigma (pixels), edges reflected."""
    radius = int(np.ceil(2.0 * BLUR_SIGMA_RANGE[1] * images.shape[1] / 64))
    taps = tf.range(-radius, radius + 1, dtype=images.dtype)
    weights = tf.exp(-0.5 * tf.square(taps / sigma))
    weights /= tf.reduce_sum(weights)
    channels = images.shape[-1]
    column = tf.tile(tf.reshape(weights, [-1, 1, 1, 1]), [1, 1, channels, 1])  # [taps, 1, C, 1]
    padded = tf.pad(images, [[0, 0], [radius, radius], [radius, radius], [0, 0]], mode="REFLECT")
    blurred = tf.nn.depthwise_conv2d(padded, column, [1, 1, 1, 1], "VALID")
    return tf.nn.depthwise_conv2d(blurred, tf.transpose(column, [1, 0, 2, 3]), [1, 1, 1, 1], "VALID")


def augment(images, seed):
    """Random flip, shift and colour jitter of [B, H, W, 3] images in [-1, 1], a function of `seed` ([2] ints)."""
    flip_seed, crop_seed, gain_seed, offset_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 4))
    batch, size = tf.shape(images)[0], images.shape[1]
    flip = tf.random.stateless_uniform([batch, 1, 1, 1], flip_seed) < 0.5
    images = tf.where(flip, tf.reverse(images, axis=[2]), images)
    shift = max(1, MAX_SHIFT * size // 64)
    padded = tf.pad(images, [[0, 0], [shift, shift], [shift, shift], [0, 0]], mode="SYMMETRIC")
    images = tf.image.stateless_random_crop(padded, tf.stack([batch, size, size, 3]), crop_seed)  # one shift per batch
    gain = tf.random.stateless_uniform([batch, 1, 1, 3], gain_seed, *GAIN_RANGE)
    offset = tf.random.stateless_uniform([batch, 1, 1, 1], offset_seed, *OFFSET_RANGE)
    return tf.clip_by_value(images * gain + offset, -1.0, 1.0)


def random_blur(images, seed):
    """Blurs a random BLUR_SHARE of the [B, H, W, 3] images, with one random sigma per batch; a function of `seed`."""
    sigma_seed, share_seed = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
    sigma = tf.random.stateless_uniform([], sigma_seed, *BLUR_SIGMA_RANGE) * images.shape[1] / 64
    blur = tf.random.stateless_uniform([tf.shape(images)[0], 1, 1, 1], share_seed) < BLUR_SHARE
    return tf.where(blur, gaussian_blur(images, sigma), images)


def step_seeds(seed: int, step, count: int):
    """`count` stateless seeds [count, 2] for batch `step` of a pipeline seeded `seed`."""
    return tf.random.experimental.stateless_split(tf.stack([tf.cast(seed, tf.int64), tf.cast(step, tf.int64)]), count)


def accuracy(logits, labels) -> np.ndarray:
    """Per-example correctness (0/1) of argmax(logits) [N, C] on labels [N]."""
    return (np.argmax(np.asarray(logits), axis=-1) == np.asarray(labels)).astype(np.float64)


class ClassifiersStage(ModelStage):
    splits = TRAIN_SPLITS
    with_audio = False

    def learning_schedule(self):
        # Cosine decay to zero over the steps this run takes (the loop's, which follow --steps and
        # --batch_size): a from-scratch network stopped after a fixed number of epochs otherwise ends
        # wherever the last large steps left it.
        return keras.optimizers.schedules.CosineDecay(self.learning_rate, self.run_steps or self.budget().steps)

    def make_models(self):
        cfg = self.model_config
        manifest = records.Manifest.load(self.data_dir)
        shape = (None, cfg.hr_size, cfg.hr_size, 3)
        self.identity = FaceClassifier(manifest.num_speakers, *cfg.identity_classifier_filters,
                                       name="identity_classifier")
        self.gender = FaceClassifier(NUM_GENDERS, *cfg.gender_classifier_filters, input_size=cfg.gender_classifier_size,
                                     name="gender_classifier")
        self.identity.build(shape)
        self.gender.build(shape)
        return {"identity": (self.identity, layout.IDENTITY_CLASSIFIER),
                "gender": (self.gender, layout.GENDER_CLASSIFIER)}

    def dataset(self, seed, share=pipeline.WHOLE):
        """The faces augmented in the input pipeline, on every backend: `faces` for C_i, and
        `blurred_faces` (some of them blurred) for C_g; each batch's draws are a function of the
        seed and the batch's place in the run."""
        def augmented(index, batch):
            augment_seed, blur_seed = tf.unstack(step_seeds(seed, index, 2))
            faces = augment(batch.pop("hr"), augment_seed)
            return {**batch, "faces": faces, "blurred_faces": random_blur(faces, blur_seed)}

        return super().dataset(seed, share).enumerate().map(augmented, num_parallel_calls=tf.data.AUTOTUNE,
                                                            deterministic=True)

    def losses(self, batch):
        identity = losses.cross_entropy(self.identity(batch["faces"], training=True), batch["speaker"],
                                        self.config.train.identity_label_smoothing)
        gender = losses.cross_entropy(self.gender(batch["blurred_faces"], training=True), batch["gender"])
        return {"loss": identity + gender, "identity_cross_entropy": identity, "gender_cross_entropy": gender}

    def evaluate_examples(self, batch):
        hr = batch["hr"]
        metrics = {"identity_accuracy": accuracy(self.apply(self.identity, hr), batch["speaker"])}
        known = batch["gender"] >= 0
        if known.any():
            metrics["gender_accuracy"] = accuracy(self.apply(self.gender, hr[known]), batch["gender"][known])
        return metrics, [], []
