"""Where every stage's artefacts live in a workdir, and how they are saved, checked and loaded.

    WORKDIR/
      config.json                 the run's preset, overrides and package versions
      STAGE/                      one folder per stage (fusion: fusion/VARIANT/)
        checkpoints/  logs/       tf.train.CheckpointManager, TensorBoard
        MODEL.keras               the stage's trained models (the artefacts below)
        done.json                 written last: the stage reached its step budget
      evaluation/                 report.json, report.md, figures/
      run.json                    --stage=all: wall time per phase of its last invocation

A missing or unreadable model is an `InputError` naming the file and the command that
makes it.
"""
from __future__ import annotations

import dataclasses
import os
import sys

from ears_tf.errors import InputError
from ears_tf.variants import FusionVariant
from ears_tf.workdir.atomic import atomic_path, read_json_object, write_json

DONE = "done.json"
EVALUATION_DIR = "evaluation"
RUN_TIMES = "run.json"  # --stage=all: the wall time of each phase of its last invocation


@dataclasses.dataclass(frozen=True)
class Artefact:
    stage_dir: str  # relative to the workdir
    filename: str
    made_by: str  # the command-line flags that make it

    def path(self, workdir) -> str:
        return os.path.join(os.fspath(workdir), self.stage_dir, self.filename)


FEATURE_NET = Artefact("feature_net", "feature_net.keras", "--stage=feature_net")
GENERATOR = Artefact("stylegan", "generator.keras", "--stage=stylegan")
DISCRIMINATOR = Artefact("stylegan", "discriminator.keras", "--stage=stylegan")
ENCODER_HR = Artefact("encoder_hr", "encoder_hr.keras", "--stage=encoder_hr")
ENCODER_LR = Artefact("pretrain_lowres", "encoder_lr.keras", "--stage=pretrain_lowres")
ENCODER_AUDIO = Artefact("pretrain_audio", "encoder_audio.keras", "--stage=pretrain_audio")
IDENTITY_CLASSIFIER = Artefact("classifiers", "identity_classifier.keras", "--stage=classifiers")
GENDER_CLASSIFIER = Artefact("classifiers", "gender_classifier.keras", "--stage=classifiers")
SR_BASELINE = Artefact("sr_baseline", "sr_baseline.keras", "--stage=sr_baseline")


def fusion_run_name(variant: FusionVariant) -> str:
    return f"fusion/{variant.name}"


def fusion_artefacts(variant: FusionVariant) -> tuple[Artefact, Artefact]:
    """(F, the E_a it was trained with) of a variant the fusion stage trains."""
    if not variant.trained_by_fusion:
        raise ValueError(f"variant {variant.name!r} has no fusion")
    made_by = f"--stage=fusion --fusion={variant.name}"
    run = fusion_run_name(variant)
    return Artefact(run, "fusion.keras", made_by), Artefact(run, "encoder_audio.keras", made_by)


def variant_artefacts(variant: FusionVariant) -> dict:
    """{part: Artefact} that a `SuperResolver` of `variant` loads: generator, encoder_lr, encoder_audio, fusion."""
    parts = {"generator": GENERATOR}
    if variant.uses_image:
        parts["encoder_lr"] = ENCODER_LR
    if variant.trained_by_fusion:
        parts["fusion"], parts["encoder_audio"] = fusion_artefacts(variant)
    elif variant.uses_audio:
        parts["encoder_audio"] = ENCODER_AUDIO
    return parts


def require(workdir, *artefacts: Artefact) -> None:
    """Raises InputError for the first artefact not in the workdir."""
    for artefact in artefacts:
        path = artefact.path(workdir)
        if not os.path.isfile(path):
            raise InputError(path, f"missing; run python -m ears_tf.train {artefact.made_by} with this workdir first")


def load(workdir, artefact: Artefact, trainable: bool = False):
    """The Keras model of `artefact`, frozen unless `trainable`."""
    import keras

    import ears_tf.models  # noqa: F401  (registers the classes the file names)

    require(workdir, artefact)
    path = artefact.path(workdir)
    try:
        model = keras.saving.load_model(path, compile=False)
    except Exception as error:  # the file's fault: name it and what failed, without a traceback
        raise InputError(path, _load_problem(path, error)) from error
    model.trainable = trainable
    return model


def _load_problem(path, error: Exception) -> str:
    """What failed when `path` did not load; errors that are not the file's propagate."""
    import zipfile

    name = type(error).__name__
    if name in ("ResourceExhaustedError", "XlaRuntimeError") or isinstance(error, MemoryError):
        raise error  # out of memory: not the file's fault (cli.py says so)
    detail = f"({name}: {str(error).strip().splitlines()[0] if str(error).strip() else ''})"
    if not zipfile.is_zipfile(path):
        return f"not a .keras file: truncated, or another format {detail}"
    return (f"a .keras file this version cannot rebuild {detail}; it may come from another version of "
            "ears_tf or Keras")


def save_model(model, path) -> str:
    """Saves a Keras model atomically: a crash mid-save never leaves a corrupt `.keras` behind."""
    with atomic_path(path) as temporary:
        model.save(temporary)
    return os.fspath(path)


def read_done(workdir, run_name: str) -> dict | None:
    """The stage's done.json, or None when it has none or it cannot be read (the stage then runs again)."""
    path = os.path.join(os.fspath(workdir), run_name, DONE)
    try:
        summary = read_json_object(path, "steps", int)
    except (ValueError, OSError) as error:
        print(f"warning: {path}: unreadable ({error}); the stage runs again from its checkpoint", file=sys.stderr)
        return None
    return summary


def is_done(workdir, run_name: str, steps: int | None = None) -> bool:
    summary = read_done(workdir, run_name)
    return summary is not None and (steps is None or summary["steps"] >= steps)


def write_done(workdir, run_name: str, summary: dict) -> None:
    write_json(os.path.join(os.fspath(workdir), run_name, DONE), summary)
