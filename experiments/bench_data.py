"""Input-pipeline throughput: examples/s of the training pipeline, per preset.

  python experiments/bench_data.py [--presets=quickstart,paper] [--speakers=N] [--seconds=20]
      [--pipeline=model_stage|stylegan] [--order=fixed|any]

For each preset it generates a synthetic records folder of that preset's image size
(a reduced speaker count; throughput does not depend on it), then times a training
pipeline after a warm-up: `model_stage`, the encoder stages' (decode PNG, authors-mode LR,
decode audio, shuffle, batch), or `stylegan`, the `stylegan` stage's own (`StyleGANStage.dataset`:
the faces of d1 and d2 at its batch). `--order=any` times the encoder stages' pipeline in
tf.data's non-deterministic mode, for comparison with the trainer's fixed order. Target for
quickstart: at least 1,000 examples/s on 2 cores; for the paper's stylegan stage, more faces a
second than the GPU step consumes.
"""
import dataclasses
import os
import tempfile
import time

from absl import app, flags
from timing import cpu_model

flags.DEFINE_list("presets", ["quickstart", "paper"], "Presets to measure.")
flags.DEFINE_integer("speakers", 40, "Speakers in the generated data (3 videos x 3 frames each).")
flags.DEFINE_float("seconds", 20.0, "Timed seconds per preset, after warm-up.")
flags.DEFINE_string("data_root", None, "Where to generate the data (default: a temporary folder).")
flags.DEFINE_enum("pipeline", "model_stage", ("model_stage", "stylegan"), "Which stage's training pipeline to time.")
flags.DEFINE_enum("order", "fixed", ("fixed", "any"), "fixed: the trainer's order, the same batches in every run of "
                  "a seed; any: tf.data's non-deterministic parallel reads (model_stage only).")
flags.register_multi_flags_validator(["order", "pipeline"], lambda v: v["order"] == "fixed" or v["pipeline"] == "model_stage",
                                    "--order=any times the model_stage pipeline only")
FLAGS = flags.FLAGS


def dataset(cfg, data_dir, batch_size: int):
    """The chosen stage's training pipeline, yielding [B, HR, HR, 3] faces first."""
    if FLAGS.pipeline == "stylegan":
        from ears_tf.train.stylegan import StyleGANStage

        return StyleGANStage(cfg, data_dir, workdir="", batch_size=batch_size).dataset(seed=0)
    from ears_tf.data import pipeline

    options = pipeline.PipelineOptions(batch_size=batch_size, training=True, deterministic=FLAGS.order == "fixed")
    return pipeline.make_dataset(data_dir, "d1", options).map(lambda batch: batch["hr"])


def measure(examples_dataset, seconds: float):
    iterator = iter(examples_dataset)
    for _ in range(10):  # warm-up: fills the shuffle buffer and the prefetch queue
        next(iterator)
    examples, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        examples += int(next(iterator).shape[0])
    return examples / (time.perf_counter() - start)


def main(argv):
    del argv
    from ears_tf import config
    from ears_tf.data.synthetic.dataset import generate

    root = FLAGS.data_root or tempfile.mkdtemp(prefix="bench_data_")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; pipeline: {FLAGS.pipeline}, order: {FLAGS.order}")
    print(f"{'preset':<12}{'HR':>5}{'batch':>7}{'examples/s':>13}")
    for name in FLAGS.presets:
        cfg = config.get_preset(name)
        data_cfg = dataclasses.replace(cfg.data, speakers=FLAGS.speakers, videos_d1=3, videos_d2=1, videos_test=1, frames_per_video=3)
        cfg = dataclasses.replace(cfg, data=data_cfg).validate()
        data_dir = os.path.join(root, name)
        if not os.path.exists(os.path.join(data_dir, "manifest.json")):
            generate(data_dir, cfg, seed=0, progress=False)
        budget = cfg.train.stylegan if FLAGS.pipeline == "stylegan" else cfg.train.encoder_hr
        batch = min(budget.batch_size, 64)
        rate = measure(dataset(cfg, data_dir, batch), FLAGS.seconds)
        print(f"{name:<12}{cfg.model.hr_size:>5}{batch:>7}{rate:>13.0f}")


if __name__ == "__main__":
    app.run(main)
