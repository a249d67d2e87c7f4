"""The serving graph every format exports: explicit TensorSpecs, a dict output."""
from __future__ import annotations

import tensorflow as tf

from ears_tf.config import ModelConfig

OUTPUT = "image"


def input_signature(model_config: ModelConfig) -> list:
    r = model_config.lr_size
    return [
        tf.TensorSpec([None, r, r, 3], tf.float32, name="lr_image"),
        tf.TensorSpec([None, model_config.audio.num_samples], tf.float32, name="waveform"),
    ]


def serving_function(model):
    """A tf.function over the model with the serving signature: {"image": [N, HR, HR, 3]}."""

    def serve(lr_image, waveform):
        return {OUTPUT: model(lr_image, waveform)}

    return tf.function(serve, input_signature=input_signature(model.model_config))
