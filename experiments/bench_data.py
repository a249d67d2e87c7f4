"""Input-pipeline throughput: examples/s of the training pipeline, per preset.

  python experiments/bench_data.py [--presets=quickstart,paper] [--speakers=N] [--seconds=20]

For each preset it generates a synthetic records folder of that preset's image size
(a reduced speaker count; throughput does not depend on it), then times the
training pipeline (decode PNG, authors-mode LR, decode audio, shuffle, batch) after
a warm-up. Target for quickstart: at least 1,000 examples/s on 2 cores.
"""
import dataclasses
import os
import tempfile
import time

from absl import app, flags

flags.DEFINE_list("presets", ["quickstart", "paper"], "Presets to measure.")
flags.DEFINE_integer("speakers", 40, "Speakers in the generated data (3 videos x 3 frames each).")
flags.DEFINE_float("seconds", 20.0, "Timed seconds per preset, after warm-up.")
flags.DEFINE_string("data_root", None, "Where to generate the data (default: a temporary folder).")
FLAGS = flags.FLAGS


def measure(data_dir, batch_size: int, seconds: float):
    from ears_tf.data import pipeline

    options = pipeline.PipelineOptions(batch_size=batch_size, training=True)
    iterator = iter(pipeline.make_dataset(data_dir, "d1", options))
    for _ in range(10):  # warm-up: fills the shuffle buffer and the prefetch queue
        next(iterator)
    examples, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        examples += int(next(iterator)["hr"].shape[0])
    return examples / (time.perf_counter() - start)


def main(argv):
    del argv
    from ears_tf import config
    from ears_tf.data.synthetic.dataset import generate

    root = FLAGS.data_root or tempfile.mkdtemp(prefix="bench_data_")
    print(f"{'preset':<12}{'HR':>5}{'batch':>7}{'examples/s':>13}")
    for name in FLAGS.presets:
        cfg = config.get_preset(name)
        data_cfg = dataclasses.replace(cfg.data, speakers=FLAGS.speakers, videos_d1=3, videos_d2=1, videos_test=1, frames_per_video=3)
        cfg = dataclasses.replace(cfg, data=data_cfg).validate()
        data_dir = os.path.join(root, name)
        if not os.path.exists(os.path.join(data_dir, "manifest.json")):
            generate(data_dir, cfg, seed=0, progress=False)
        batch = min(cfg.train.encoder_hr.batch_size, 64)
        rate = measure(data_dir, batch, FLAGS.seconds)
        print(f"{name:<12}{cfg.model.hr_size:>5}{batch:>7}{rate:>13.0f}")


if __name__ == "__main__":
    app.run(main)
