"""Inference speed of the fused model on this machine, per runtime, against the matmul rate.

  python experiments/bench_inference.py [--preset=paper] [--variant=f3_finetune] [--seconds=10] [--workdir=DIR]
      [--precision=mixed_bfloat16]

For each path: latency at batch 1, throughput at batch 8, the achieved GFLOP/s (the
analytic FLOPs of the fused model, `models.flops.super_resolver_gflop`) as a share of the
matmul rate in the Keras paths' compute dtype (measured in the same run), the
peak memory of the process that ran it, and the artefact's size. Paths: Keras eager,
`tf.function`, `tf.function` with XLA, the SavedModel of `python -m export`, the TFLite
float32 / float16 / int8 flatbuffers and onnxruntime. Each path runs in its own process
(so its peak memory is its own), under a memory watchdog. Without --workdir the
weights are random: speed does not depend on them. A path that cannot be built says why.
`--precision` applies to the Keras paths (eager, function, XLA); the exported artefacts are
float32 graphs.
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from absl import app, flags
from timing import matmul_gflops, peak_rss_gb, timed

from ears_tf.variants import DEFAULT, VARIANT_NAMES

KERAS_PATHS = ("keras_eager", "function", "function_xla")
PATHS = ("keras_eager", "function", "function_xla", "saved_model", "tflite_float32", "tflite_float16",
         "tflite_int8", "onnx")

flags.DEFINE_string("preset", "paper", "Model preset.")
flags.DEFINE_enum("variant", DEFAULT.name, VARIANT_NAMES, "Inference variant.")
flags.DEFINE_string("workdir", None, "Load trained weights from this workdir (default: random weights).")
flags.DEFINE_float("seconds", 10.0, "Timed seconds per measurement, after warm-up.")
flags.DEFINE_list("paths", list(PATHS), "Paths to measure.")
flags.DEFINE_float("memory_limit_gb", 20.0, "Kill a path whose process exceeds this resident memory.")
flags.DEFINE_string("artefacts", None, "Folder for the exported artefacts (default: a temporary one); artefacts "
                    "already there, as `python -m export --output=` names them, are used as they are.")
flags.DEFINE_enum("precision", "float32", ("float32", "mixed_bfloat16"),
                  "Precision of the Keras paths (ears_tf/precision.py).")
flags.DEFINE_string("child", None, "Internal: run one path and print its JSON.")
FLAGS = flags.FLAGS


def build_model():
    from ears_tf import config, precision
    from ears_tf.models import SuperResolver

    if FLAGS.child in KERAS_PATHS:
        precision.apply(FLAGS.precision)
    if FLAGS.workdir:
        from ears_tf.infer.model import load_super_resolver

        return load_super_resolver(FLAGS.workdir, FLAGS.variant)
    import keras

    keras.utils.set_random_seed(0)  # every path's process builds the same weights
    model = SuperResolver(config.get_preset(FLAGS.preset).model, variant=FLAGS.variant)
    model.build()
    return model


def inputs(model_config, batch):
    import numpy as np

    rng = np.random.default_rng(batch)
    r = model_config.lr_size
    return (rng.uniform(-1, 1, (batch, r, r, 3)).astype(np.float32),
            rng.normal(0, 0.1, (batch, model_config.audio.num_samples)).astype(np.float32))


def size_of(path) -> int:
    if os.path.isfile(path):  # with ONNX external data beside it, if any
        return os.path.getsize(path) + (os.path.getsize(path + ".data") if os.path.isfile(path + ".data") else 0)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def runner_for(path_name: str, model, folder: str):
    """(callable(lr, waveform) -> image, artefact path or None)."""
    import tensorflow as tf

    if path_name == "keras_eager":
        return (lambda lr, w: model(lr, w).numpy()), None
    if path_name in ("function", "function_xla"):
        function = tf.function(lambda lr, w: model(lr, w), jit_compile=path_name == "function_xla",
                               reduce_retracing=True)
        return (lambda lr, w: function(lr, w).numpy()), None
    if path_name == "saved_model":
        from export.saved_model import export_saved_model

        saved = os.path.join(folder, "ears_tf", "1")
        if not os.path.isdir(saved):
            export_saved_model(model, folder)
        signature = tf.saved_model.load(saved).signatures["serving_default"]
        return (lambda lr, w: signature(lr_image=tf.constant(lr), waveform=tf.constant(w))["image"].numpy()), saved
    if path_name.startswith("tflite_"):
        from export.tflite import convert_tflite, export_tflite_source, fitting_quantizations

        quantization = path_name.split("_", 1)[1]
        target = os.path.join(folder, f"ears_tf_{quantization}.tflite")  # as `python -m export` names it
        if not os.path.isfile(target):  # converted from the TFLite source (direct convs), not the SavedModel
            saved = os.path.join(folder, "tflite_source", "ears_tf", "1")
            if not os.path.isdir(saved):
                export_tflite_source(model, os.path.join(folder, "tflite_source"))
            if quantization not in fitting_quantizations(saved):
                raise RuntimeError(f"{quantization} weights exceed the 2 GB flatbuffer limit")
            convert_tflite(saved, target, quantization)
        interpreter = tf.lite.Interpreter(model_path=target, num_threads=os.cpu_count())
        signature = interpreter.get_signature_runner("serving_default")
        return (lambda lr, w: signature(lr_image=lr, waveform=w)["image"]), target
    if path_name == "onnx":
        import onnxruntime

        from export.onnx import convert_onnx

        target = os.path.join(folder, "ears_tf.onnx")
        if not os.path.isfile(target):
            convert_onnx(model, target)
        session = onnxruntime.InferenceSession(target, providers=["CPUExecutionProvider"])
        return (lambda lr, w: session.run(["image"], {"lr_image": lr, "waveform": w})[0]), target
    raise ValueError(path_name)


def run_child(path_name: str) -> dict:
    import numpy as np

    from ears_tf.models.flops import super_resolver_gflop

    model = build_model()
    cfg = model.model_config
    gflop = super_resolver_gflop(cfg, model.variant)
    folder = FLAGS.artefacts or tempfile.mkdtemp(prefix="bench_inference-")
    os.makedirs(folder, exist_ok=True)
    start = time.perf_counter()
    run, artefact = runner_for(path_name, model, folder)
    setup = time.perf_counter() - start
    result = {"path": path_name, "gflop": gflop, "setup_s": round(setup, 1),
              "size_mb": round(size_of(artefact) / 1e6, 1) if artefact else None}
    reference = None
    for batch in (1, 8):
        lr, waveform = inputs(cfg, batch)
        output = run(lr, waveform)
        if batch == 8:
            reference = np.asarray(model(lr, waveform), np.float32)
            result["max_abs_diff"] = float(np.abs(output - reference).max())
        result[f"ms_per_image_b{batch}"] = 1e3 * timed(lambda: run(lr, waveform), FLAGS.seconds, warmup=1) / batch
    result["peak_rss_gb"] = round(peak_rss_gb(), 2)
    return result


def run_path(path_name: str) -> dict:
    """Runs one path in a child process under the memory watchdog."""
    command = [sys.executable, __file__, f"--child={path_name}", f"--preset={FLAGS.preset}", f"--variant={FLAGS.variant}",
               f"--seconds={FLAGS.seconds}", f"--precision={FLAGS.precision}"] + ([f"--workdir={FLAGS.workdir}"] if FLAGS.workdir else []) + (
               [f"--artefacts={FLAGS.artefacts}"] if FLAGS.artefacts else [])
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    killed = []

    def watch():
        while child.poll() is None:
            try:
                with open(f"/proc/{child.pid}/status") as f:
                    rss_kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
            except (OSError, StopIteration):
                rss_kb = 0
            if rss_kb / 1e6 > FLAGS.memory_limit_gb:
                killed.append(rss_kb / 1e6)
                child.kill()
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True).start()
    stdout, stderr = child.communicate()
    if killed:
        return {"path": path_name, "error": f"stopped at {killed[0]:.1f} GB resident (limit {FLAGS.memory_limit_gb:g} GB)"}
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        errors = [line for line in stderr.splitlines() if "Error" in line or "error" in line]
        return {"path": path_name, "error": (errors[-1] if errors else f"exit status {child.returncode}")[:200]}
    return json.loads(lines[-1])


def main(argv):
    del argv
    if FLAGS.child:
        print(json.dumps(run_child(FLAGS.child)))
        return
    if FLAGS.artefacts is None:
        FLAGS.artefacts = tempfile.mkdtemp(prefix="bench_inference-")
    from ears_tf.machine import cpu_model

    peak = matmul_gflops(FLAGS.seconds)
    compute = "bfloat16" if FLAGS.precision == "mixed_bfloat16" else "float32"
    keras_peak = matmul_gflops(FLAGS.seconds, compute) if compute != "float32" else peak
    print(f"{cpu_model()}; matmul (2048^2) float32 {peak:.0f} GFLOP/s, {compute} {keras_peak:.0f} GFLOP/s; "
          f"preset {FLAGS.preset}, variant {FLAGS.variant}, Keras paths in {FLAGS.precision}; "
          f"artefacts in {FLAGS.artefacts}", flush=True)
    print("| path | ms at batch 1 | img/s at batch 8 | GFLOP/s at batch 8 | % of matmul | peak memory | size | "
          "max diff vs Keras |")
    print("|---|---|---|---|---|---|---|---|")
    gflop = None
    for path_name in FLAGS.paths:
        result = run_path(path_name)
        gflop = gflop or result.get("gflop")
        if "error" in result:
            print(f"| {path_name} | not run: {result['error']} | | | | | | |", flush=True)
            continue
        rate = result["gflop"] / (result["ms_per_image_b8"] / 1e3)
        size = f"{result['size_mb']:,.0f} MB" if result["size_mb"] else ""
        print(f"| {path_name} | {result['ms_per_image_b1']:.1f} | {1e3 / result['ms_per_image_b8']:.2f} | {rate:.0f} | "
              f"{100 * rate / (keras_peak if path_name in KERAS_PATHS else peak):.0f}% | {result['peak_rss_gb']:.1f} GB | {size} | {result['max_abs_diff']:.1e} |",
              flush=True)
    if gflop:
        print(f"(forward cost {gflop:.1f} GFLOP per image, analytic)")


if __name__ == "__main__":
    app.run(main)
