"""TFLite flatbuffers converted from the SavedModel (the route that works with Keras 3 models)."""
from __future__ import annotations

import dataclasses
import os

import tensorflow as tf

from ears_tf.models import SuperResolver
from ears_tf.workdir.atomic import write_bytes
from export.gates import QUANTIZATIONS
from export.saved_model import export_saved_model

FLATBUFFER_LIMIT = 2 ** 31  # bytes: a TFLite flatbuffer cannot be larger


def weights_bytes(saved_model_dir) -> int:
    folder = os.path.join(os.fspath(saved_model_dir), "variables")
    return sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder))


def fitting_quantizations(saved_model_dir, limit: int = FLATBUFFER_LIMIT) -> tuple:
    """The QUANTIZATIONS whose flatbuffer fits: float32 weights over the limit (the paper
    preset's 2.7 GB) cannot serialise; float16 halves them and int8 quarters them."""
    size = weights_bytes(saved_model_dir)
    return tuple(q for q in QUANTIZATIONS if size * {"float32": 1.0, "float16": 0.5, "int8": 0.25}[q] < limit)


def export_tflite_source(model, staging_dir, name: str = "ears_tf", version: int = 1) -> str:
    """The SavedModel the flatbuffers are converted from: the serving graph with every
    encoder conv lowered to a convolution (TFLite's int8 kernels favour CONV_2D; see
    `ears_tf.layers.patch_conv`). Returns its path."""
    return export_saved_model(direct_conv_twin(model), staging_dir, name, version)


def direct_conv_twin(model: SuperResolver) -> SuperResolver:
    """The same model, weights and all, with `conv_route="direct"` in its config."""
    if model.model_config.conv_route == "direct":
        return model
    config = dataclasses.replace(model.model_config, conv_route="direct")
    twin = SuperResolver(config, variant=model.variant, name=model.name, dtype=model.dtype_policy)
    twin.build()
    twin.set_weights(model.get_weights())
    return twin


def convert_tflite(saved_model_dir, output_path, quantization: str = "float32") -> str:
    """float32; float16 weights; or dynamic-range int8 weights (activations stay float)."""
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"quantization must be one of {', '.join(QUANTIZATIONS)}, got {quantization!r}")
    converter = tf.lite.TFLiteConverter.from_saved_model(os.fspath(saved_model_dir))
    if quantization == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif quantization == "int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    flatbuffer = converter.convert()
    write_bytes(output_path, flatbuffer)
    return os.fspath(output_path)
