"""The stage registry: every training stage once, in the order `--stage=all` runs them.

The CLI's `--stage` choices, `--stage=all`, its progress line and the docs all read
`STAGES`. Adding a stage is writing its module (a `loop.Stage`) and one `StageEntry`
here: its name, the class that trains it, the artefacts it needs and makes, and its
step budget. The entry owns each of them: a stage object finds its own entry
(`entry_for`), and takes its folder name and budget from there. Nothing here imports
TensorFlow, so the CLI rejects bad flags at once.
"""
from __future__ import annotations

import dataclasses
import importlib

from ears_tf import variants
from ears_tf.config import Config
from ears_tf.variants import FusionVariant
from ears_tf.workdir import layout
from ears_tf.workdir.layout import Artefact


@dataclasses.dataclass(frozen=True)
class StageEntry:
    name: str
    entry_point: str  # "module:Class" of the loop.Stage that trains it
    summary: str
    requires: tuple[Artefact, ...]
    makes: tuple[Artefact, ...]
    # The step budget: a TrainConfig field (a StageBudget), or "module:function" of
    # (config, data_dir, batch_size) -> StageBudget where it depends on the data.
    budget: str
    # Constructor options beyond (config, data_dir, workdir, batch_size, seed).
    options: tuple[str, ...] = ()
    # The fusion stage trains one run per variant, each in fusion/VARIANT/.
    variants: tuple[FusionVariant, ...] = ()
    # (option, artefact): required unless the option is given (encoder_hr's D, which
    # --vgg16_weights replaces as the perceptual loss's features).
    requires_unless: tuple[tuple[str, Artefact], ...] = ()

    def requirements(self, **options) -> tuple[Artefact, ...]:
        """The artefacts a run with these constructor options needs."""
        return self.requires + tuple(artefact for option, artefact in self.requires_unless if not options.get(option))


def _fusion_outputs() -> tuple:
    return tuple(a for v in variants.FUSED for a in layout.fusion_artefacts(v))


STAGES = (
    StageEntry("feature_net", "ears_tf.train.feature_net:FeatureNetStage",
               "the speaker CNN whose features the stylegan stage's Frechet distance uses",
               requires=(), makes=(layout.FEATURE_NET,), budget="feature_net"),
    StageEntry("stylegan", "ears_tf.train.stylegan:StyleGANStage",
               "the StyleGAN generator G and discriminator D (section 3.1)",
               requires=(), makes=(layout.GENERATOR, layout.DISCRIMINATOR), budget="stylegan"),
    StageEntry("encoder_hr", "ears_tf.train.encoder_hr:EncoderHRStage",
               "E_h, HR image -> latents, through the fixed G (eq. 1)",
               requires=(layout.GENERATOR,), makes=(layout.ENCODER_HR,), budget="encoder_hr",
               options=("vgg16_weights",), requires_unless=(("vgg16_weights", layout.DISCRIMINATOR),)),
    StageEntry("pretrain_lowres", "ears_tf.train.pretrain_lowres:PretrainLowresStage",
               "E_l, LR image -> latents, on d1 (eq. 2)",
               requires=(layout.GENERATOR, layout.ENCODER_HR), makes=(layout.ENCODER_LR,), budget="pretrain_lowres"),
    StageEntry("pretrain_audio", "ears_tf.train.pretrain_audio:PretrainAudioStage",
               "E_a, waveform -> latents, on d1 (eq. 3)",
               requires=(layout.GENERATOR, layout.ENCODER_HR), makes=(layout.ENCODER_AUDIO,), budget="pretrain_audio"),
    StageEntry("fusion", "ears_tf.train.fusion:FusionStage",
               "the fusion F or F3, with E_a fine-tuned or fixed, on d2 (eq. 4)",
               requires=(layout.GENERATOR, layout.ENCODER_HR, layout.ENCODER_LR, layout.ENCODER_AUDIO),
               makes=_fusion_outputs(), budget="fusion", options=("variant",), variants=variants.FUSED),
    StageEntry("classifiers", "ears_tf.train.classifiers:ClassifiersStage",
               "the evaluation's identity and gender classifiers C_i and C_g",
               requires=(), makes=(layout.IDENTITY_CLASSIFIER, layout.GENDER_CLASSIFIER),
               budget="ears_tf.train.classifiers:classifier_budget"),
    StageEntry("sr_baseline", "ears_tf.train.sr_baseline:SRBaselineStage",
               "the 16x CNN super-resolution baseline of Table 2",
               requires=(), makes=(layout.SR_BASELINE,), budget="sr_baseline"),
)
STAGE_NAMES = tuple(entry.name for entry in STAGES)


def entry_for(stage_class: type) -> StageEntry:
    """The entry of the registered class `stage_class` is, or derives from."""
    for cls in stage_class.__mro__:
        point = f"{cls.__module__}:{cls.__qualname__}"
        for entry in STAGES:
            if entry.entry_point == point:
                return entry
    raise ValueError(f"{stage_class.__qualname__} is not a registered stage (ears_tf.train.registry.STAGES)")


def get(name: str) -> StageEntry:
    for entry in STAGES:
        if entry.name == name:
            return entry
    raise ValueError(f"unknown stage {name!r}; choose one of {', '.join(STAGE_NAMES)}")


@dataclasses.dataclass(frozen=True)
class StageRun:
    """One run of a stage: the fusion stage has one per variant."""

    entry: StageEntry
    variant: FusionVariant | None = None

    @property
    def run_name(self) -> str:
        """The run's folder under the workdir."""
        return layout.fusion_run_name(self.variant) if self.variant is not None else self.entry.name


def runs(entry: StageEntry) -> tuple[StageRun, ...]:
    return tuple(StageRun(entry, v) for v in entry.variants) if entry.variants else (StageRun(entry),)


# What `--stage=all` runs, in order.
ALL_RUNS = tuple(run for entry in STAGES for run in runs(entry))


def _resolve(path: str):
    module, attribute = path.split(":")
    return getattr(importlib.import_module(module), attribute)


def budget(entry: StageEntry, config: Config, data_dir, batch_size: int | None = None):
    """The preset's StageBudget for `entry` (steps, batch size, learning rate)."""
    if ":" in entry.budget:
        return _resolve(entry.budget)(config, data_dir, batch_size)
    return getattr(config.train, entry.budget)


def default_steps(run: StageRun, config: Config, data_dir, batch_size: int | None = None) -> int:
    return budget(run.entry, config, data_dir, batch_size).steps


def make_stage(run: StageRun, config: Config, data_dir, workdir, batch_size: int | None = None, seed: int = 0,
               vgg16_weights: str | None = None):
    """The `loop.Stage` of `run`; its prerequisites are checked before any model is built."""
    available = {"vgg16_weights": vgg16_weights, "variant": run.variant}
    options = {name: available[name] for name in run.entry.options}
    layout.require(workdir, *run.entry.requirements(**options))
    stage_class = _resolve(run.entry.entry_point)
    return stage_class(config, data_dir, workdir, batch_size=batch_size, seed=seed, **options)
