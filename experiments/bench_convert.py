"""Converting the authors' release at the paper's widths: time and peak memory, then the exports.

  python experiments/bench_convert.py [--scratch=DIR] [--export] [--keep]

Writes a paper-width checkpoint in the authors' format (names, shapes and deterministic
weights as the official fixture's rule; 719,902,262 parameters, 2.9 GB; the release's
real checkpoint is this size) with the tests' helper, then times
`python -m ears_tf.convert` on it in its own process and reports its peak resident
memory. With --export, also `python -m export` in each format (SavedModel; TFLite float16;
ONNX with external data), each timed the same way, then the inference benchmark on the converted workdir and
those artefacts (`experiments/bench_inference.py --workdir=... --artefacts=...`). Targets: under 10 min
and 12 GB for the conversion on 2 cores.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from absl import app, flags
from timing import cpu_model, matmul_gflops, timed_child

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

flags.DEFINE_string("scratch", None, "Folder for the checkpoint, workdir and exports (default: a temporary one).")
flags.DEFINE_bool("export", False, "Also export the converted workdir in every format.")
flags.DEFINE_bool("keep", False, "Keep the scratch folder.")
flags.DEFINE_float("seconds", 5.0, "With --export: timed seconds per inference measurement.")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    from ears_tf.config import get_preset
    from tests.convert.authors_format import checkpoint_shapes, write_checkpoint

    rate = matmul_gflops(3.0)
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, float32 matmul {rate:.0f} GFLOP/s")
    scratch = FLAGS.scratch or tempfile.mkdtemp(prefix="bench_convert-")
    try:
        shapes = checkpoint_shapes(get_preset("paper").model)
        started = time.perf_counter()
        checkpoint = write_checkpoint(os.path.join(scratch, "checkpoint"), shapes)
        size = sum(os.path.getsize(os.path.join(scratch, "checkpoint", n)) for n in os.listdir(os.path.join(scratch, "checkpoint")))
        print(f"wrote a paper-width checkpoint: {len(shapes)} variables, {size / 1e9:.2f} GB in "
              f"{time.perf_counter() - started:.0f} s")
        workdir = os.path.join(scratch, "workdir")
        seconds, peak, result = timed_child(["-m", "ears_tf.convert", f"--checkpoint={checkpoint}", f"--workdir={workdir}"])
        if result.returncode != 0:
            print(result.stderr[-3000:])
            return 1
        print(result.stdout.strip().splitlines()[-1])
        print(f"convert: {seconds:.0f} s, peak memory {peak:.1f} GB (targets: 600 s, 12 GB)")
        if FLAGS.export:
            # TFLite: float16 only. float32 cannot be one 2 GB flatbuffer at these widths, and
            # int8 on the rule's weights measured 19.1 dB, under its 20 dB gate (docs/convert.md).
            output = os.path.join(scratch, "export")  # one folder, laid out as bench_inference reads it
            for fmt, extra in (("saved_model", []), ("tflite", ["--quantizations=float16"]), ("onnx", [])):
                seconds, peak, result = timed_child(["-m", "export", f"--workdir={workdir}", f"--format={fmt}",
                                                     f"--output={output}", *extra])
                tail = (result.stdout.strip().splitlines() or [""])[-1] if result.returncode == 0 else result.stderr[-800:]
                print(f"export {fmt}: exit {result.returncode}, {seconds:.0f} s, peak memory {peak:.1f} GB: {tail}")
            # The inference benchmark on the converted workdir and these artefacts, each path in its own process.
            subprocess.run([sys.executable, os.path.join(ROOT, "experiments", "bench_inference.py"),
                            f"--workdir={workdir}", f"--artefacts={output}", f"--seconds={FLAGS.seconds}",
                            "--paths=keras_eager,function,saved_model,tflite_float16,onnx"], cwd=ROOT,
                           env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        print(f"workdir: {workdir}" if FLAGS.keep else "")
    finally:
        if not FLAGS.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    app.run(main)
