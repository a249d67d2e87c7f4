"""Prints how well simple classifiers tell gender and identity from each modality.

  python experiments/check_synthetic.py --data=DIR

DIR is a records folder from `python -m ears_tf.data.synthetic`. The premise of the
method holds when the voice and the HR face tell gender and the 16x LR face does not.
"""
from absl import flags

from ears_tf import cli

flags.DEFINE_string("data", None, "Records folder (synthetic, with gender labels).")
flags.mark_flag_as_required("data")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    from ears_tf.data.synthetic import premise

    report = premise.measure(FLAGS.data)
    print("\n".join(report.lines()))


if __name__ == "__main__":
    cli.run(main)
