"""`python -m ears_tf.data.pairs --root=DIR --output=DIR`: images/NAME + audio/NAME pairs as records."""
import os

from absl import flags

from ears_tf.config import PRESET_NAMES, get_preset
from ears_tf import cli
from ears_tf.errors import InputError

flags.DEFINE_string("root", None, "Folder with images/NAME.png and audio/NAME.wav (any image size, audio format).")
flags.DEFINE_string("output", None, "New records folder.")
flags.DEFINE_enum("preset", "quickstart", PRESET_NAMES, "Preset whose HR size and audio settings the records get.")
flags.mark_flags_as_required(["root", "output"])
FLAGS = flags.FLAGS


def main(argv):
    del argv
    from ears_tf.workdir.atomic import check_writable

    if not os.path.isdir(FLAGS.root):  # before TensorFlow loads, which takes seconds
        raise InputError(FLAGS.root, "no such folder")
    check_writable(FLAGS.output)
    from ears_tf.data.pairs.prepare import prepare_pairs

    manifest, skipped = prepare_pairs(FLAGS.root, FLAGS.output, get_preset(FLAGS.preset))
    for path, why in skipped:
        print(f"skipped {path}: {why}")
    print(f"wrote {manifest.splits['test'].count} test records to {FLAGS.output} ({len(skipped)} files skipped)")


if __name__ == "__main__":
    cli.run(main)
