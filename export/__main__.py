"""`python -m export --workdir=DIR --format=saved_model|tflite|onnx --output=DIR [--variant=f3_finetune]
[--quantizations=float32,float16,int8]`.

Exports the fused inference model of a trained workdir, reloads every artefact and
compares it with the Keras model on random and real-looking inputs. Each format has a
gate (`export.gates.FLOAT32_TOLERANCE` and `MIN_PSNR_DB`; NaN or Inf fails all): artefacts are written
aside and published into OUTPUT only when every one passes; otherwise exit status 1 and
nothing is written.
"""
from __future__ import annotations

import os
import sys
import tempfile

from absl import flags

from ears_tf.variants import DEFAULT, VARIANT_NAMES
from export.gates import FORMATS, MIN_PSNR_DB, QUANTIZATIONS
from ears_tf import cli
from ears_tf.errors import InputError


class ParityError(Exception):
    """An exported artefact disagrees with the Keras model."""


flags.DEFINE_string("workdir", None, "Workdir of a trained run (python -m ears_tf.train --stage=all).")
flags.DEFINE_enum("format", None, FORMATS, "Artefact format.")
flags.DEFINE_string("output", None, "Folder for the artefacts.")
flags.DEFINE_enum("variant", DEFAULT.name, VARIANT_NAMES, "Model to export.")
flags.DEFINE_string("name", "ears_tf", "Model name (the SavedModel folder TF Serving serves).")
flags.DEFINE_integer("version", 1, "SavedModel version folder.", lower_bound=1)
flags.DEFINE_float("min_psnr_float16", MIN_PSNR_DB["float16"],
                   "Gate: TFLite float16 must reach this mean PSNR against Keras (dB).", lower_bound=0.0)
flags.DEFINE_list("quantizations", list(QUANTIZATIONS),
                  "With --format=tflite: the flatbuffers to write, of " + ", ".join(QUANTIZATIONS) + ".")
flags.register_validator("quantizations", lambda names: bool(names) and set(names) <= set(QUANTIZATIONS)
                         and len(set(names)) == len(names),
                         "must list some of " + ", ".join(QUANTIZATIONS) + ", each once")
flags.DEFINE_float("min_psnr_int8", MIN_PSNR_DB["int8"],
                   "Gate: TFLite int8 must reach this mean PSNR against Keras (dB).", lower_bound=0.0)
flags.mark_flags_as_required(["workdir", "format", "output"])
FLAGS = flags.FLAGS


def main(argv):
    del argv
    if not os.path.isdir(FLAGS.workdir):
        raise InputError(FLAGS.workdir, "no such workdir")
    from ears_tf.workdir import atomic, run_config

    run_config.check(FLAGS.workdir)
    atomic.check_writable(FLAGS.output)
    target = os.path.join(FLAGS.output, FLAGS.name, str(FLAGS.version))
    if FLAGS.format == "saved_model" and os.path.exists(target):
        raise InputError(target, "exists; choose another --version or remove it")
    from ears_tf.infer.model import load_super_resolver

    model = load_super_resolver(FLAGS.workdir, FLAGS.variant)
    try:
        # Everything is written and checked aside; only artefacts that pass their gate are published.
        with atomic.staged_folder(FLAGS.output) as staging:
            artefacts = export(model, staging)
            report = check_parity(model, artefacts)
            atomic.write_json(os.path.join(staging, f"parity_{FLAGS.format}.json"), report)
    except ParityError as failure:
        print(f"error: parity failed, nothing written: {failure}", file=sys.stderr)
        sys.exit(1)
    for label, (path, _, _) in artefacts.items():
        print(f"wrote {os.path.join(FLAGS.output, os.path.relpath(path, staging))}")


def export(model, output) -> dict:
    """Writes the --format artefacts into `output`; returns {label: (path, runner, quantization)}."""
    from export import parity
    from export.onnx import convert_onnx
    from export.saved_model import export_saved_model
    from export.tflite import convert_tflite, export_tflite_source, fitting_quantizations

    artefacts = {}
    if FLAGS.format == "saved_model":
        path = export_saved_model(model, output, FLAGS.name, FLAGS.version)
        artefacts["saved_model"] = (path, parity.run_saved_model, "float32")
    elif FLAGS.format == "tflite":
        with tempfile.TemporaryDirectory() as source:
            saved = export_tflite_source(model, source, FLAGS.name, FLAGS.version)
            fitting = fitting_quantizations(saved)
            for quantization in (q for q in QUANTIZATIONS if q in FLAGS.quantizations):
                if quantization not in fitting:
                    print(f"tflite_{quantization}: skipped, its weights exceed the 2 GB flatbuffer limit")
                    continue
                path = os.path.join(output, f"{FLAGS.name}_{quantization}.tflite")
                convert_tflite(saved, path, quantization)
                artefacts[f"tflite_{quantization}"] = (path, parity.run_tflite, quantization)
            if not artefacts:
                raise InputError(FLAGS.workdir, f"no flatbuffer of --quantizations={','.join(FLAGS.quantizations)} "
                                                "fits the 2 GB limit; add int8 or float16")
    else:
        path = convert_onnx(model, os.path.join(output, f"{FLAGS.name}.onnx"))
        artefacts["onnx"] = (path, parity.run_onnx, "float32")
    return artefacts


def check_parity(model, artefacts: dict) -> dict:
    """Runs every artefact on the probe inputs against Keras; raises ParityError past a gate."""
    from export import parity

    report, failures = {}, []
    for label, (path, runner, quantization) in artefacts.items():
        report[label] = {"quantization": quantization}
        for inputs_name, (lr_image, waveform) in parity.probe_inputs(model.model_config).items():
            reference = model(lr_image, waveform).numpy()
            result = parity.compare(reference, runner(path, lr_image, waveform))
            report[label][inputs_name] = result
            print(f"{label} ({inputs_name} inputs): max abs diff {result['max_abs']:.2e}, PSNR {result['psnr']:.1f} dB "
                  f"against Keras")
            problem = parity.gate(result, quantization, reference, min_psnr_db={
                "float16": FLAGS.min_psnr_float16, "int8": FLAGS.min_psnr_int8})
            if problem:
                failures.append(f"{label} on {inputs_name} inputs: {problem}")
    if failures:
        raise ParityError("; ".join(failures))
    return report


if __name__ == "__main__":
    cli.run(main)
