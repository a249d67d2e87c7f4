"""ONNX through tf2onnx from the serving tf.function (dynamic batch)."""
from __future__ import annotations

import os

import tf2onnx

from export.graph import input_signature, serving_function

OPSET = 17


def convert_onnx(model, output_path) -> str:
    partial = f"{output_path}.partial"
    tf2onnx.convert.from_function(
        serving_function(model), input_signature=input_signature(model.model_config), opset=OPSET,
        output_path=partial,
    )
    os.replace(partial, output_path)
    return os.fspath(output_path)
