"""`python -m ears_tf.convert`: the authors' released model as a workdir.

    --checkpoint=PATH/model-0   their TF1 checkpoint (E_l, E_a, F3 and the generator)
    [--stylegan_pkl=PATH.pkl]   their StyleGAN snapshot (G, D, Gs): w_avg and the fixed noise
                                images, and a check of the generator copies; read without
                                running any code it holds
    --workdir=OUT               a new folder; `ears_tf.infer`, `export` and the demo accept it
    [--verbose]                 the table of every variable: where it went, or why it is unused

Bad input: one line `error: FILE: PROBLEM` (naming the variable where there is one),
exit status 2, nothing written.
"""
from __future__ import annotations

from absl import app, flags

from ears_tf import cli

flags.DEFINE_string("checkpoint", None, "The authors' TF1 checkpoint prefix (PATH/model-0) or its folder.")
flags.DEFINE_string("stylegan_pkl", None, "The authors' StyleGAN snapshot (network-snapshot-*.pkl); optional.")
flags.DEFINE_string("workdir", None, "Output workdir (a new or empty folder).")
flags.DEFINE_bool("verbose", False, "Print every variable of theirs and where it went (or why it is unused).")
flags.mark_flags_as_required(["checkpoint", "workdir"])
FLAGS = flags.FLAGS


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    import os

    from ears_tf.workdir import atomic

    atomic.check_writable(os.path.dirname(os.path.abspath(FLAGS.workdir)))
    from ears_tf.convert.convert import convert

    result = convert(FLAGS.checkpoint, FLAGS.stylegan_pkl, FLAGS.workdir)
    if FLAGS.verbose:
        width = max(len(row[0]) for row in result.table)
        for theirs, shape, where in result.table:
            print(f"{theirs:<{width}}  {str(shape) if shape is not None else '':<22}  {where}")
    for note in result.notes:
        print(f"note: {note}")
    cfg = result.widths.model
    params = ", ".join(f"{name} {count:,}" for name, count in result.parameters.items())
    print(f"wrote {FLAGS.workdir} in {result.seconds:.0f} s: preset {result.widths.preset or 'custom'} "
          f"({cfg.hr_size}x{cfg.hr_size}), trainable parameters {params}; variants f3_finetune, lowres_only, "
          "audio_only")


if __name__ == "__main__":
    cli.run(main)
