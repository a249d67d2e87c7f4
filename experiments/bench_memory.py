"""Peak memory and wall time of `python -m ears_tf.infer` and of one demo request on a workdir.

  python experiments/bench_memory.py --workdir=DIR [--variant=f3_finetune] [--checkout=DIR]

Each command runs in its own process from a fresh interpreter, so its peak resident memory
is its own: a single pair, the same with --strip (which adds the E_l-only panel), and the
demo's runner answering one request with two voices (the four panels and the mixing
strip). The inputs are a random 128x128 face and two synthetic 4 s voices. For a
paper-width workdir, `python experiments/bench_convert.py --scratch=DIR --keep` writes one
(DIR/workdir). `--checkout` runs another checkout's code (`git worktree add DIR COMMIT`),
to compare before and after a change.
"""
import os
import sys
import tempfile
import wave

import numpy as np
from absl import app, flags
from PIL import Image
from timing import ROOT, cpu_model, matmul_gflops, timed_child

flags.DEFINE_string("workdir", None, "A trained (or converted) workdir.", required=True)
flags.DEFINE_string("variant", "f3_finetune", "The fused variant to run.")
flags.DEFINE_string("checkout", ROOT, "The checkout whose code the commands run.")
FLAGS = flags.FLAGS

DEMO_REQUEST = ("import sys; from ears_tf.demo.runner import DemoRunner; "
                "result = DemoRunner(sys.argv[1], sys.argv[2]).run(sys.argv[3], sys.argv[4], sys.argv[5]); "
                "assert result.mix is not None")


def write_inputs(folder) -> tuple:
    rng = np.random.default_rng(0)
    face = os.path.join(folder, "face.png")
    Image.fromarray(rng.integers(0, 256, (128, 128, 3), dtype=np.uint8)).save(face)
    voices = []
    for number, pitch in enumerate((120.0, 210.0)):
        t = np.arange(4 * 16_000) / 16_000
        signal = 0.3 * np.sin(2 * np.pi * pitch * t) * (1 + rng.normal(0, 0.1, t.shape))
        path = os.path.join(folder, f"voice{number}.wav")
        with wave.open(path, "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(16_000)
            f.writeframes((np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes())
        voices.append(path)
    return face, voices


def main(argv):
    del argv
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, float32 matmul {matmul_gflops(3.0):.0f} GFLOP/s")
    print(f"code: {FLAGS.checkout}; workdir: {FLAGS.workdir}; variant {FLAGS.variant}")
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(FLAGS.workdir) for f in files
               if f.endswith(".keras"))
    print(f".keras files in the workdir: {size / 1e9:.2f} GB")
    with tempfile.TemporaryDirectory() as folder:
        face, voices = write_inputs(folder)
        infer = ["-m", "ears_tf.infer", f"--workdir={FLAGS.workdir}", f"--variant={FLAGS.variant}",
                 f"--image={face}", f"--audio={voices[0]}"]
        commands = {
            "infer, one pair": infer + [f"--output={folder}/one.png"],
            "infer --strip": infer + [f"--output={folder}/strip.png", "--strip"],
            "demo, one request": ["-c", DEMO_REQUEST, FLAGS.workdir, FLAGS.variant, face, *voices],
        }
        print("| command | peak memory | wall time |\n|---|---|---|")
        for name, args in commands.items():
            seconds, peak, result = timed_child(args, os.path.abspath(FLAGS.checkout))
            if result.returncode:
                print(f"| {name} | failed: {result.stderr.strip().splitlines()[-1]} | |")
                continue
            print(f"| {name} | {peak:.1f} GB | {seconds:.0f} s |", flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    app.run(main)
