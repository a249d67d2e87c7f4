"""`python -m ears_tf.train --stage=STAGE --preset=PRESET --data=DIR --workdir=DIR [--steps=N] [--strategy=...]
[--backend=tensorflow|jax [--coordinator_address=HOST:PORT --num_processes=N --process_id=I]]`."""
import sys

from ears_tf import cli

cli.select_backend(sys.argv)  # before Keras is imported

from absl import flags  # noqa: E402

from ears_tf.config import LR_CONSISTENCY_OPERATORS, PRESET_NAMES, get_preset  # noqa: E402
from ears_tf.errors import InputError  # noqa: E402
from ears_tf.precision import PRECISIONS  # noqa: E402
from ears_tf.train.registry import STAGE_NAMES  # noqa: E402
from ears_tf.variants import FUSED_NAMES, F1_FINETUNE  # noqa: E402

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
flags.DEFINE_enum("fusion", F1_FINETUNE.name, FUSED_NAMES,
                  "fusion: the variant to train: F or F3 (one dense layer or three), with E_a fine-tuned along "
                  "with it or kept fixed.")
flags.DEFINE_enum("backend", None, cli.BACKENDS,
                  "Keras backend of the training step (default: KERAS_BACKEND, else tensorflow). jax: one jax.jit "
                  "per step over arrays, data-parallel over every device JAX sees (with --num_processes, every "
                  "process's); the input pipelines, the evaluation and the exports stay TensorFlow's.")
flags.DEFINE_enum("strategy", "default", ("default", "mirrored", "multi_worker"), "tf.distribute strategy.")
flags.DEFINE_enum("input_sharding", "file", ("file", "batch"),
                  "With several workers: `file` gives each worker a disjoint share of the record files (needs at "
                  "least one file per worker); `batch` has every worker read every file in one deterministic order "
                  "and keep its replicas' slices of each global batch (the same batches as one worker).")
flags.DEFINE_string("coordinator_address", None,
                    "jax: HOST:PORT of process 0's coordinator, when --num_processes > 1 (python -m "
                    "ears_tf.train.launch sets the three on one host; docs/distributed.md).")
flags.DEFINE_integer("num_processes", 1, "jax: processes training together, one per host or per GPU; each runs "
                     "the same command with its own --process_id.", lower_bound=1)
flags.DEFINE_integer("process_id", 0, "jax: this process's index, 0 to --num_processes - 1; process 0 writes the "
                     "workdir.", lower_bound=0)
flags.DEFINE_string("data_service", None,
                    "grpc://HOST:PORT of a tf.data service dispatcher (python -m ears_tf.data.service): the input "
                    "pipeline runs on its workers.")
