"""`python -m ears_tf.train --stage=STAGE --preset=PRESET --data=DIR --workdir=DIR [--steps=N] [--strategy=...]`."""
import os
import sys

from absl import app, flags

from ears_tf.config import PRESET_NAMES, get_preset
from ears_tf.errors import InputError, run_cli

STAGES = ("stylegan",)

flags.DEFINE_enum("stage", None, STAGES, "Stage to train (more arrive with later issues).")
flags.DEFINE_enum("preset", "quickstart", PRESET_NAMES, "Model and budget preset.")
flags.DEFINE_string("data", None, "Records folder (python -m ears_tf.data.synthetic or ears_tf.data.voxceleb).")
flags.DEFINE_string("workdir", None, "Folder for checkpoints, logs, samples and the trained models.")
flags.DEFINE_integer("steps", None, "Training steps (default: the preset's budget).", lower_bound=1)
flags.DEFINE_integer("batch_size", None, "Global batch size (default: the preset's).", lower_bound=1)
flags.DEFINE_enum("strategy", "default", ("default", "mirrored", "multi_worker"), "tf.distribute strategy.")
flags.DEFINE_integer("cpu_replicas", 1, "Split the CPU into this many logical devices (for mirrored on CPU).", lower_bound=1)
flags.DEFINE_integer("checkpoint_every", 500, "Steps between checkpoints.", lower_bound=1)
flags.DEFINE_integer("eval_every", 500, "Steps between sample grids and metrics.", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Random seed.")
flags.DEFINE_enum("jit", "auto", ("auto", "true", "false"),
                  "XLA-compile the training step (single replica). auto: on with a GPU; off on CPU, "
                  "where XLA's convolutions measured slower than oneDNN's here.")
flags.mark_flags_as_required(["stage", "data", "workdir"])
FLAGS = flags.FLAGS


def main(argv):
    del argv
    config = get_preset(FLAGS.preset)
    if not os.path.isfile(os.path.join(FLAGS.data, "manifest.json")):
        raise InputError(FLAGS.data, "not a records folder (no manifest.json); make one with python -m ears_tf.data.synthetic")
    from ears_tf.train import loop, stylegan
    from ears_tf.train.strategy import make_strategy

    strategy = make_strategy(FLAGS.strategy, FLAGS.cpu_replicas)
    import tensorflow as tf

    jit = FLAGS.jit == "true" or (FLAGS.jit == "auto" and bool(tf.config.list_physical_devices("GPU")))
    stage = stylegan.StyleGANStage(config, FLAGS.data, FLAGS.workdir, batch_size=FLAGS.batch_size, seed=FLAGS.seed)
    options = loop.LoopOptions(
        workdir=FLAGS.workdir, steps=FLAGS.steps or config.train.stylegan.steps,
        checkpoint_every=FLAGS.checkpoint_every, eval_every=FLAGS.eval_every, seed=FLAGS.seed, jit_compile=jit,
    )
    try:
        summary = loop.run(stage, options, strategy)
    except loop.TrainingInterrupted as stopped:
        print(f"interrupted: {stopped}", file=sys.stderr)
        sys.exit(130)
    print(f"{summary['stage']}: {summary['steps']} steps in {summary['seconds']} s; final {summary['final']}")
    for path in summary["outputs"]:
        print(f"  wrote {path}")


if __name__ == "__main__":
    app.run(lambda argv: run_cli(main, argv))
