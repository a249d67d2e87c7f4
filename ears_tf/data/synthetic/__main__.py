"""`python -m ears_tf.data.synthetic --output=DIR [--preset=...] [--speakers=N] [--videos_test=N] [--seed=S]`.

The speakers' d1 and d2 videos do not depend on `--videos_test`: each video is drawn from its own
seed, so a larger test split evaluates models trained on the smaller one's d1 and d2.
"""
import dataclasses
import os
import time

from absl import flags

from ears_tf.config import PRESET_NAMES, get_preset
from ears_tf import cli

flags.DEFINE_string("output", None, "Folder to create for the records, manifest.json and preview.png.")
flags.DEFINE_enum("preset", "quickstart", PRESET_NAMES, "Preset giving image size and data set size.")
flags.DEFINE_integer("speakers", None, "Number of speakers (default: the preset's).", lower_bound=2)
flags.DEFINE_integer("videos_test", None, "Test videos per speaker (default: the preset's).", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Seed; the same seed gives byte-identical shards.")
flags.DEFINE_integer("workers", None, "Worker processes (default: one per core).", lower_bound=1)
flags.mark_flag_as_required("output")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    config = get_preset(FLAGS.preset)
    sizes = {name: FLAGS[name].value for name in ("speakers", "videos_test") if FLAGS[name].value is not None}
    if sizes:
        config = dataclasses.replace(config, data=dataclasses.replace(config.data, **sizes)).validate()
    from ears_tf.workdir.atomic import check_writable

    check_writable(FLAGS.output)
    from ears_tf.data.synthetic.dataset import generate  # TensorFlow loads here, not in workers

    start = time.time()
    manifest = generate(FLAGS.output, config, seed=FLAGS.seed, workers=FLAGS.workers)
    counts = ", ".join(f"{split} {info.count}" for split, info in manifest.splits.items())
    print(
        f"wrote {manifest.num_speakers} speakers ({counts} records) to {FLAGS.output} in {time.time() - start:.0f} s; "
        f"preview: {os.path.join(FLAGS.output, 'preview.png')}"
    )


if __name__ == "__main__":
    cli.run(main)
