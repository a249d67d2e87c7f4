"""Time of one demo request (`DemoRunner.run`, what the page's button runs), on this machine.

  python experiments/bench_demo.py [--preset=quickstart] [--workdir=DIR] [--repeats=5]

Without --workdir, a workdir of the preset's widths with random weights is written to a
temporary folder (speed does not depend on the weights). Prints the load time, then the
median request time with one voice and with two (the mixing strip), after one warm-up
request, with the machine's matmul rate.
"""
import os
import statistics
import tempfile
import time

import numpy as np
import scipy.io.wavfile
from absl import app, flags
from PIL import Image
from timing import cpu_model, matmul_gflops

flags.DEFINE_string("preset", "quickstart", "Preset of the random-weight workdir (without --workdir).")
flags.DEFINE_string("workdir", None, "A trained or converted workdir.")
flags.DEFINE_integer("repeats", 5, "Timed requests per case.", lower_bound=1)
FLAGS = flags.FLAGS


def random_workdir(preset: str, folder: str) -> str:
    import keras

    from ears_tf import variants
    from ears_tf.config import get_preset
    from ears_tf.models import SuperResolver
    from ears_tf.workdir import layout

    keras.utils.set_random_seed(0)
    model = SuperResolver(get_preset(preset).model, variant=variants.F3_FINETUNE.name)
    model.build()
    fusion, fused_audio = layout.fusion_artefacts(variants.F3_FINETUNE)
    for artefact, part in ((layout.GENERATOR, model.generator), (layout.ENCODER_LR, model.encoder_lr),
                           (fusion, model.fusion), (fused_audio, model.encoder_audio)):
        os.makedirs(os.path.dirname(artefact.path(folder)), exist_ok=True)
        layout.save_model(part, artefact.path(folder))
    return folder


def main(argv):
    del argv
    from ears_tf.demo.runner import DemoRunner

    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, float32 matmul {matmul_gflops(3.0):.0f} GFLOP/s")
    with tempfile.TemporaryDirectory() as scratch:
        workdir = FLAGS.workdir or random_workdir(FLAGS.preset, os.path.join(scratch, "workdir"))
        rng = np.random.default_rng(0)
        face, voice_a, voice_b = (os.path.join(scratch, name) for name in ("face.png", "a.wav", "b.wav"))
        Image.fromarray((rng.random((256, 256, 3)) * 255).astype(np.uint8)).save(face)
        for path, period in ((voice_a, 9.0), (voice_b, 3.0)):
            scipy.io.wavfile.write(path, 16000, (0.3 * np.sin(np.arange(80000) / period)).astype(np.float32))
        started = time.perf_counter()
        runner = DemoRunner(workdir)
        print(f"workdir {FLAGS.workdir or 'random weights, preset ' + FLAGS.preset} "
              f"({runner.model_config.hr_size}x{runner.model_config.hr_size}): loaded in {time.perf_counter() - started:.1f} s")
        for label, voices in (("one voice", (voice_a,)), ("two voices (mixing strip)", (voice_a, voice_b))):
            first = runner.run(face, *voices).seconds
            times = [runner.run(face, *voices).seconds for _ in range(FLAGS.repeats)]
            print(f"request, {label}: first {first:.2f} s, then median {statistics.median(times):.2f} s "
                  f"(min {min(times):.2f}, max {max(times):.2f}, {FLAGS.repeats} requests)")


if __name__ == "__main__":
    app.run(main)
