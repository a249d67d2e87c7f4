"""How far the training losses' D is from the operator that made the LR inputs.

  python experiments/lr_operator_floor.py [--data=data/quickstart] [--split=test] [--examples=900]

The records' LR frames are made in the authors' mode (per-image contrast stretch, 8-bit
rounding, Pillow's bicubic). The LR consistency terms of `pretrain_lowres` and `fusion` compare
D(G(z)) with that frame, D one of `train.lr_consistency_operator`'s choices. Fed the true HR
face, a perfect code, each D leaves a residual; this prints it (mean squared error in [-1, 1]
units, and as PSNR), the floor under which that stage's consistency term cannot go.
"""
from absl import app, flags

flags.DEFINE_string("data", "data/quickstart", "Records folder.")
flags.DEFINE_string("split", "test", "Which split's faces.")
flags.DEFINE_integer("examples", 900, "The split's first examples.", lower_bound=1)
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import numpy as np

    from ears_tf import config
    from ears_tf.data import pipeline, records
    from ears_tf.layers import AuthorsDownsample16x, BicubicDownsample16x

    manifest = records.Manifest.load(FLAGS.data)
    model_config = config.get_preset(manifest.preset).model
    hr_size = model_config.hr_size  # the size the models train at
    options = pipeline.PipelineOptions(batch_size=64, training=False, drop_remainder=False,
                                       with_audio=False, hr_size=hr_size)
    dataset = pipeline.make_dataset(FLAGS.data, FLAGS.split, options, model_config.audio).unbatch().take(FLAGS.examples).batch(64)
    operators = {"clean": BicubicDownsample16x(), "authors": AuthorsDownsample16x()}
    errors = {name: [] for name in operators}
    for batch in dataset:
        for name, operator in operators.items():
            lr_again = np.asarray(operator(batch["hr"]))
            errors[name].append(np.mean(np.square(lr_again - batch["lr"].numpy()), axis=(1, 2, 3)))
    print(f"{FLAGS.data} {FLAGS.split}: {sum(len(e) for e in errors['clean'])} faces, HR {hr_size}x{hr_size}")
    print("| D | mean squared error to the LR frame | PSNR (dB) |")
    print("|---|---|---|")
    for name, values in errors.items():
        mse = float(np.mean(np.concatenate(values)))
        print(f"| {name} | {mse:.5f} | {10 * np.log10(4.0 / max(mse, 1e-12)):.2f} |")


if __name__ == "__main__":
    app.run(main)
