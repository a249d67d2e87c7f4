"""ONNX through tf2onnx from the serving tf.function (dynamic batch).

Up to about 2 GB of weights, tf2onnx converts the serving function with its weights
folded in as constants: one `.onnx` file. Above that (the paper preset's 2.7 GB) one
protobuf cannot hold them, and tf2onnx's constant folding needed more than 20 GB. So
the weights enter the converter as graph inputs instead (`stateless_call`), never as
constants, and become initializers afterwards, saved as ONNX external data beside the
model (`NAME.onnx` + `NAME.onnx.data`).
"""
from __future__ import annotations

import os

import numpy as np
import tensorflow as tf
import tf2onnx

from ears_tf.workdir.atomic import atomic_path
from export.graph import OUTPUT, input_signature, serving_function

OPSET = 17
# A protobuf cannot exceed 2 GB; leave room for the graph itself.
SINGLE_FILE_LIMIT = 2 ** 31 - 2 ** 28


def float32_weights_bytes(model) -> int:
    return sum(4 * int(np.prod(w.shape)) for w in model.weights)


def convert_onnx(model, output_path, external_data: bool | None = None) -> str:
    """Writes `output_path` (and `output_path`.data with external data); None: external data
    when the weights would not fit one protobuf."""
    if external_data is None:
        external_data = float32_weights_bytes(model) > SINGLE_FILE_LIMIT
    if not external_data:
        with atomic_path(output_path) as partial:
            tf2onnx.convert.from_function(
                serving_function(model), input_signature=input_signature(model.model_config), opset=OPSET,
                output_path=partial,
            )
        return os.fspath(output_path)
    return _convert_with_external_weights(model, output_path)


def _convert_with_external_weights(model, output_path) -> str:
    import onnx
    from onnx import numpy_helper

    trainable, non_trainable = model.trainable_variables, model.non_trainable_variables
    weights = trainable + non_trainable
    names = [f"weight_{i}" for i in range(len(weights))]
    weight_specs = [tf.TensorSpec(v.shape, v.dtype, name=name) for v, name in zip(weights, names)]

    def serve(lr_image, waveform, *values):
        image, _ = model.stateless_call(list(values[:len(trainable)]), list(values[len(trainable):]), lr_image, waveform)
        return {OUTPUT: image}

    proto, _ = tf2onnx.convert.from_function(
        tf.function(serve), input_signature=input_signature(model.model_config) + weight_specs, opset=OPSET,
    )
    graph = proto.graph
    used = {name for node in graph.node for name in node.input}
    values = dict(zip(names, weights))
    inputs = [i for i in graph.input if i.name not in values]
    for name in names:
        if name in used:  # weights the serving graph never reads (noise strengths) are dropped
            graph.initializer.append(numpy_helper.from_array(np.asarray(values[name].numpy()), name))
    del graph.input[:]
    graph.input.extend(inputs)
    data_name = os.path.basename(output_path) + ".data"
    # The default size threshold keeps small tensors (shapes) inline: ORT's shape inference
    # cannot read them from external data.
    with atomic_path(output_path) as partial:  # the data file, named in the model, is written in place first
        onnx.save_model(proto, partial, save_as_external_data=True, all_tensors_to_one_file=True, location=data_name)
    return os.fspath(output_path)
