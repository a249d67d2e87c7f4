"""How much identity the trained generator can hold: test faces projected into G by optimisation.

  python experiments/projection.py --workdir=runs/quickstart [--data=data/quickstart] \
      [--examples=256] [--steps=300] [--report_every=50] [--lr=0.01]

E_h maps a face to G's per-layer latents in one forward pass, trained on the stage's
budget. Here the latents of each test face are optimised directly, from E_h's code, with
E_h's own loss (pixel MSE plus the perceptual term on the same features: the trained
discriminator's blocks, as the stage uses without VGG16 weights), through the frozen G with
noise off. At each report it prints the PSNR against the face and the accuracy of the
evaluation's classifiers C_i and C_g on the projections; step 0 is E_h's reconstruction,
and the real faces' C_i accuracy is the ceiling. If the projections reach far higher C_i
than E_h, E_h's budget limits identity; if they do not, G cannot draw these identities.
"""
from absl import app, flags

flags.DEFINE_string("workdir", None, "A trained workdir (stylegan, encoder_hr and classifiers stages).", required=True)
flags.DEFINE_string("data", "data/quickstart", "Records folder whose test split is projected.")
flags.DEFINE_integer("examples", 256, "Test examples to project (the split's first, in order).")
flags.DEFINE_integer("batch_size", 32, "Examples optimised together (each has its own latents).")
flags.DEFINE_integer("steps", 300, "Adam steps per batch.")
flags.DEFINE_integer("report_every", 50, "Steps between reports.")
flags.DEFINE_float("lr", 0.01, "Adam learning rate on the latents.")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    import ears_tf.train  # noqa: F401  (before TensorFlow loads: training's kernel choice, oneDNN)
    import numpy as np
    import keras
    import tensorflow as tf

    from ears_tf import losses, machine
    from ears_tf.data import pipeline
    from ears_tf.evaluation.bootstrap import bootstrap_interval
    from ears_tf.metrics.image import psnr
    from ears_tf.train.perceptual import DiscriminatorFeatures
    from ears_tf.workdir import layout

    generator = layout.load(FLAGS.workdir, layout.GENERATOR)
    encoder = layout.load(FLAGS.workdir, layout.ENCODER_HR)
    features = DiscriminatorFeatures(layout.load(FLAGS.workdir, layout.DISCRIMINATOR))
    identity = layout.load(FLAGS.workdir, layout.IDENTITY_CLASSIFIER)
    gender = layout.load(FLAGS.workdir, layout.GENDER_CLASSIFIER)
    cfg = generator.model_config
    print(f"machine: {machine.cpu_model()}; projecting {FLAGS.examples} test faces, {FLAGS.steps} steps each")

    options = pipeline.PipelineOptions(batch_size=FLAGS.batch_size, training=False,
                                       drop_remainder=False, with_audio=False, hr_size=cfg.hr_size)
    dataset = pipeline.make_dataset(FLAGS.data, "test", options).unbatch().take(FLAGS.examples).batch(FLAGS.batch_size)
    reports = list(range(0, FLAGS.steps + 1, FLAGS.report_every))
    scores = {step: {"loss": [], "psnr": [], "C_i": [], "C_g": []} for step in reports}
    real_identity = []

    def loss_of(z, real):
        fake = generator(z, noise_mode="off")  # [B, HR, HR, 3]
        return losses.image_mse(fake, real) + losses.perceptual(features(fake), features(real))

    for batch in dataset:
        real, speaker, sex = batch["hr"], batch["speaker"].numpy(), batch["gender"].numpy()
        real_identity.append(np.argmax(identity(real), -1) == speaker)
        z = tf.Variable(encoder(real))  # [B, k, D]: E_h's code is the start
        optimizer = keras.optimizers.Adam(FLAGS.lr)
        optimizer.build([z])

        @tf.function
        def step(z=z, real=real, optimizer=optimizer):
            with tf.GradientTape() as tape:
                loss = loss_of(z, real)
            optimizer.apply_gradients([(tape.gradient(loss, z), z)])
            return loss

        for i in range(FLAGS.steps + 1):
            if i in scores:
                image = generator(z, noise_mode="off").numpy()
                scores[i]["loss"].append(float(loss_of(z, real)))
                scores[i]["psnr"].append(psnr(image, real.numpy()))
                scores[i]["C_i"].append(np.argmax(identity(image), -1) == speaker)
                scores[i]["C_g"].append((np.argmax(gender(image), -1) == sex)[sex >= 0])
            if i < FLAGS.steps:
                step()
        print(f"  {sum(len(s) for s in real_identity)} faces projected", flush=True)

    real_identity = np.concatenate(real_identity).astype(np.float64)
    print(f"\nC_i on the real test faces: {real_identity.mean():.3f} "
          f"[{', '.join(f'{v:.3f}' for v in bootstrap_interval(real_identity, 1000, seed=0))}]")
    print("\n| step | loss | PSNR (dB) | C_i on the projections [95% CI] | C_g |")
    print("|---|---|---|---|---|")
    for i in reports:
        correct = np.concatenate(scores[i]["C_i"]).astype(np.float64)
        low, high = bootstrap_interval(correct, 1000, seed=0)
        label = f"{i} (E_h)" if i == 0 else str(i)
        print(f"| {label} | {np.mean(scores[i]['loss']):.4f} | {np.concatenate(scores[i]['psnr']).mean():.2f} | {correct.mean():.3f} [{low:.3f}, {high:.3f}] "
              f"| {np.concatenate(scores[i]['C_g']).mean():.3f} |")


if __name__ == "__main__":
    app.run(main)
