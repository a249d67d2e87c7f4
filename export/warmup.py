"""TF Serving warm-up requests: SAVED_MODEL/assets.extra/tf_serving_warmup_requests.

TF Serving runs these `PredictionLog` records through the model when it loads it, so
the first user request does not pay for graph initialisation. The `tensorflow-serving-api`
wheel that defines them requires the full `tensorflow` package, which conflicts with our
`tensorflow-cpu`; so the few messages needed are declared here, in a private descriptor
pool, with the field numbers of tensorflow_serving/apis (checked against
tensorflow-serving-api 2.16.1): PredictionLog.predict_log = 6, PredictLog.request = 1,
PredictRequest.model_spec = 1 and inputs = 2 (map of TensorProto), ModelSpec.name = 1
and signature_name = 3. Only field numbers and types reach the bytes.
"""
from __future__ import annotations

import os

import numpy as np
import tensorflow as tf
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from tensorflow.core.framework import tensor_pb2

WARMUP_DIR = "assets.extra"
WARMUP_FILE = "tf_serving_warmup_requests"
PACKAGE = "tensorflow.serving"
SIGNATURE = "serving_default"


def _add_with_dependencies(pool, file_descriptor) -> None:
    for dependency in file_descriptor.dependencies:
        _add_with_dependencies(pool, dependency)
    try:
        pool.FindFileByName(file_descriptor.name)
    except KeyError:
        pool.AddSerializedFile(file_descriptor.serialized_pb)


def _field(message, name: str, number: int, kind, type_name: str | None = None, repeated: bool = False):
    field = message.field.add(name=name, number=number, type=kind)
    field.label = field.LABEL_REPEATED if repeated else field.LABEL_OPTIONAL
    if type_name:
        field.type_name = type_name


def _message_classes() -> dict:
    pool = descriptor_pool.DescriptorPool()
    _add_with_dependencies(pool, tensor_pb2.DESCRIPTOR)
    proto = descriptor_pb2.FileDescriptorProto(name="ears_tf/serving_warmup.proto", package=PACKAGE, syntax="proto3")
    proto.dependency.append(tensor_pb2.DESCRIPTOR.name)
    F = descriptor_pb2.FieldDescriptorProto
    model_spec = proto.message_type.add(name="ModelSpec")
    _field(model_spec, "name", 1, F.TYPE_STRING)
    _field(model_spec, "signature_name", 3, F.TYPE_STRING)
    request = proto.message_type.add(name="PredictRequest")
    _field(request, "model_spec", 1, F.TYPE_MESSAGE, f".{PACKAGE}.ModelSpec")
    entry = request.nested_type.add(name="InputsEntry")
    entry.options.map_entry = True
    _field(entry, "key", 1, F.TYPE_STRING)
    _field(entry, "value", 2, F.TYPE_MESSAGE, ".tensorflow.TensorProto")
    _field(request, "inputs", 2, F.TYPE_MESSAGE, f".{PACKAGE}.PredictRequest.InputsEntry", repeated=True)
    predict_log = proto.message_type.add(name="PredictLog")
    _field(predict_log, "request", 1, F.TYPE_MESSAGE, f".{PACKAGE}.PredictRequest")
    prediction_log = proto.message_type.add(name="PredictionLog")
    _field(prediction_log, "predict_log", 6, F.TYPE_MESSAGE, f".{PACKAGE}.PredictLog")
    pool.Add(proto)
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PACKAGE}.{name}"))
            for name in ("PredictionLog", "PredictLog", "PredictRequest", "ModelSpec")}


def prediction_log(model_name: str, inputs: dict) -> bytes:
    """One serialized PredictionLog: a Predict request of `inputs` {name: array} to `model_name`."""
    classes = _message_classes()
    request = classes["PredictRequest"]()
    request.model_spec.name = model_name
    request.model_spec.signature_name = SIGNATURE
    for name, value in inputs.items():
        # The private pool has its own TensorProto class: copy through the wire format.
        request.inputs[name].ParseFromString(tf.make_tensor_proto(np.asarray(value)).SerializeToString())
    return classes["PredictionLog"](predict_log=classes["PredictLog"](request=request)).SerializeToString()


def parse_prediction_log(serialized: bytes) -> tuple[str, str, dict]:
    """(model name, signature, {input: array}) of a serialized PredictionLog (for checks)."""
    log = _message_classes()["PredictionLog"].FromString(serialized)
    request = log.predict_log.request
    inputs = {name: tf.make_ndarray(tensor_pb2.TensorProto.FromString(tensor.SerializeToString()))
              for name, tensor in request.inputs.items()}
    return request.model_spec.name, request.model_spec.signature_name, inputs


def write_warmup(saved_model_dir, model_name: str, requests: list) -> str:
    """Writes the warm-up file, one record per {input: array} in `requests`; returns its path."""
    folder = os.path.join(os.fspath(saved_model_dir), WARMUP_DIR)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, WARMUP_FILE)
    with tf.io.TFRecordWriter(path) as writer:
        for inputs in requests:
            writer.write(prediction_log(model_name, inputs))
    return path
