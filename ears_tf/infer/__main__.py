"""`python -m ears_tf.infer`: super-resolve faces with their voices using a trained workdir.

    single pair  --workdir=DIR --image=FILE --audio=FILE --output=OUT.png [--variant=f3] [--strip]
    a folder     --workdir=DIR --image_dir=DIR --audio_dir=DIR --output_dir=DIR [--strip]
                 (pairs images/NAME.png with audio/NAME.wav by stem, the authors' demo layout)
    audio mixing --workdir=DIR --image=A.png [--image=B.png ...] --audio=X.wav --audio=Y.wav ... --mix
                 --output=GRID.png  (repeat the flag: a path may contain commas)

The image may be HR (any size: resized to the preset's HR size, then downsampled 16x
as the training data was) or already LR (exactly r x r: used as is). Audio may be any
format and rate tensorflow-io decodes and any length (the centre 4 s; shorter is
loop-padded). Bad input: one line `error: FILE: PROBLEM`, exit status 2, nothing written.
"""
from __future__ import annotations

import os

from absl import app, flags

from ears_tf.variants import DEFAULT, VARIANT_NAMES
from ears_tf import cli
from ears_tf.errors import InputError
from ears_tf.precision import PRECISIONS
from ears_tf.refine_options import MEASURED_STEPS, TARGETS, RefineOptions

flags.DEFINE_string("workdir", None, "Workdir of a trained run (python -m ears_tf.train --stage=all).")
flags.DEFINE_enum("variant", DEFAULT.name, VARIANT_NAMES,
                  "Model: fused with F3 (the authors' released model) or F, with E_a fine-tuned or fixed; or E_l "
                  "alone, or E_a alone.")
flags.DEFINE_multi_string("image", None, "Face image (HR of any size, or LR r x r); with --mix, repeat the flag.")
flags.DEFINE_multi_string("audio", None, "Audio file of the speaker; with --mix, repeat the flag.")
flags.DEFINE_string("output", None, "Output PNG (single pair or --mix).")
flags.DEFINE_string("image_dir", None, "Folder of images NAME.png|jpg (batch mode).")
flags.DEFINE_string("audio_dir", None, "Folder of audio NAME.wav|flac|ogg|mp3 (batch mode).")
flags.DEFINE_string("output_dir", None, "Folder for the outputs NAME.png (batch mode).")
flags.DEFINE_integer("batch_size", 16, "Examples per forward pass.", lower_bound=1)
flags.DEFINE_bool("strip", False, "Write the authors' strip: HR (if given) | LR (nearest) | E_l only | fused.")
flags.DEFINE_bool("mix", False, "Write a grid: each image (rows) with each audio file (columns), paper fig. 5.")
flags.DEFINE_enum("precision", "float32", PRECISIONS,
                  "Numeric precision of the model: mixed_bfloat16 computes in bfloat16 (ears_tf/precision.py).")
flags.DEFINE_integer("refine_steps", 0, "Adam steps fitting each code to its LR frame near the model's code "
                     f"(ears_tf/refine.py); 0: the model's forward pass alone; {MEASURED_STEPS}: the measured count "
                     "(docs/evaluation.md).", lower_bound=0)
flags.DEFINE_float("refine_prior_weight", RefineOptions.prior_weight,
                   "Refinement: the weight of the distance to the model's code (lambda).", lower_bound=0.0)
flags.DEFINE_enum("refine_target", RefineOptions.target, TARGETS,
                  "Refinement: what the search moves, G's input code z or the mapping network's output w.")
flags.DEFINE_float("refine_learning_rate", RefineOptions.learning_rate, "Refinement: Adam's step size on the code.",
                   lower_bound=0.0)
flags.mark_flag_as_required("workdir")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    single = FLAGS.image is not None or FLAGS.audio is not None or FLAGS.output is not None
    batch = FLAGS.image_dir is not None or FLAGS.audio_dir is not None or FLAGS.output_dir is not None
    if single == batch:
        raise app.UsageError("give either --image, --audio and --output, or --image_dir, --audio_dir and --output_dir")
    needed = ("image", "audio", "output") if single else ("image_dir", "audio_dir", "output_dir")
    missing = [f"--{name}" for name in needed if getattr(FLAGS, name) is None]
    if missing:
        raise app.UsageError(f"missing {', '.join(missing)}")
    if single and not FLAGS.mix and (len(FLAGS.image) != 1 or len(FLAGS.audio) != 1):
        raise app.UsageError("several --image or --audio files need --mix (or use --image_dir / --audio_dir)")
    if not os.path.isdir(FLAGS.workdir):
        raise InputError(FLAGS.workdir, "no such workdir")
    from ears_tf.workdir import atomic, run_config

    run_config.check(FLAGS.workdir)
    atomic.check_writable(FLAGS.output_dir if batch else os.path.dirname(os.path.abspath(FLAGS.output)))
    from ears_tf import precision
    from ears_tf.infer import modes

    precision.apply(FLAGS.precision)
    refine = RefineOptions(steps=FLAGS.refine_steps, learning_rate=FLAGS.refine_learning_rate,
                           prior_weight=FLAGS.refine_prior_weight, target=FLAGS.refine_target).validate()

    if batch:
        modes.run_folder(FLAGS.workdir, FLAGS.variant, FLAGS.image_dir, FLAGS.audio_dir, FLAGS.output_dir,
                         FLAGS.batch_size, FLAGS.strip, refine)
    elif FLAGS.mix:
        modes.run_mix(FLAGS.workdir, FLAGS.variant, FLAGS.image, FLAGS.audio, FLAGS.output, FLAGS.batch_size, refine)
    else:
        modes.run_single(FLAGS.workdir, FLAGS.variant, FLAGS.image[0], FLAGS.audio[0], FLAGS.output,
                         FLAGS.strip, refine)


if __name__ == "__main__":
    cli.run(main)
