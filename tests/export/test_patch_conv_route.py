"""The matmul route of `ConvBlock` (paper-preset widths only) through the float32 export runtimes.

CI's smoke model never reaches the route's weight floor, so this exports one block that
does: a SavedModel and an ONNX graph with a dynamic batch, each reloaded and compared."""
import os

import numpy as np
import onnxruntime
import tensorflow as tf
import tf2onnx

from ears_tf.layers import ConvBlock
from export.onnx import OPSET
from tests.test_case import TestCase

SHAPE = (3, 3, 512)  # a 3x3 map into a 4x4x512x512 kernel: 4M weights, the route's floor


class PatchConvRouteExportTest(TestCase):
    def setUp(self):
        super().setUp()
        self.block = ConvBlock(512, 4, strides=2)
        self.block.build((None,) + SHAPE)
        self.assertTrue(self.block.as_matmul)
        self.function = tf.function(lambda x: {"y": self.block(x)}, input_signature=[tf.TensorSpec((None,) + SHAPE, name="x")])
        rng = np.random.default_rng(0)
        self.inputs = [rng.normal(size=(n,) + SHAPE).astype(np.float32) for n in (1, 3)]

    def test_saved_model(self):
        module = tf.Module()
        module.block = self.block
        path = os.path.join(self.get_temp_dir(), "route")
        tf.saved_model.save(module, path, signatures={"serving_default": self.function})
        signature = tf.saved_model.load(path).signatures["serving_default"]
        for x in self.inputs:
            self.assertAllClose(signature(x=tf.constant(x))["y"], self.block(x), atol=1e-4)

    def test_onnx_dynamic_batch(self):
        path = os.path.join(self.get_temp_dir(), "route.onnx")
        tf2onnx.convert.from_function(self.function, input_signature=self.function.input_signature, opset=OPSET,
                                      output_path=path)
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        for x in self.inputs:
            self.assertAllClose(session.run(None, {"x": x})[0], self.block(x), atol=1e-4)
