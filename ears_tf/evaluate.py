"""`python -m ears_tf.evaluate --workdir=DIR --data=DIR --output=DIR`: the paper's Tables 1 and 2,
the audio-swap test and figs. 3 to 5, as report.json, report.md and figures/."""
from absl import flags

from ears_tf import cli
from ears_tf.errors import InputError
from ears_tf.refine_options import MEASURED_STEPS, TARGETS, RefineOptions

flags.DEFINE_string("workdir", None, "A workdir every training stage has completed in (python -m ears_tf.train).")
flags.DEFINE_string("data", None, "The records folder the workdir was trained on; its test split is evaluated.")
flags.DEFINE_string("output", None, "Folder for report.json, report.md and figures/.")
flags.DEFINE_integer("batch_size", 64, "Test examples per forward pass.", lower_bound=1)
flags.DEFINE_integer("max_examples", None, "Evaluate only the first N test examples (default: all).", lower_bound=1)
flags.DEFINE_integer("bootstrap_samples", 1000, "Resamples behind each 95% interval.", lower_bound=10)
flags.DEFINE_integer("seed", 0, "Seed of the audio-swap pairing and the bootstrap.")
flags.DEFINE_integer("refine_steps", 0, "With N > 0, two more rows: E_l's code and F's refined by N steps against "
                     f"each LR frame (ears_tf/refine.py), with their comparisons and figures/refinement.png; {MEASURED_STEPS}: "
                     "the measured count.",
                     lower_bound=0)
flags.DEFINE_float("refine_prior_weight", RefineOptions.prior_weight, "Refinement: the weight of the distance to the starting code.",
                   lower_bound=0.0)
flags.DEFINE_enum("refine_target", RefineOptions.target, TARGETS,
                  "Refinement: what the search moves, G's input code z or the mapping network's output w.")
flags.DEFINE_float("refine_learning_rate", RefineOptions.learning_rate, "Refinement: Adam's step size on the code.", lower_bound=0.0)
flags.mark_flags_as_required(["workdir", "data", "output"])
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import os

    if not os.path.isdir(FLAGS.workdir):
        raise InputError(FLAGS.workdir, "no such workdir")
    from ears_tf.data import records
    from ears_tf.workdir import atomic, run_config

    preset = run_config.check(FLAGS.workdir)
    manifest = records.Manifest.load(FLAGS.data)
    if preset is not None and manifest.source == "synthetic" and manifest.preset != preset:
        raise InputError(os.path.join(FLAGS.data, records.MANIFEST),
                         f"synthetic data of preset {manifest.preset!r}, but the workdir was trained with preset "
                         f"{preset!r}; evaluate on the data it was trained on")
    atomic.check_writable(FLAGS.output)
    from ears_tf.evaluation.report import summary
    from ears_tf.evaluation.run import EvaluationOptions, evaluate

    refine = RefineOptions(steps=FLAGS.refine_steps, learning_rate=FLAGS.refine_learning_rate,
                           prior_weight=FLAGS.refine_prior_weight, target=FLAGS.refine_target).validate()
    options = EvaluationOptions(batch_size=FLAGS.batch_size, max_examples=FLAGS.max_examples,
                                bootstrap_samples=FLAGS.bootstrap_samples, seed=FLAGS.seed, refine=refine)
    result = evaluate(FLAGS.workdir, FLAGS.data, FLAGS.output, options)
    print(summary(result, FLAGS.output))


if __name__ == "__main__":
    cli.run(main)
