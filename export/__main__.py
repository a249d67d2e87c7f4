"""`python -m export --workdir=DIR --format=saved_model|tflite|onnx --output=DIR [--variant=f3]`.

Exports the fused inference model of a trained workdir, reloads every artefact and
compares it with the Keras model on random and real-looking inputs: float32 artefacts
within 1e-3 max abs, scaled by the output's largest magnitude when it exceeds 1 (an
untrained generator's images leave [-1, 1]); float16 and int8 report their PSNR.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

from absl import app, flags

from ears_tf.config import INFERENCE_VARIANTS
from ears_tf.errors import InputError, run_cli

FORMATS = ("saved_model", "tflite", "onnx")
FLOAT32_TOLERANCE = 1e-3

flags.DEFINE_string("workdir", None, "Workdir of a trained run (python -m ears_tf.train --stage=all).")
flags.DEFINE_enum("format", None, FORMATS, "Artefact format.")
flags.DEFINE_string("output", None, "Folder for the artefacts.")
flags.DEFINE_enum("variant", "f3", INFERENCE_VARIANTS, "Model to export.")
flags.DEFINE_string("name", "ears_tf", "Model name (the SavedModel folder TF Serving serves).")
flags.DEFINE_integer("version", 1, "SavedModel version folder.", lower_bound=1)
flags.mark_flags_as_required(["workdir", "format", "output"])
FLAGS = flags.FLAGS


def main(argv):
    del argv
    if not os.path.isdir(FLAGS.workdir):
        raise InputError(FLAGS.workdir, "no such workdir")
    from ears_tf.inference import load_super_resolver
    from export import parity
    from export.onnx import convert_onnx
    from export.saved_model import export_saved_model
    from export.tflite import QUANTIZATIONS, convert_tflite, export_tflite_source, fitting_quantizations

    model = load_super_resolver(FLAGS.workdir, FLAGS.variant)
    os.makedirs(FLAGS.output, exist_ok=True)
    artefacts = {}  # label -> (path, runner, float32?)
    if FLAGS.format == "saved_model":
        path = export_saved_model(model, FLAGS.output, FLAGS.name, FLAGS.version)
        artefacts["saved_model"] = (path, parity.run_saved_model, True)
    elif FLAGS.format == "tflite":
        with tempfile.TemporaryDirectory() as staging:
            saved = export_tflite_source(model, staging, FLAGS.name, FLAGS.version)
            fitting = fitting_quantizations(saved)
            for quantization in QUANTIZATIONS:
                if quantization not in fitting:
                    print(f"tflite_{quantization}: skipped, its weights exceed the 2 GB flatbuffer limit")
                    continue
                path = os.path.join(FLAGS.output, f"{FLAGS.name}_{quantization}.tflite")
                convert_tflite(saved, path, quantization)
                artefacts[f"tflite_{quantization}"] = (path, parity.run_tflite, quantization == "float32")
    else:
        path = convert_onnx(model, os.path.join(FLAGS.output, f"{FLAGS.name}.onnx"))
        artefacts["onnx"] = (path, parity.run_onnx, True)

    report, failures = {}, []
    for label, (path, runner, is_float32) in artefacts.items():
        report[label] = {"path": path}
        for inputs_name, (lr_image, waveform) in parity.probe_inputs(model.model_config).items():
            reference = model(lr_image, waveform).numpy()
            result = parity.compare(reference, runner(path, lr_image, waveform))
            report[label][inputs_name] = result
            print(f"{label} ({inputs_name} inputs): max abs diff {result['max_abs']:.2e}, PSNR {result['psnr']:.1f} dB "
                  f"against Keras")
            tolerance = FLOAT32_TOLERANCE * max(1.0, float(abs(reference).max()))
            if is_float32 and result["max_abs"] > tolerance:
                failures.append(f"{label} on {inputs_name} inputs differs by {result['max_abs']:.2e}")
    with open(os.path.join(FLAGS.output, f"parity_{FLAGS.format}.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    for label, (path, _, _) in artefacts.items():
        print(f"wrote {path}")
    if failures:
        print("parity failed: " + "; ".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    app.run(lambda argv: run_cli(main, argv))
