"""The workdir's layout: which stage writes which model, and loading them for the next.

Every stage reads what earlier stages left in WORKDIR; a missing or unreadable
model is an `InputError` that names the file and the command that makes it.
"""
from __future__ import annotations

import dataclasses
import os

import keras

from ears_tf.errors import InputError


@dataclasses.dataclass(frozen=True)
class Artefact:
    stage_dir: str  # relative to the workdir
    filename: str
    made_by: str  # the command-line flags that make it

    def path(self, workdir) -> str:
        return os.path.join(os.fspath(workdir), self.stage_dir, self.filename)


GENERATOR = Artefact("stylegan", "generator.keras", "--stage=stylegan")
DISCRIMINATOR = Artefact("stylegan", "discriminator.keras", "--stage=stylegan")
ENCODER_HR = Artefact("encoder_hr", "encoder_hr.keras", "--stage=encoder_hr")
ENCODER_LR = Artefact("pretrain_lowres", "encoder_lr.keras", "--stage=pretrain_lowres")
ENCODER_AUDIO = Artefact("pretrain_audio", "encoder_audio.keras", "--stage=pretrain_audio")
IDENTITY_CLASSIFIER = Artefact("classifiers", "identity_classifier.keras", "--stage=classifiers")
GENDER_CLASSIFIER = Artefact("classifiers", "gender_classifier.keras", "--stage=classifiers")
SR_BASELINE = Artefact("sr_baseline", "sr_baseline.keras", "--stage=sr_baseline")

# The paper's fusion ablations (Table 1 d, e, f): variant -> (dense layers, fine-tune E_a).
FUSION_VARIANTS = {"f1_finetune": (1, True), "f3_finetune": (3, True), "f1_fixed": (1, False)}


def fusion_variant(num_layers: int, finetune_audio: bool) -> str:
    return f"f{num_layers}_{'finetune' if finetune_audio else 'fixed'}"


def fusion_artefacts(num_layers: int, finetune_audio: bool) -> tuple[Artefact, Artefact]:
    """(F, the E_a it was trained with) of one fusion variant."""
    made_by = f"--stage=fusion --fusion=f{num_layers} --finetune_audio={str(finetune_audio).lower()}"
    stage_dir = f"fusion/{fusion_variant(num_layers, finetune_audio)}"
    return Artefact(stage_dir, "fusion.keras", made_by), Artefact(stage_dir, "encoder_audio.keras", made_by)


def require(workdir, *artefacts: Artefact) -> None:
    """Raises InputError for the first artefact not in the workdir."""
    for artefact in artefacts:
        path = artefact.path(workdir)
        if not os.path.isfile(path):
            raise InputError(path, f"missing; run python -m ears_tf.train {artefact.made_by} with this workdir first")


def load(workdir, artefact: Artefact, trainable: bool = False) -> keras.Model:
    require(workdir, artefact)
    import ears_tf.models  # noqa: F401  (registers the classes the file names)

    path = artefact.path(workdir)
    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as error:  # a truncated or foreign file: name it, do not dump a traceback
        raise InputError(path, f"cannot be loaded as a Keras model ({type(error).__name__}: {error})".splitlines()[0])
    model.trainable = trainable
    return model
