"""VoxCeleb2 preparation throughput on this machine: videos and clips per minute.

  python experiments/bench_voxceleb.py [--speakers=6] [--videos=4] [--clips=3] [--seconds=8] [--workers=N]

Builds a VoxCeleb2-shaped tree with the released clips' format (224 x 224 H.264 at 25
fps, a moving texture, AAC audio in aac/, 8 s clips: VoxCeleb2's average) in a temporary folder, then
times `python -m ears_tf.data.voxceleb`'s library call at the paper preset (128 x 128
frames, 0.5 fps). Building the tree is not timed.
"""
import os
import tempfile
import time

from absl import app, flags

flags.DEFINE_integer("speakers", 6, "Speakers in the tree.")
flags.DEFINE_integer("videos", 4, "Videos per speaker.")
flags.DEFINE_integer("clips", 3, "Clips per video.")
flags.DEFINE_float("seconds", 8.0, "Seconds per clip.")
flags.DEFINE_integer("workers", None, "Preparation workers (default: one per core).")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    from ears_tf import config
    from ears_tf.data.voxceleb.prepare import prepare
    from ears_tf.data.voxceleb.sample_tree import SampleSpeaker, build_tree

    speakers = [SampleSpeaker(f"id{i:05d}", "fm"[i % 2], FLAGS.videos, FLAGS.clips, "aac") for i in range(FLAGS.speakers)]
    with tempfile.TemporaryDirectory() as scratch:
        root = os.path.join(scratch, "voxceleb2")
        start = time.perf_counter()
        build_tree(root, speakers, seconds=FLAGS.seconds, fps=25, width=224, height=224, texture=True)
        print(f"tree: {FLAGS.speakers * FLAGS.videos} videos, {FLAGS.speakers * FLAGS.videos * FLAGS.clips} clips of "
              f"{FLAGS.seconds:g} s at 224x224, built in {time.perf_counter() - start:.0f} s", flush=True)
        start = time.perf_counter()
        manifest = prepare(root, os.path.join(scratch, "records"), config.get_preset("paper"),
                           meta=os.path.join(root, "vox2_meta.csv"), min_frames=1, workers=FLAGS.workers,
                           progress=False)
        seconds = time.perf_counter() - start
    info = manifest.preparation
    frames = sum(split.count for split in manifest.splits.values())
    print(f"prepared in {seconds:.1f} s with {FLAGS.workers or os.cpu_count()} workers: "
          f"{60 * info['videos'] / seconds:.1f} videos/min, {60 * info['clips'] / seconds:.1f} clips/min, "
          f"{frames / seconds:.1f} frames/s written (decode alone: {info['videos_per_minute']} videos/min)")


if __name__ == "__main__":
    app.run(main)
