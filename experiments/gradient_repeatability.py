"""Does a stage's gradient on one fixed batch repeat from call to call? (docs/training.md, "seeded")

  python experiments/gradient_repeatability.py --workdir=runs/quickstart --data=data/quickstart \
      --stage=fusion --fusion=f1_finetune [--beside=data] [--calls=8] [--deterministic]

Builds the stage on the workdir's trained prerequisites, takes its first training batch and
computes the loss's gradient with respect to every trainable variable `--calls` more times, in
one `tf.function` (TensorFlow), as the trainer's step does. `--beside=data` keeps the stage's
`tf.data` pipeline running in a thread meanwhile, as in training. Prints, per call, the
variables whose gradient differs from the first call's and by how much, then how many calls
differed. `--deterministic` sets what the trainer's flag of that name sets (one inter-op
thread; on a GPU, op determinism: `ears_tf/determinism.py`); TF_ENABLE_ONEDNN_OPTS=0 turns
oneDNN off.
"""
import threading

from absl import flags

from ears_tf import cli
from ears_tf.config import PRESET_NAMES
from ears_tf.train.registry import STAGE_NAMES
from ears_tf.variants import F1_FINETUNE, FUSED_NAMES

flags.DEFINE_string("workdir", None, "A workdir with the stage's prerequisites trained.", required=True)
flags.DEFINE_string("data", None, "The records it was trained on.", required=True)
flags.DEFINE_enum("preset", None, PRESET_NAMES, "The preset it was trained with (default: the workdir's config.json).")
flags.DEFINE_enum("stage", "fusion", STAGE_NAMES, "The stage whose gradient is computed (one loss: not stylegan).")
flags.DEFINE_enum("fusion", F1_FINETUNE.name, FUSED_NAMES, "fusion: the variant.")
flags.DEFINE_integer("calls", 8, "Gradient calls compared with the first.", lower_bound=1)
flags.DEFINE_enum("beside", "none", ("none", "data"), "What runs beside the step: nothing, or the stage's input.")
flags.DEFINE_integer("seed", 0, "Seed of the batch.")
flags.DEFINE_bool("deterministic", False, "As the trainer's --deterministic (ears_tf/determinism.py).")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import ears_tf.train  # noqa: F401  (before TensorFlow loads: training's kernel choice)
    if FLAGS.deterministic:
        from ears_tf import determinism

        determinism.enable()  # before TensorFlow's runtime starts
    from ears_tf.train.loop_tensorflow import without_remapper

    with without_remapper():  # as the trainer runs its steps
        compare()


def compare():
    import numpy as np
    import tensorflow as tf

    from ears_tf import config, determinism, variants
    from ears_tf.errors import InputError
    from ears_tf.train import registry
    from ears_tf.train.model_stage import ModelStage
    from ears_tf.workdir import run_config

    preset = run_config.check(FLAGS.workdir, FLAGS.preset) or FLAGS.preset or "quickstart"
    entry = registry.get(FLAGS.stage)
    run = registry.StageRun(entry, variants.get_variant(FLAGS.fusion) if entry.variants else None)
    stage = registry.make_stage(run, config.get_preset(preset), FLAGS.data, FLAGS.workdir, seed=FLAGS.seed)
    if not isinstance(stage, ModelStage):
        raise InputError("--stage", f"{FLAGS.stage} takes two gradients a step (G's and D's); choose one with one loss")
    stage.build(tf.distribute.get_strategy())
    batch = next(iter(stage.dataset(FLAGS.seed)))
    variables = stage.trainable_variables

    @tf.function
    def gradients(batch):
        with tf.GradientTape() as tape:
            loss = stage.losses(batch)["loss"]
        return tape.gradient(loss, variables)

    stop = threading.Event()

    def read_input():
        while not stop.is_set():
            for _ in stage.dataset(FLAGS.seed + 1):
                if stop.is_set():
                    return

    first = [g.numpy() for g in gradients(batch)]
    reader = threading.Thread(target=read_input)
    if FLAGS.beside == "data":
        reader.start()
    differing_calls = 0
    try:
        for call in range(1, FLAGS.calls + 1):
            differ = [(v.path, float(np.max(np.abs(g.numpy() - f))))
                      for v, g, f in zip(variables, gradients(batch), first)]
            differ = [(path, gap) for path, gap in differ if gap > 0]
            differing_calls += bool(differ)
            listed = ", ".join(f"{path} {gap:.2g}" for path, gap in differ[:4]) + (" ..." if len(differ) > 4 else "")
            print(f"call {call}: {len(differ)} of {len(variables)} gradients differ from call 0"
                  + (f" ({listed})" if differ else ""), flush=True)
    finally:
        stop.set()
        if reader.is_alive():
            reader.join()  # a reader still inside tf.data when Python exits aborts the process
    print(f"{stage.name}: {differing_calls} of {FLAGS.calls} calls differ from the first "
          f"(beside: {FLAGS.beside}; {determinism.describe()})")


if __name__ == "__main__":
    cli.run(main)
