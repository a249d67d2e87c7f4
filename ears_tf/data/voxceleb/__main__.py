"""`python -m ears_tf.data.voxceleb --root=VOXCELEB2_DIR --output=DIR [--meta=vox2_meta.csv] [--workers=N]`."""
from absl import flags

from ears_tf.config import PRESET_NAMES, get_preset
from ears_tf import cli

flags.DEFINE_string("root", None, "VoxCeleb2 folder with dev/mp4/... and/or test/mp4/... (audio in aac/ or wav/ beside).")
flags.DEFINE_string("output", None, "Records folder to write (resumes a preparation already there).")
flags.DEFINE_string("meta", None, "vox2_meta.csv (VoxCeleb2 ID, VGGFace2 ID, Gender, Set); without it gender is unknown.")
flags.DEFINE_enum("preset", "paper", PRESET_NAMES, "Preset whose HR size and audio settings the records get.")
flags.DEFINE_float("fps", 0.5, "Frames extracted per second of video (0.5: about the paper's 2M frames from "
                   "545K clips).", lower_bound=0.01)
flags.DEFINE_integer("min_frames", 500, "Keep speakers with at least this many training frames (paper: 500).",
                     lower_bound=1)
flags.DEFINE_float("test_fraction", 0.2, "Share of each speaker's videos held out for the test split.")
flags.DEFINE_integer("workers", None, "Clips decoded in parallel (default: one per core).", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Seed of the splits and the record order.")
flags.mark_flags_as_required(["root", "output"])
FLAGS = flags.FLAGS


def main(argv):
    del argv
    from ears_tf.data.voxceleb.layout import check_meta, check_root
    from ears_tf.workdir.atomic import check_writable

    # Before TensorFlow loads, which takes seconds.
    check_root(FLAGS.root)
    if FLAGS.meta:
        check_meta(FLAGS.meta)
    check_writable(FLAGS.output)
    from ears_tf.data.voxceleb.prepare import prepare

    manifest = prepare(FLAGS.root, FLAGS.output, get_preset(FLAGS.preset), meta=FLAGS.meta, fps=FLAGS.fps,
                       min_frames=FLAGS.min_frames, test_fraction=FLAGS.test_fraction, workers=FLAGS.workers,
                       seed=FLAGS.seed)
    info = manifest.preparation
    counts = ", ".join(f"{split} {split_info.count} frames / {split_info.videos} videos"
                       for split, split_info in manifest.splits.items())
    print(f"{info['clips']} clips of {info['videos']} videos decoded in {info['decode_seconds']} s "
          f"({info['videos_per_minute']} videos/min); {info['clips_failed']} unreadable, skipped")
    print(f"{manifest.num_speakers} of {info['speakers_found']} speakers kept; {counts}")
    print(f"wrote {FLAGS.output}/manifest.json")


if __name__ == "__main__":
    cli.run(main)
