"""Input pipeline throughput with 0, 1 and 2 tf.data service workers on loopback.

  python experiments/bench_data_service.py [--preset=quickstart] [--stage=pretrain_audio] [--seconds=20] [--data=DIR]

Reads a stage's training batches (records decoded, audio resampled and windowed, HR
resized, LR reduced 16x) as one trainer does, first in its own process (0 service
workers), then through a dispatcher and 1 or 2 service workers started in their own
processes (`python -m ears_tf.data.service`, started as `ears_tf.train.launch` starts them), and prints examples per second for each.
Without --data, a synthetic records folder of the preset (few speakers) is written to a
temporary folder. No model runs: this is the input side alone.
"""
import os
import sys
import tempfile
import time

from absl import app, flags
from timing import cpu_model, matmul_gflops

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

flags.DEFINE_string("preset", "quickstart", "Preset (image size, batch size, audio length).")
flags.DEFINE_enum("stage", "pretrain_audio", ("stylegan", "pretrain_lowres", "pretrain_audio"),
                  "Stage whose pipeline is read (pretrain_audio decodes audio too).")
flags.DEFINE_string("data", None, "Records folder (default: a small synthetic one of the preset).")
flags.DEFINE_float("seconds", 20.0, "Timed seconds per case, after a warm-up batch.")
flags.DEFINE_list("service_workers", ["0", "1", "2"], "Service worker counts to measure.")
FLAGS = flags.FLAGS


def make_stage(data_dir):
    """The stage object alone: its dataset needs no models, so no prerequisites are loaded."""
    from ears_tf.config import get_preset
    from ears_tf.train.pretrain_audio import PretrainAudioStage
    from ears_tf.train.pretrain_lowres import PretrainLowresStage
    from ears_tf.train.stylegan import StyleGANStage

    classes = {"stylegan": StyleGANStage, "pretrain_lowres": PretrainLowresStage, "pretrain_audio": PretrainAudioStage}
    return classes[FLAGS.stage](get_preset(FLAGS.preset), data_dir, tempfile.mkdtemp(prefix="bench_ds-"))


def throughput(dataset, seconds: float) -> float:
    iterator = iter(dataset)
    next(iterator)  # warm-up: traces, opens files, starts the job
    examples, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        batch = next(iterator)
        examples += int((batch["hr"] if isinstance(batch, dict) else batch).shape[0])
    return examples / (time.perf_counter() - start)


def main(argv):
    del argv
    import tensorflow as tf

    from ears_tf.train import launch, workers

    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, float32 matmul {matmul_gflops(3.0):.0f} GFLOP/s")
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = FLAGS.data
        if data_dir is None:
            import dataclasses

            from ears_tf.config import get_preset
            from ears_tf.data.synthetic.dataset import generate

            preset = get_preset(FLAGS.preset)
            small = dataclasses.replace(preset, data=dataclasses.replace(
                preset.data, speakers=40, videos_d1=1, videos_d2=1, videos_test=1, frames_per_video=8,
                records_per_shard=32)).validate()
            data_dir = os.path.join(scratch, "records")
            generate(data_dir, small, seed=0, progress=False)
        stage = make_stage(data_dir)
        context = tf.distribute.InputContext(1, 0, 1)
        make = lambda share: stage.dataset(0, share)  # noqa: E731
        print(f"stage {FLAGS.stage}, preset {FLAGS.preset}, batch {stage.batch_size}, records {data_dir}")
        for count in (int(c) for c in FLAGS.service_workers):
            if count == 0:
                rate = throughput(workers.worker_dataset(make, context, stage.batch_size, "file"), FLAGS.seconds)
            else:
                # The launcher's servers: a dispatcher and `count` workers, each in its own process.
                target, processes = launch.start_service(count, dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
                try:
                    dataset = workers.worker_dataset(make, context, stage.batch_size, "file", data_service=target,
                                                      job_name=f"bench-{count}")
                    rate = throughput(dataset, FLAGS.seconds)
                finally:
                    for process in processes:
                        process.stop()
                        process.finish()
            label = "in the trainer's process" if count == 0 else f"{count} service worker{'s' * (count > 1)}"
            print(f"{label}: {rate:.0f} examples/s", flush=True)


if __name__ == "__main__":
    app.run(main)
