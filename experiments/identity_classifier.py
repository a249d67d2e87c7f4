"""C_i alone, with one setting changed: what limits its accuracy on real HR test faces.

    python experiments/identity_classifier.py [--data=data/quickstart] [--epochs=15] [--eval_every=5] \
        [--filters_base=32] [--filters_max=256] [--lr=2e-3] [--batch_size=64] [--augment=true] [--blur=false] \
        [--input_size=32] [--probe_blur=1,2] [--label_smoothing=0.1] [--jit=false] [--seed=0]

Trains the `classifiers` stage's identity network (`models.FaceClassifier`, its augmentation
and cosine schedule) on the HR faces of d1 + d2 held in memory, and prints its accuracy
on the test split (held-out videos of the same speakers) every `--eval_every` epochs, with
the seconds so far. The stage's C_g is not trained. Not a supported training mode: the
settings it tries feed the quickstart preset (docs/evaluation.md, what limits C_i).
"""
import time

import numpy as np
from absl import app, flags

from faces import load_faces

flags.DEFINE_string("data", "data/quickstart", "Records folder.")
flags.DEFINE_integer("epochs", 15, "Epochs over d1 + d2.", lower_bound=1)
flags.DEFINE_integer("eval_every", 5, "Epochs between test accuracies.", lower_bound=1)
flags.DEFINE_integer("filters_base", 32, "First scale's filters.")
flags.DEFINE_integer("filters_max", 256, "Filters cap.")
flags.DEFINE_float("lr", 2e-3, "Adam's peak learning rate (cosine decay to zero).")
flags.DEFINE_integer("batch_size", 64, "Batch size.")
flags.DEFINE_boolean("augment", True, "Flip, shift and colour jitter (the stage's augment).")
flags.DEFINE_boolean("blur", False, "Also blur half of each batch, as the stage trains C_g (classifiers.random_blur).")
flags.DEFINE_integer("input_size", None, "Side C_i reads faces at, box-averaged inside the model (FaceClassifier's "
                     "input_size); default: the faces' own.")
flags.DEFINE_float("label_smoothing", 0.0, "Share of the target spread evenly over all speakers.", lower_bound=0.0,
                   upper_bound=1.0)
flags.DEFINE_boolean("jit", False, "Compile the train step with XLA.")
flags.DEFINE_integer("seed", 0, "Seed.")
flags.DEFINE_list("probe_blur", ["1", "2"], "At the end, also the test accuracy on test faces blurred by these sigmas "
                  "(pixels at 64x64): how much C_i rests on detail a soft generated face lacks.")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import ears_tf.train  # noqa: F401  (before TensorFlow loads: training's kernel choice, oneDNN)
    import keras
    import tensorflow as tf

    from ears_tf import losses
    from ears_tf.data import records
    from ears_tf.metrics.image import psnr
    from ears_tf.models import FaceClassifier
    from ears_tf.train.classifiers import TRAIN_SPLITS, accuracy, augment, gaussian_blur, random_blur, step_seeds

    keras.utils.set_random_seed(FLAGS.seed)
    train_x, train_y, _ = load_faces(FLAGS.data, TRAIN_SPLITS)
    test_x, test_y, _ = load_faces(FLAGS.data, ["test"])
    classes = records.Manifest.load(FLAGS.data).num_speakers
    print(f"{len(train_x)} training faces, {len(test_x)} test faces, {classes} speakers", flush=True)
    model = FaceClassifier(classes, FLAGS.filters_base, FLAGS.filters_max, input_size=FLAGS.input_size,
                            name="identity_classifier")
    model.build((None, *train_x.shape[1:]))
    steps_per_epoch = len(train_x) // FLAGS.batch_size
    schedule = keras.optimizers.schedules.CosineDecay(FLAGS.lr, FLAGS.epochs * steps_per_epoch)
    optimizer = keras.optimizers.Adam(schedule)

    # XLA as the stage compiles it (`--jit=auto`: off on a CPU, where its convolutions are slower).
    @tf.function(jit_compile=FLAGS.jit)
    def train_step(faces, labels):
        augment_seed, blur_seed = tf.unstack(step_seeds(FLAGS.seed, optimizer.iterations, 2))
        if FLAGS.augment:
            faces = augment(faces, augment_seed)
        if FLAGS.blur:
            faces = random_blur(faces, blur_seed)
        with tf.GradientTape() as tape:
            loss = losses.cross_entropy(model(faces, training=True), labels, FLAGS.label_smoothing)
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss

    predict = tf.function(lambda faces: model(faces, training=False))

    def test_logits(faces):
        return np.concatenate([predict(tf.constant(faces[i:i + 256])).numpy() for i in range(0, len(faces), 256)])

    def test_accuracy(faces):
        return accuracy(test_logits(faces), test_y).mean()

    def flipped_test_accuracy(faces):
        # Softmax averaged over each face and its mirror image: training flips faces, so both are in-distribution.
        probabilities = tf.nn.softmax(test_logits(faces)) + tf.nn.softmax(test_logits(faces[:, :, ::-1]))
        return accuracy(np.log(probabilities.numpy()), test_y).mean()

    rng = np.random.default_rng(FLAGS.seed)
    start = time.perf_counter()
    for epoch in range(1, FLAGS.epochs + 1):
        order = rng.permutation(len(train_x))
        for step in range(steps_per_epoch):
            batch = order[step * FLAGS.batch_size:(step + 1) * FLAGS.batch_size]
            loss = train_step(tf.constant(train_x[batch]), tf.constant(train_y[batch]))
        if epoch % FLAGS.eval_every == 0 or epoch == FLAGS.epochs:
            print(f"epoch {epoch}: loss {float(loss):.3f}, test identity accuracy {test_accuracy(test_x):.4f} "
                  f"(with its mirror image {flipped_test_accuracy(test_x):.4f}), "
                  f"{time.perf_counter() - start:.0f} s", flush=True)
    for sigma in map(float, FLAGS.probe_blur):
        blurred = gaussian_blur(tf.constant(test_x), sigma * test_x.shape[1] / 64).numpy()
        print(f"test faces blurred, sigma {sigma:g} px ({psnr(blurred, test_x).mean():.1f} dB PSNR to the faces): "
              f"identity accuracy {test_accuracy(blurred):.4f}", flush=True)


if __name__ == "__main__":
    app.run(main)
