"""What the exporter's flags name, apart from the TensorFlow code that uses it, so that
`python -m export` checks its flags and paths before TensorFlow loads."""

FORMATS = ("saved_model", "tflite", "onnx")
QUANTIZATIONS = ("float32", "float16", "int8")  # the TFLite flatbuffers

# The gates an artefact passes against the Keras model on the same inputs. float32: max abs
# difference within this share of the output's range (1 for images in [-1, 1]).
FLOAT32_TOLERANCE = 1e-3
# float16 and int8: mean PSNR against Keras, in dB. Any NaN or Inf fails every format.
MIN_PSNR_DB = {"float16": 40.0, "int8": 20.0}
