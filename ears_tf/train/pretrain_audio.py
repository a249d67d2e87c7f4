"""Stage `pretrain_audio`: E_a regresses the pose-free code of the speaker's face on d1 (eq. 3).

The target is the mean of E_h's codes of the face and of its mirror image: the
average keeps identity and drops the viewpoint, which the voice cannot carry
(paper fig. 2). Loss: |E_a(a) - (E_h(x_h) + E_h(flip(x_h))) / 2|_1. The figure
shows the face, its mirror, both reconstructions, the averaged target and E_a's
output. The targets of the training faces are computed once (`code_cache`). Writes
WORKDIR/pretrain_audio/encoder_audio.keras.
"""
from __future__ import annotations

import numpy as np
from keras import ops

from ears_tf import losses
from ears_tf.metrics.image import psnr
from ears_tf.metrics.latent import gender_axis_accuracy
from ears_tf.models import AudioEncoder
from ears_tf.workdir import layout
from ears_tf.train.encoder_stage import EncoderStage


class PretrainAudioStage(EncoderStage):
    splits = ("d1",)
    with_audio = True
    # Held-out videos of the same speakers: E_a's latent L1 there rises once it memorises the
    # training videos (quickstart: after about 1,200 steps), so the best step is kept.
    validation_split = "d2"
    validation_metric = "latent_l1"

    def make_models(self):
        cfg = self.model_config
        self.encoder_hr = layout.load(self.workdir, layout.ENCODER_HR)
        self.encoder = AudioEncoder(cfg, name="encoder_audio")
        self.encoder.build((None, cfg.audio.num_samples))
        return {"encoder_audio": (self.encoder, layout.ENCODER_AUDIO)}

    def build(self, strategy):
        super().build(strategy)
        self.target_code = self.cached_codes(self.frontal_code, "frontal codes")

    def frontal_code(self, hr):
        """(E_h(x) + E_h(mirror of x)) / 2 [B, k, D]."""
        return 0.5 * (self.encoder_hr(hr) + self.encoder_hr(ops.flip(hr, axis=2)))

    def losses(self, batch):
        latent = losses.latent_l1(self.encoder(batch["waveform"]), self.target_code(batch))
        return {"loss": latent, "latent_l1": latent}

    def reconstructions(self, hr):
        return ops.stack([self.generate(self.encoder_hr(hr)), self.generate(self.encoder_hr(ops.flip(hr, axis=2)))], axis=1)

    def codes(self, hr, waveform):
        return ops.stack([self.encoder(waveform), self.frontal_code(hr)], axis=1)  # [B, 2, k, D]

    def validation_scores(self, batch):
        codes = self.apply(self.codes, batch["hr"], batch["waveform"])  # [B, 2, k, D]
        return np.abs(codes[:, 0] - codes[:, 1]).mean(axis=(1, 2))

    def evaluate_examples(self, batch):
        hr, waveform = batch["hr"], batch["waveform"]
        codes = self.apply(self.codes, hr, waveform)  # [B, 2, k, D]: E_a's code, its target
        from_audio, frontal = self.apply(self.generate, codes[:, 0]), self.apply(self.generate, codes[:, 1])
        metrics = {
            "latent_l1": np.abs(codes[:, 0] - codes[:, 1]).mean(axis=(1, 2)),
            "frontal_psnr": psnr(from_audio, frontal),  # G(E_a(a)) against G(its target)
        }
        # Does the voice put the code on the right side of the faces' gender axis? (0.5: chance)
        gender = gender_axis_accuracy(codes[:, 0], codes[:, 1], batch["gender"])
        if gender is not None:
            metrics["gender_axis_accuracy"] = gender
        n = self.options.figure_examples
        both = self.apply(self.reconstructions, hr[:n])
        rows = [hr[:n], np.flip(hr[:n], axis=2), both[:, 0], both[:, 1], frontal[:n], from_audio[:n]]
        labels = ["face x_h", "mirrored", "G(E_h(x))", "G(E_h(mirror))", "target: G(mean)", "G(E_a(audio))"]
        return metrics, rows, labels
