"""`python -m ears_tf.train --stage=STAGE --preset=PRESET --data=DIR --workdir=DIR [--steps=N] [--strategy=...]`."""
import sys

from absl import app, flags

from ears_tf.config import PRESET_NAMES, get_preset
from ears_tf.errors import InputError, run_cli
from ears_tf.train.stages import STAGE_NAMES

flags.DEFINE_enum("stage", None, STAGE_NAMES + ("all",),
                  "Stage to train; `all` makes the synthetic data if --data is empty, then runs every stage.")
flags.DEFINE_enum("preset", "quickstart", PRESET_NAMES, "Model and budget preset.")
flags.DEFINE_string("data", None, "Records folder (python -m ears_tf.data.synthetic or ears_tf.data.voxceleb).")
flags.DEFINE_string("workdir", None, "Folder for checkpoints, logs, figures and the trained models.")
flags.DEFINE_integer("steps", None, "Training steps (default: the preset's budget; with --stage=all, for every stage).",
                     lower_bound=1)
flags.DEFINE_integer("batch_size", None, "Global batch size (default: the preset's).", lower_bound=1)
flags.DEFINE_string("vgg16_weights", None,
                    "encoder_hr: local Keras VGG16 weights without the top, for the perceptual loss. Without it the "
                    "stage uses the trained discriminator's features (nothing is downloaded).")
flags.DEFINE_enum("fusion", "f1", ("f1", "f3"), "fusion: one dense layer (F) or three (F3).")
flags.DEFINE_bool("finetune_audio", True, "fusion: train E_a along with F (true) or keep it fixed (false).")
flags.DEFINE_enum("strategy", "default", ("default", "mirrored", "multi_worker"), "tf.distribute strategy.")
flags.DEFINE_integer("cpu_replicas", 1, "Split the CPU into this many logical devices (for mirrored on CPU).", lower_bound=1)
flags.DEFINE_integer("checkpoint_every", 500, "Steps between checkpoints.", lower_bound=1)
flags.DEFINE_integer("eval_every", 500, "Steps between sample grids, figures and metrics.", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Random seed.")
flags.DEFINE_integer("workers", None, "--stage=all: processes generating the synthetic data (default: one per core).",
                     lower_bound=1)
flags.DEFINE_enum("jit", "auto", ("auto", "true", "false"),
                  "XLA-compile the training step (single replica). auto: on with a GPU; off on CPU, "
                  "where XLA's convolutions measured slower than oneDNN's here.")
flags.mark_flags_as_required(["stage", "data", "workdir"])
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import dataclasses
    import os


    config = get_preset(FLAGS.preset)
    if FLAGS.stage != "all" and not os.path.isfile(os.path.join(FLAGS.data, "manifest.json")):
        raise InputError(FLAGS.data, "not a records folder (no manifest.json); make one with python -m ears_tf.data.synthetic")
    import tensorflow as tf

    from ears_tf.train import loop, run_all, stages
    from ears_tf.train.strategy import make_strategy

    strategy = make_strategy(FLAGS.strategy, FLAGS.cpu_replicas)
    jit = FLAGS.jit == "true" or (FLAGS.jit == "auto" and bool(tf.config.list_physical_devices("GPU")))
    options = loop.LoopOptions(
        workdir=FLAGS.workdir, steps=FLAGS.steps or 1, checkpoint_every=FLAGS.checkpoint_every,
        eval_every=FLAGS.eval_every, seed=FLAGS.seed, jit_compile=jit,
    )
    try:
        if FLAGS.stage == "all":
            run_all.run_all(config, FLAGS.data, FLAGS.workdir, options, strategy, steps=FLAGS.steps,
                            batch_size=FLAGS.batch_size, vgg16_weights=FLAGS.vgg16_weights, workers=FLAGS.workers)
            return
        spec = stages.StageSpec(FLAGS.stage, int(FLAGS.fusion[1:]), FLAGS.finetune_audio)
        stage = stages.make_stage(spec, config, FLAGS.data, FLAGS.workdir, batch_size=FLAGS.batch_size,
                                  seed=FLAGS.seed, vgg16_weights=FLAGS.vgg16_weights)
        steps = FLAGS.steps or stages.default_steps(spec, config, FLAGS.data, FLAGS.batch_size)
        summary = loop.run(stage, dataclasses.replace(options, steps=steps), strategy)
    except loop.TrainingInterrupted as stopped:
        print(f"interrupted: {stopped}", file=sys.stderr)
        sys.exit(130)
    print(f"{summary['stage']}: {summary['steps']} steps in {summary['seconds']} s; final {summary['final']}")
    for path in summary["outputs"]:
        print(f"  wrote {path}")


if __name__ == "__main__":
    app.run(lambda argv: run_cli(main, argv))
