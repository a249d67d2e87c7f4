"""C_g alone, with one setting changed: how steady its verdict on generated faces is.

    python experiments/gender_classifier.py --judge=runs/quickstart[,OTHER_WORKDIR] [--data=data/quickstart] \
        [--epochs=40] [--seeds=0,1,2] [--blur_share=0.5] [--blur_sigma_max=2] [--input_size=0] [--lr=2e-3] \
        [--batch_size=64]

Trains the `classifiers` stage's gender network (`models.FaceClassifier` at the preset's
widths, its augmentation, blur and cosine schedule) on the HR faces of d1 + d2 held in
memory, once per seed, and prints its accuracy and share of "male" answers on the real
test faces and on each judged workdir's reconstructions G(E_h(x)) of them. C_g is trained
on real faces only, so what it says of a generated face is out of its training domain: the
spread over seeds is the instrument's own noise in the report's C_g columns. Not a
supported training mode: the settings it tries feed the `classifiers` stage.
"""
import time

import numpy as np
from absl import app, flags

from faces import load_faces

flags.DEFINE_string("data", "data/quickstart", "Records folder.")
flags.DEFINE_list("judge", [], "Workdirs whose G(E_h(x)) of the test faces C_g judges.")
flags.DEFINE_string("preset", "quickstart", "Preset of the C_g widths.")
flags.DEFINE_integer("epochs", 40, "Epochs over d1 + d2.", lower_bound=1)
flags.DEFINE_list("seeds", ["0", "1", "2"], "One C_g per seed.")
flags.DEFINE_float("lr", 2e-3, "Adam's peak learning rate (cosine decay to zero).")
flags.DEFINE_integer("batch_size", 64, "Batch size.")
flags.DEFINE_float("blur_share", 0.5, "Share of each batch blurred (the stage: classifiers.BLUR_SHARE).")
flags.DEFINE_float("blur_sigma_max", 2.0, "Largest blur sigma, pixels at 64x64 (the stage: BLUR_SIGMA_RANGE[1]).")
flags.DEFINE_integer("input_size", 0, "FaceClassifier's input_size: faces box-averaged to this size inside C_g "
                     "(0: the HR size, C_g before 2026-12-04; the stage now: ModelConfig.gender_classifier_size).")
FLAGS = flags.FLAGS
CHUNK = 128


def main(argv):
    del argv
    import ears_tf.train  # noqa: F401  (before TensorFlow loads: training's kernel choice, oneDNN)
    import keras
    import tensorflow as tf

    from ears_tf import config, losses
    from ears_tf.data import records
    from ears_tf.models import FaceClassifier
    from ears_tf.train import classifiers
    from ears_tf.workdir import layout

    cfg = config.get_preset(FLAGS.preset).model
    train_x, _, train_g = load_faces(FLAGS.data, classifiers.TRAIN_SPLITS)
    test_x, _, test_g = load_faces(FLAGS.data, ["test"])
    train_x, train_g = train_x[train_g >= 0], train_g[train_g >= 0]  # unknown gender: out of the loss, as the stage
    judged = {"real test faces": test_x}
    for workdir in FLAGS.judge:
        encoder_hr, generator = layout.load(workdir, layout.ENCODER_HR), layout.load(workdir, layout.GENERATOR)
        judged[f"G(E_h(x)) of {workdir}"] = np.concatenate([
            generator(encoder_hr(test_x[i:i + CHUNK]), noise_mode="off").numpy() for i in range(0, len(test_x), CHUNK)])
    print(f"{len(train_x)} training faces, {len(test_x)} test faces; {records.Manifest.load(FLAGS.data).num_speakers} "
          f"speakers; blur share {FLAGS.blur_share}, sigma up to {FLAGS.blur_sigma_max} px", flush=True)

    sigma_range = (classifiers.BLUR_SIGMA_RANGE[0], FLAGS.blur_sigma_max)
    rows = {name: [] for name in judged}
    for seed in map(int, FLAGS.seeds):
        keras.utils.set_random_seed(seed)
        model = FaceClassifier(classifiers.NUM_GENDERS, *cfg.gender_classifier_filters,
                               input_size=FLAGS.input_size or None, name="gender_classifier")
        model.build((None, *train_x.shape[1:]))
        steps_per_epoch = len(train_x) // FLAGS.batch_size
        optimizer = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(FLAGS.lr, FLAGS.epochs * steps_per_epoch))

        @tf.function
        def train_step(faces, labels):
            augment_seed, sigma_seed, share_seed = tf.unstack(classifiers.step_seeds(seed, optimizer.iterations, 3))
            faces = classifiers.augment(faces, augment_seed)
            sigma = tf.random.stateless_uniform([], sigma_seed, *sigma_range) * faces.shape[1] / 64
            blur = tf.random.stateless_uniform([tf.shape(faces)[0], 1, 1, 1], share_seed) < FLAGS.blur_share
            faces = tf.where(blur, classifiers.gaussian_blur(faces, sigma), faces)
            with tf.GradientTape() as tape:
                loss = losses.cross_entropy(model(faces, training=True), labels)
            optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
            return loss

        predict = tf.function(lambda faces: tf.argmax(model(faces, training=False), -1))
        rng = np.random.default_rng(seed)
        start = time.perf_counter()
        for _ in range(FLAGS.epochs):
            order = rng.permutation(len(train_x))
            for step in range(steps_per_epoch):
                batch = order[step * FLAGS.batch_size:(step + 1) * FLAGS.batch_size]
                train_step(tf.constant(train_x[batch]), tf.constant(train_g[batch]))
        for name, faces in judged.items():
            said = np.concatenate([predict(tf.constant(faces[i:i + CHUNK])).numpy() for i in range(0, len(faces), CHUNK)])
            rows[name].append((np.mean(said[test_g >= 0] == test_g[test_g >= 0]), said.mean()))
        print(f"seed {seed}: {time.perf_counter() - start:.0f} s; " + "; ".join(
            f"{name}: accuracy {r[-1][0]:.3f}, male {r[-1][1]:.3f}" for name, r in rows.items()), flush=True)
    print("\n| faces | C_g accuracy per seed | mean | share called male per seed |\n|---|---|---|---|")
    for name, r in rows.items():
        accuracy, male = np.array(r).T
        print(f"| {name} | {', '.join(f'{a:.3f}' for a in accuracy)} | {accuracy.mean():.3f} | "
              f"{', '.join(f'{m:.3f}' for m in male)} |")


if __name__ == "__main__":
    app.run(main)
