"""Stage `feature_net`: the speaker classifier whose features the Frechet distance compares.

No ImageNet or Inception weights are available offline, so the `stylegan` stage measures
its samples on the features of a small CNN (`metrics.frechet.build_feature_net`) trained
here with cross-entropy on the speakers of the d1 + d2 HR faces. Writes
WORKDIR/feature_net/feature_net.keras.
"""
from __future__ import annotations

from ears_tf import losses
from ears_tf.data import records
from ears_tf.metrics.frechet import build_feature_net
from ears_tf.train.classifiers import accuracy
from ears_tf.train.model_stage import ModelStage
from ears_tf.workdir import layout


class FeatureNetStage(ModelStage):
    splits = ("d1", "d2")
    with_audio = False

    def make_models(self):
        manifest = records.Manifest.load(self.data_dir)
        self.network = build_feature_net(self.model_config.hr_size, manifest.num_speakers)
        return {"feature_net": (self.network, layout.FEATURE_NET)}

    def losses(self, batch):
        cross_entropy = losses.cross_entropy(self.network(batch["hr"], training=True), batch["speaker"])
        return {"loss": cross_entropy, "cross_entropy": cross_entropy}

    def evaluate_examples(self, batch):
        return {"speaker_accuracy": accuracy(self.apply(self.network, batch["hr"]), batch["speaker"])}, [], []
