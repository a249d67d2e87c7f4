"""Converting the authors' release at the paper's widths: time and peak memory, then the exports.

  python experiments/bench_convert.py [--scratch=DIR] [--export] [--keep]

Writes a paper-width checkpoint in the authors' format (names, shapes and deterministic
weights as the official fixture's rule; 719,902,262 parameters, 2.9 GB; the release's
real checkpoint is this size) with the tests' helper, then times
`python -m ears_tf.convert` on it in its own process and reports its peak resident
memory. With --export, also `python -m export` in each format (SavedModel; TFLite, which
at these widths writes only the quantizations a 2 GB flatbuffer holds; ONNX with external
data), each timed the same way; the inference benchmark then runs on the workdir:
`python experiments/bench_inference.py --workdir=SCRATCH/workdir`. Targets: under 10 min
and 12 GB for the conversion on 2 cores.
"""
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

from absl import app, flags
from timing import cpu_model, matmul_gflops

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

flags.DEFINE_string("scratch", None, "Folder for the checkpoint, workdir and exports (default: a temporary one).")
flags.DEFINE_bool("export", False, "Also export the converted workdir in every format.")
flags.DEFINE_bool("keep", False, "Keep the scratch folder.")
FLAGS = flags.FLAGS


def timed_child(args: list) -> tuple:
    """(seconds, peak resident GB of this child alone, completed process)."""
    started = time.perf_counter()
    # A fresh interpreter per command, so RUSAGE_CHILDREN's maximum is this command's.
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print('peak_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
               "sys.exit(r.returncode)")
    result = subprocess.run([sys.executable, "-c", wrapper, sys.executable, *args], capture_output=True, text=True,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), cwd=ROOT)
    seconds = time.perf_counter() - started
    peak_kb = next((int(line.split()[1]) for line in result.stderr.splitlines() if line.startswith("peak_kb")), 0)
    return seconds, peak_kb / 2 ** 20, result


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
            for fmt in ("saved_model", "tflite", "onnx"):
                output = os.path.join(scratch, "export", fmt)
                seconds, peak, result = timed_child(["-m", "export", f"--workdir={workdir}", f"--format={fmt}",
                                                     f"--output={output}"])
                tail = (result.stdout.strip().splitlines() or [""])[-1] if result.returncode == 0 else result.stderr[-800:]
                print(f"export {fmt}: exit {result.returncode}, {seconds:.0f} s, peak memory {peak:.1f} GB: {tail}")
        print(f"workdir: {workdir}" if FLAGS.keep else "")
    finally:
        if not FLAGS.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    app.run(main)