flags.DEFINE_integer("cpu_replicas", 1, "Split the CPU into this many logical devices (for mirrored on CPU).", lower_bound=1)
flags.DEFINE_integer("checkpoint_every", 500, "Steps between checkpoints.", lower_bound=1)
flags.DEFINE_integer("log_every", 20, "Steps between TensorBoard scalars of the training losses.", lower_bound=1)
flags.DEFINE_integer("eval_every", 500, "Steps between sample grids, figures and metrics.", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Random seed.")
flags.DEFINE_float("progress_every_s", 10.0, "Seconds between progress lines when the output is a log, not a terminal.",
                   lower_bound=0.0)
flags.DEFINE_integer("workers", None, "--stage=all: processes generating the synthetic data (default: one per core).",
                     lower_bound=1)
flags.DEFINE_enum("jit", "auto", ("auto", "true", "false"),
                  "XLA-compile TensorFlow's training step (single replica). auto: on with a GPU; off on CPU, "
                  "where XLA's convolutions measured slower than oneDNN's here. Under JAX the step is always "
                  "compiled.")
flags.DEFINE_bool("deterministic", False,
                  "Bit-identical runs of one seed on one machine: one inter-op thread for TensorFlow (slower: "
                  "docs/training.md), and on a GPU TensorFlow's op determinism and XLA's GPU determinism "
                  "(ears_tf/determinism.py).")
flags.DEFINE_enum("precision", "float32", PRECISIONS,
                  "Numeric precision of the models (ears_tf/precision.py): mixed_bfloat16 computes in bfloat16 with "
                  "float32 weights, losses and spectrogram; it pays on GPUs and on CPUs with AVX512-BF16 or AMX.")
flags.DEFINE_enum("lr_consistency", None, LR_CONSISTENCY_OPERATORS,
                  "D in the LR consistency terms of pretrain_lowres and fusion (eq. 2, 4): clean bicubic, or the "
                  "authors' operator that made the LR inputs (default: the preset's, clean).")
flags.mark_flags_as_required(["stage", "data", "workdir"])
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import dataclasses
    import os

    config = get_preset(FLAGS.preset)
    if FLAGS.lr_consistency is not None:
        config = dataclasses.replace(
            config, train=dataclasses.replace(config.train, lr_consistency_operator=FLAGS.lr_consistency)).validate()
    if FLAGS.stage != "all" and not os.path.isfile(os.path.join(FLAGS.data, "manifest.json")):
        raise InputError(FLAGS.data, "not a records folder (no manifest.json); make one with python -m ears_tf.data.synthetic")
    from ears_tf.workdir import atomic, run_config

    atomic.check_writable(FLAGS.workdir)
    run_config.check(FLAGS.workdir, FLAGS.preset)  # before TensorFlow loads: a wrong preset fails at once
    if FLAGS.deterministic:
        from ears_tf import determinism

        determinism.enable()  # before TensorFlow's runtime and JAX's backends start
        print(f"deterministic: {determinism.describe()}")
    import tensorflow as tf

    from ears_tf import variants
    from ears_tf.train import loop, registry, run_all
    from ears_tf.train.strategy import make_strategy

    import keras

    from ears_tf import machine, precision

    precision.apply(FLAGS.precision)
    if FLAGS.precision == "float32" and machine.cpu_has_fast_bfloat16():
        print("precision: float32 (this CPU multiplies bfloat16 in hardware: --precision=mixed_bfloat16 may be faster)")
    elif FLAGS.precision != "float32":
        print(f"precision: {FLAGS.precision}")
    if keras.backend.backend() == "jax":
        strategy = None
        for flag, allowed in (("strategy", ("default",)), ("cpu_replicas", (1,)), ("data_service", (None,)),
                              ("precision", ("float32", "mixed_bfloat16"))):
            if FLAGS[flag].value not in allowed:
                raise InputError(f"--{flag}", f"{FLAGS[flag].value} is TensorFlow's; under --backend=jax the trainer "
                                              "spreads over JAX's devices itself, in float32 or mixed_bfloat16")
        from ears_tf.train import processes_jax

        processes_jax.initialize(FLAGS.coordinator_address, FLAGS.num_processes, FLAGS.process_id)
    else:
        if FLAGS.num_processes > 1 or FLAGS.coordinator_address:
            raise InputError("--num_processes", "JAX's processes; under --backend=tensorflow a cluster is set by "
                                                "TF_CONFIG with --strategy=multi_worker")
        strategy = make_strategy(FLAGS.strategy, FLAGS.cpu_replicas)
    jit = FLAGS.jit == "true" or (FLAGS.jit == "auto" and bool(tf.config.list_physical_devices("GPU")))
    options = loop.LoopOptions(
        workdir=FLAGS.workdir, steps=FLAGS.steps or 1, checkpoint_every=FLAGS.checkpoint_every,
        eval_every=FLAGS.eval_every, log_every=FLAGS.log_every, input_sharding=FLAGS.input_sharding,
        data_service=FLAGS.data_service, seed=FLAGS.seed, jit_compile=jit, progress_every_s=FLAGS.progress_every_s,
        run_config={"preset": FLAGS.preset,
                    "overrides": {"steps": FLAGS.steps, "batch_size": FLAGS.batch_size, "seed": FLAGS.seed,
                                  "lr_consistency": FLAGS.lr_consistency,
                                  "deterministic": FLAGS.deterministic or None}},
    )
    try:
        if FLAGS.stage == "all":
            run_all.run_all(config, FLAGS.data, FLAGS.workdir, options, strategy, steps=FLAGS.steps,
                            batch_size=FLAGS.batch_size, vgg16_weights=FLAGS.vgg16_weights, workers=FLAGS.workers)
            return
        entry = registry.get(FLAGS.stage)
        run = registry.StageRun(entry, variants.get_variant(FLAGS.fusion) if entry.variants else None)
        stage = registry.make_stage(run, config, FLAGS.data, FLAGS.workdir, batch_size=FLAGS.batch_size,
                                    seed=FLAGS.seed, vgg16_weights=FLAGS.vgg16_weights)
        steps = FLAGS.steps or registry.default_steps(run, config, FLAGS.data, FLAGS.batch_size)
        summary = loop.run(stage, dataclasses.replace(options, steps=steps), strategy)
    except loop.TrainingInterrupted as stopped:
        print(f"interrupted: {stopped}", file=sys.stderr)
        sys.exit(130)
    print(f"{summary['stage']}: {summary['steps']} steps in {summary['seconds']} s; final {summary['final']}")
    for path in summary["outputs"]:
        print(f"  wrote {path}")


if __name__ == "__main__":
    cli.run(main)
