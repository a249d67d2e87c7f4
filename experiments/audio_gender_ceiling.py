"""Can E_a's faces carry the voice's gender on this workdir's generator? What bounds C_g on row (c).

  python experiments/audio_gender_ceiling.py --workdir=runs/quickstart --data=data/quickstart

E_a regresses the frontal code of the face (paper eq. 3) under an L1 loss; the voice
carries gender, age and build but not the face-only attributes (skin, hair, beard), so at
best it learns the centre of the codes of the faces that share a voice's attributes. The
script prints, on the test split:
- latent L1 to the frontal code: of E_a, of the d1 codes' median (a constant), and of each
  gender's median on d1 (the best a gender-only regressor does);
- C_g on G(frontal code) (the ceiling of any code regression), on G(each gender's mean
  code) (what a gender-perfect but otherwise average E_a draws), and on G(E_a(voice)),
  the evaluation's row (c).
If the gender means render as one gender, no E_a trained by eq. 3 carries gender through
this G, however long it trains.
"""
import os

from absl import app, flags

flags.DEFINE_string("workdir", None, "A workdir with stylegan, encoder_hr and classifiers done (and pretrain_audio "
                    "for E_a's rows).",
                    required=True)
flags.DEFINE_string("data", "data/quickstart", "The records it was trained on.")
flags.DEFINE_string("preset", "quickstart", "The preset it was trained with.")
flags.DEFINE_string("classifiers_from", None, "Another workdir whose C_g judges (default: --workdir's).")
FLAGS = flags.FLAGS
CHUNK = 64


def main(argv):
    del argv
    import ears_tf.train  # noqa: F401  (before TensorFlow loads: training's kernel choice)
    import numpy as np
    import tensorflow as tf

    from ears_tf import config
    from ears_tf.data import pipeline
    from ears_tf.train.model_stage import ModelStageOptions
    from ears_tf.train.pretrain_audio import PretrainAudioStage
    from ears_tf.workdir import layout

    cfg = config.get_preset(FLAGS.preset)
    stage = PretrainAudioStage(cfg, FLAGS.data, FLAGS.workdir, options=ModelStageOptions(code_cache_bytes=0))
    stage.build(tf.distribute.get_strategy())  # the workdir's G and E_h
    # Without pretrain_audio the E_a rows are left out: the ceilings need only G, E_h and C_g.
    has_audio = os.path.isfile(layout.ENCODER_AUDIO.path(FLAGS.workdir))
    encoder_audio = layout.load(FLAGS.workdir, layout.ENCODER_AUDIO) if has_audio else None
    gender_net = layout.load(FLAGS.classifiers_from or FLAGS.workdir, layout.GENDER_CLASSIFIER)
    frontal, generate = tf.function(stage.frontal_code), tf.function(stage.generate)

    def read(split, with_audio):
        options = pipeline.PipelineOptions(batch_size=CHUNK, training=False, drop_remainder=False,
                                           with_audio=with_audio, hr_size=cfg.model.hr_size)
        codes, audio_codes, genders = [], [], []
        for batch in pipeline.make_dataset(FLAGS.data, split, options, cfg.model.audio):
            codes.append(frontal(batch["hr"]).numpy())
            genders.append(batch["gender"].numpy())
            if encoder_audio is not None and with_audio:
                audio_codes.append(encoder_audio(batch["waveform"]).numpy())
        return np.concatenate(codes), (np.concatenate(audio_codes) if audio_codes else None), np.concatenate(genders)

    def male_share_and_accuracy(codes, genders):
        predicted = np.concatenate([np.argmax(gender_net(generate(codes[i:i + CHUNK])).numpy(), -1)
                                    for i in range(0, len(codes), CHUNK)])
        known = genders >= 0
        return predicted.mean(), float(np.mean(predicted[known] == genders[known]))

    train_codes, _, train_genders = read("d1", with_audio=False)
    codes, audio_codes, genders = read("test", with_audio=True)
    median = np.median(train_codes, axis=0)
    by_gender = {g: np.median(train_codes[train_genders == g], axis=0) for g in (0, 1)}
    means = np.stack([train_codes[train_genders == g].mean(axis=0) for g in (0, 1)])
    known = genders >= 0
    l1 = lambda a, b: float(np.abs(a - b).mean())  # noqa: E731
    print(f"test split: {len(codes)} faces; d1: {len(train_codes)}")
    print("| latent L1 to the test frontal codes | |\n|---|---|")
    if has_audio:
        print(f"| E_a(voice) | {l1(audio_codes, codes):.4f} |")
    print(f"| d1 median (constant) | {l1(median[None], codes):.4f} |")
    print(f"| d1 median of the speaker's gender | {l1(np.stack([by_gender[g] for g in genders[known]]), codes[known]):.4f} |")
    print("\n| C_g on | share called male | accuracy |\n|---|---|---|")
    judged = [("G(frontal code) of test faces", codes, genders),
              ("G(mean d1 code of each gender)", means, np.array([0, 1]))]
    if has_audio:
        judged.append(("G(E_a(voice)), row (c)", audio_codes, genders))
    for label, rows, row_genders in judged:
        share, accuracy = male_share_and_accuracy(rows, row_genders)
        print(f"| {label} | {share:.3f} | {accuracy:.3f} |")


if __name__ == "__main__":
    app.run(main)
