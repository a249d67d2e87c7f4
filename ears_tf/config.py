"""Typed, frozen configuration and the named presets `paper`, `quickstart`, `smoke`.

Every number that shapes a model, a data set or a training budget lives here, so
that the rest of the code reads it from one place. `get_preset(name)` returns a
validated `Config`; `dataclasses.replace` derives variants, and `validate()` is
called again on anything built by hand.
"""
from __future__ import annotations

import dataclasses
import math

# The super-resolution factor is the method's definition (8x8 -> 128x128), not a knob.
SR_FACTOR = 16
# ModelConfig.conv_route: see ears_tf/layers/patch_conv.py.
CONV_ROUTES = ("auto", "direct")


class ConfigError(ValueError):
    """A configuration value is out of its allowed range."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


@dataclasses.dataclass(frozen=True)
class AudioConfig:
    """The authors' audio front end (docs/design.md, signals); shared by every preset."""

    sample_rate: int = 16_000
    num_samples: int = 64_000  # 4 s
    frame_length: int = 512
    frame_step: int = 248
    log_offset: float = 1e-6

    @property
    def num_frames(self) -> int:
        return 1 + (self.num_samples - self.frame_length) // self.frame_step

    @property
    def num_bins(self) -> int:
        return self.frame_length // 2 + 1

    def validate(self) -> None:
        _require(self.sample_rate > 0, f"audio.sample_rate must be positive, got {self.sample_rate}")
        _require(
            self.num_samples >= self.frame_length,
            f"audio.num_samples ({self.num_samples}) must be at least frame_length ({self.frame_length})",
        )
        _require(
            self.frame_length > 0 and self.frame_length & (self.frame_length - 1) == 0,
            f"audio.frame_length must be a power of two, got {self.frame_length}",
        )
        _require(0 < self.frame_step <= self.frame_length, f"audio.frame_step must be in (0, frame_length], got {self.frame_step}")
        _require(self.log_offset > 0, f"audio.log_offset must be positive, got {self.log_offset}")


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """Sizes of G, D, the encoders and the fusion (docs/design.md, models)."""

    hr_size: int
    latent_dim: int
    # StyleGAN generator / discriminator widths: fmaps(stage) = min(fmap_base / 2**stage, fmap_max).
    fmap_base: int
    fmap_max: int
    mapping_layers: int
    mapping_lrmul: float
    # E_h: filters double from eh_filters_base up to eh_filters_max over six scales.
    eh_filters_base: int
    eh_filters_max: int
    # E_l: one stem conv then three scales with these widths; a hidden dense of k * latent_dim.
    el_stem_filters: int
    el_filters: tuple[int, int, int]
    # E_a: filters double from ea_filters_base to ea_filters_max; hidden dense width.
    ea_filters_base: int
    ea_filters_max: int
    ea_dense: int
    # C_i and C_g (evaluation): (base, max) filters, doubling per scale down to 4x4. Gender is
    # an easy cue in HR faces, so C_g is a narrower network.
    identity_classifier_filters: tuple[int, int] = (32, 256)
    gender_classifier_filters: tuple[int, int] = (16, 64)
    # C_g box-averages faces down to this size first. Trained on real faces only, it judges
    # generated ones out of its domain; at 32x32 its verdict on them varied 0.86 to 0.90 over
    # three training seeds, at 64x64 0.72 to 0.88, both 1.00 on real faces (docs/evaluation.md).
    gender_classifier_size: int = 32
    # The 16x CNN baseline (LapSRN-like): width and convs per 2x level.
    sr_filters: int = 64
    sr_depth: int = 10
    audio: AudioConfig = dataclasses.field(default_factory=AudioConfig)
    # How the encoders compute their convs: "auto" (one matmul on small deep maps, where that
    # is faster) or "direct" (always a convolution; the TFLite export's copy). Same weights.
    conv_route: str = "auto"

    @property
    def lr_size(self) -> int:
        return self.hr_size // SR_FACTOR

    @property
    def num_styles(self) -> int:
        """k = 2 log2(res) - 2: two style inputs per resolution from 4x4 up."""
        return 2 * int(math.log2(self.hr_size)) - 2

    @property
    def code_size(self) -> int:
        """Size of one flattened per-layer latent code, k x latent_dim."""
        return self.num_styles * self.latent_dim

    def fmaps(self, stage: int) -> int:
        """StyleGAN's nf(stage): feature maps at resolution 2**(stage + 1)."""
        return min(int(self.fmap_base / 2.0 ** stage), self.fmap_max)

    @property
    def resolution_log2(self) -> int:
        return int(math.log2(self.hr_size))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def coerce(cls, value) -> "ModelConfig":
        """A ModelConfig as given, or rebuilt from `to_dict()` output (Keras model configs)."""
        return value if isinstance(value, cls) else cls.from_dict(value)

    @classmethod
    def from_dict(cls, data: dict) -> "ModelConfig":
        data = dict(data)
        data["audio"] = AudioConfig(**data.get("audio", {}))
        for name in ("el_filters", "identity_classifier_filters", "gender_classifier_filters"):
            if name in data:
                data[name] = tuple(data[name])
        return cls(**data)

    def validate(self) -> None:
        _require(
            self.hr_size >= 2 * SR_FACTOR and self.hr_size & (self.hr_size - 1) == 0,
            f"model.hr_size must be a power of two >= {2 * SR_FACTOR} (so the 16x LR image is at least 2x2), got {self.hr_size}",
        )
        for name in ("latent_dim", "fmap_base", "fmap_max", "mapping_layers", "eh_filters_base",
                     "eh_filters_max", "el_stem_filters", "ea_filters_base", "ea_filters_max", "ea_dense",
                     "sr_filters", "sr_depth"):
            value = getattr(self, name)
            _require(isinstance(value, int) and value > 0, f"model.{name} must be a positive integer, got {value!r}")
        _require(self.conv_route in CONV_ROUTES, f"model.conv_route must be one of {', '.join(CONV_ROUTES)}, "
                 f"got {self.conv_route!r}")
        _require(0 < self.mapping_lrmul <= 1, f"model.mapping_lrmul must be in (0, 1], got {self.mapping_lrmul}")
        _require(
            len(self.el_filters) == 3 and all(isinstance(f, int) and f > 0 for f in self.el_filters),
            f"model.el_filters must be three positive integers, got {self.el_filters!r}",
        )
        _require(self.eh_filters_base <= self.eh_filters_max, "model.eh_filters_base must not exceed eh_filters_max")
        _require(self.ea_filters_base <= self.ea_filters_max, "model.ea_filters_base must not exceed ea_filters_max")
        for name in ("identity_classifier_filters", "gender_classifier_filters"):
            base_max = getattr(self, name)
            _require(len(base_max) == 2 and all(isinstance(f, int) and f > 0 for f in base_max)
                     and base_max[0] <= base_max[1], f"model.{name} must be (base, max) with 0 < base <= max, got {base_max!r}")
        size = self.gender_classifier_size
        _require(isinstance(size, int) and size >= 8 and size & (size - 1) == 0,
                 f"model.gender_classifier_size must be a power of two >= 8, got {size!r}")
        self.audio.validate()


@dataclasses.dataclass(frozen=True)
class StageBudget:
    steps: int
    batch_size: int
    learning_rate: float | None = None  # None: TrainConfig.learning_rate (encoder and fusion stages)

    def validate(self, stage: str) -> None:
        _require(self.steps > 0, f"train.{stage}.steps must be positive, got {self.steps}")
        _require(self.batch_size > 0, f"train.{stage}.batch_size must be positive, got {self.batch_size}")
        _require(self.learning_rate is None or self.learning_rate > 0,
                 f"train.{stage}.learning_rate must be positive, got {self.learning_rate}")


# Growing starts at 8x8 or above: D's 4x4 head needs one downscaling block in front of it.
MIN_START_RESOLUTION = 8


@dataclasses.dataclass(frozen=True)
class GrowthSchedule:
    """Progressive growing of the `stylegan` stage: StyleGAN v1's lod schedule, counted in images.

    From `start_resolution`, each resolution trains for `stable_images`, then the next one
    fades in over `fade_images`, and so on up to the full resolution, which then trains for
    the rest of the budget. How far a resolution has faded in is `ears_tf.train.growth.alpha`.
    """

    start_resolution: int
    stable_images: int
    fade_images: int

    @property
    def start_log2(self) -> int:
        return self.start_resolution.bit_length() - 1

    def validate(self, hr_size: int) -> "GrowthSchedule":
        problem = start_resolution_problem(self.start_resolution, hr_size)
        _require(problem is None, f"train.stylegan_growth {problem}")
        _require(self.stable_images > 0 and self.fade_images > 0,
                 f"train.stylegan_growth stable_images and fade_images must be positive, got "
                 f"{self.stable_images} and {self.fade_images}")
        return self

    def resolution_log2(self, images: int, final_log2: int) -> int:
        """The resolution G draws at after `images` images: the one training or fading in."""
        phase, into = divmod(images, self.stable_images + self.fade_images)
        return min(self.start_log2 + phase + (into >= self.stable_images), final_log2)

    def fade_start(self, res_log2: int) -> int:
        """The image count at which resolution 2**res_log2 starts to fade in."""
        return (res_log2 - self.start_log2 - 1) * (self.stable_images + self.fade_images) + self.stable_images

    def grown_by(self, final_log2: int) -> int:
        """The images after which G and D train at the full resolution alone."""
        return self.fade_start(final_log2) + self.fade_images


def start_resolution_problem(start_resolution: int, hr_size: int) -> str | None:
    """Why growing cannot start at `start_resolution` towards `hr_size`, or None."""
    if (not isinstance(start_resolution, int) or start_resolution < MIN_START_RESOLUTION
            or start_resolution & (start_resolution - 1) or start_resolution >= hr_size):
        return (f"start_resolution must be a power of two from {MIN_START_RESOLUTION} up to below the training "
                f"resolution {hr_size}, got {start_resolution}")
    return None


# The D of the encoder and fusion stages' LR consistency terms (`TrainConfig.lr_consistency_operator`).
LR_CONSISTENCY_OPERATORS = ("clean", "authors")


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Per-stage budgets (paper section 4.2) and optimiser settings."""

    stylegan: StageBudget
    encoder_hr: StageBudget
    pretrain_lowres: StageBudget
    pretrain_audio: StageBudget
    fusion: StageBudget
    sr_baseline: StageBudget  # the CNN baseline of Table 2
    classifier_epochs: int  # C_i and C_g: epochs over d1 + d2, as the paper's 10
    classifier_batch_size: int
    # The Frechet distance's feature network (a speaker classifier, trained from scratch).
    feature_net: StageBudget = StageBudget(steps=300, batch_size=64, learning_rate=1e-3)
    learning_rate: float = 1e-4
    gan_learning_rate: float = 1e-3  # StyleGAN's G and D rate at 128x128
    lowres_consistency_weight: float = 40.0  # lambda of eq. 2
    fusion_consistency_weight: float = 1.0  # eq. 4 weighs its two terms alike
    # D of eq. 2 and 4, one of LR_CONSISTENCY_OPERATORS: "clean" antialiased bicubic, or "authors",
    # the operator that made the LR inputs (contrast stretch, 8-bit rounding; docs/deviations.md).
    lr_consistency_operator: str = "clean"
    classifier_learning_rate: float = 1e-3  # from scratch: no VGG-Face weights to fine-tune offline
    # C_i's targets put this share evenly over all speakers (C_g's are left sharp).
    identity_label_smoothing: float = 0.0
    seed: int = 0
    # None: the stylegan stage trains at the full resolution from the first step.
    stylegan_growth: GrowthSchedule | None = None

    @classmethod
    def budget_fields(cls) -> tuple:
        """The StageBudget fields, each the budget of the registry entry that names it (the
        classifiers' budget is in epochs: `train.classifiers.classifier_budget`)."""
        return tuple(f.name for f in dataclasses.fields(cls) if f.type in ("StageBudget", StageBudget))

    def validate(self) -> None:
        for name in self.budget_fields():
            getattr(self, name).validate(name)
        _require(self.classifier_epochs > 0, f"train.classifier_epochs must be positive, got {self.classifier_epochs}")
        _require(self.classifier_batch_size > 0, "train.classifier_batch_size must be positive")
        _require(self.classifier_learning_rate > 0, "train.classifier_learning_rate must be positive")
        _require(0.0 <= self.identity_label_smoothing < 1.0,
                 f"train.identity_label_smoothing must be in [0, 1), got {self.identity_label_smoothing}")
        _require(self.learning_rate > 0, f"train.learning_rate must be positive, got {self.learning_rate}")
        _require(self.gan_learning_rate > 0, f"train.gan_learning_rate must be positive, got {self.gan_learning_rate}")
        _require(self.lowres_consistency_weight >= 0, "train.lowres_consistency_weight must be >= 0")
        _require(self.fusion_consistency_weight >= 0, "train.fusion_consistency_weight must be >= 0")
        _require(self.lr_consistency_operator in LR_CONSISTENCY_OPERATORS,
                 f"train.lr_consistency_operator must be one of {', '.join(LR_CONSISTENCY_OPERATORS)}, "
                 f"got {self.lr_consistency_operator!r}")


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """Size of the built-in synthetic data set (docs/design.md, records).

    Each speaker has `videos_d1 + videos_d2 + videos_test` videos; each video gives
    `frames_per_video` (frame, utterance) records. Splits are by video, so d1, d2
    and test hold the same speakers and disjoint videos, as in the paper.
    """

    speakers: int
    videos_d1: int
    videos_d2: int
    videos_test: int
    frames_per_video: int
    records_per_shard: int = 512

    @property
    def videos_per_speaker(self) -> int:
        return self.videos_d1 + self.videos_d2 + self.videos_test

    def validate(self) -> None:
        _require(self.speakers >= 2, f"data.speakers must be at least 2 (both genders), got {self.speakers}")
        for name in ("videos_d1", "videos_d2", "videos_test", "frames_per_video", "records_per_shard"):
            value = getattr(self, name)
            _require(isinstance(value, int) and value >= 1, f"data.{name} must be a positive integer, got {value!r}")


@dataclasses.dataclass(frozen=True)
class Config:
    name: str
    model: ModelConfig
    train: TrainConfig
    data: DataConfig

    def validate(self) -> "Config":
        self.model.validate()
        self.train.validate()
        if self.train.stylegan_growth is not None:
            self.train.stylegan_growth.validate(self.model.hr_size)
        self.data.validate()
        return self


def _paper() -> Config:
    return Config(
        name="paper",
        model=ModelConfig(
            hr_size=128, latent_dim=512, fmap_base=8192, fmap_max=512, mapping_layers=8, mapping_lrmul=0.01,
            eh_filters_base=64, eh_filters_max=1024,
            el_stem_filters=128, el_filters=(128, 384, 1024),
            ea_filters_base=64, ea_filters_max=2048, ea_dense=8192,
            identity_classifier_filters=(64, 512), gender_classifier_filters=(32, 256),
            sr_filters=64, sr_depth=10,  # LapSRN's d = 10 convs of 64 per level
        ),
        train=TrainConfig(
            # 31M images at StyleGAN's batch 32.
            stylegan=StageBudget(steps=968_750, batch_size=32),
            encoder_hr=StageBudget(steps=125_000, batch_size=256),
            pretrain_lowres=StageBudget(steps=45_000, batch_size=256),
            pretrain_audio=StageBudget(steps=95_000, batch_size=128),
            # The paper gives 115K iterations and no batch size for the fusion; 128 as for E_a.
            fusion=StageBudget(steps=115_000, batch_size=128),
            # LapSRN's own schedule is not in the paper; a budget of the encoders' order.
            sr_baseline=StageBudget(steps=100_000, batch_size=64),
            classifier_epochs=10, classifier_batch_size=64,
            feature_net=StageBudget(steps=2000, batch_size=64, learning_rate=1e-3),
        ),
        data=DataConfig(speakers=1000, videos_d1=2, videos_d2=2, videos_test=2, frames_per_video=4),
    )


def _quickstart() -> Config:
    return Config(
        name="quickstart",
        model=ModelConfig(
            hr_size=64, latent_dim=128, fmap_base=512, fmap_max=64, mapping_layers=4, mapping_lrmul=0.01,
            eh_filters_base=16, eh_filters_max=128,
            el_stem_filters=32, el_filters=(32, 64, 128),
            ea_filters_base=8, ea_filters_max=128, ea_dense=512,
            identity_classifier_filters=(32, 256), gender_classifier_filters=(16, 64),
            sr_filters=32, sr_depth=2,
        ),
        train=TrainConfig(
            # 10,000 steps: the step count at which G's noise-off samples have eyes, mouths and beards
            # (docs/generator_experiments.md); grown from 8x8, for about 80% of the fixed schedule's FLOPs.
            stylegan=StageBudget(steps=10_000, batch_size=16),
            # Budgets ~150x shorter than the paper's: 5e-4 gave E_h 19.8 dB test PSNR in 750
            # steps against 18.7 dB at the paper's 1e-4. E_a keeps 1e-4: at 5e-4 it collapsed
            # to one constant code; at 1e-4 it separates the genders (below).
            encoder_hr=StageBudget(steps=750, batch_size=32, learning_rate=5e-4),
            pretrain_lowres=StageBudget(steps=500, batch_size=32, learning_rate=5e-4),
            # On the 10,000-step G, E_a's codes separate the genders after 900 to 1,000 steps (0.96 on the
            # gender axis); the stage exports its best step by held-out latent L1, so overfitting late costs nothing.
            pretrain_audio=StageBudget(steps=1200, batch_size=32),
            fusion=StageBudget(steps=200, batch_size=32),
            sr_baseline=StageBudget(steps=400, batch_size=32, learning_rate=1e-3),
            # From scratch, C_i needs more passes than the paper's 10 fine-tuning epochs: on held-out
            # videos 0.72 after 15 epochs, 0.91 to 0.94 after 40 (docs/evaluation.md, what limits C_i);
            # label smoothing 0.1 added 1.5 and 3.9 points there (seeds 0 and 1, the same draws each).
            classifier_epochs=40, classifier_batch_size=64, classifier_learning_rate=2e-3,
            identity_label_smoothing=0.1,
            gan_learning_rate=2e-3,  # StyleGAN2's rate: a short budget needs the faster start
            # 8x8 to 64x64 over the first 60,000 of 160,000 images: the same samples at step 10,000 as
            # the fixed schedule for about 80% of its FLOPs (docs/generator_experiments.md).
            stylegan_growth=GrowthSchedule(start_resolution=8, stable_images=10_000, fade_images=10_000),
        ),
        data=DataConfig(speakers=300, videos_d1=2, videos_d2=2, videos_test=1, frames_per_video=3),
    )


def _smoke() -> Config:
    return Config(
        name="smoke",
        model=ModelConfig(
            hr_size=32, latent_dim=16, fmap_base=64, fmap_max=16, mapping_layers=2, mapping_lrmul=0.01,
            eh_filters_base=4, eh_filters_max=16,
            el_stem_filters=4, el_filters=(4, 8, 16),
            ea_filters_base=2, ea_filters_max=16, ea_dense=32,
            identity_classifier_filters=(4, 16), gender_classifier_filters=(4, 8),
            sr_filters=4, sr_depth=1,
        ),
        train=TrainConfig(
            stylegan=StageBudget(steps=2, batch_size=4),
            encoder_hr=StageBudget(steps=2, batch_size=4),
            pretrain_lowres=StageBudget(steps=2, batch_size=4),
            pretrain_audio=StageBudget(steps=2, batch_size=4),
            fusion=StageBudget(steps=2, batch_size=4),
            sr_baseline=StageBudget(steps=2, batch_size=4),
            classifier_epochs=1, classifier_batch_size=4,
            feature_net=StageBudget(steps=2, batch_size=4, learning_rate=1e-3),
        ),
        data=DataConfig(speakers=6, videos_d1=1, videos_d2=1, videos_test=1, frames_per_video=2, records_per_shard=8),
    )


_PRESETS = {"paper": _paper, "quickstart": _quickstart, "smoke": _smoke}
PRESET_NAMES = tuple(_PRESETS)


def get_preset(name: str) -> Config:
    """Returns the validated preset `name` (one of PRESET_NAMES)."""
    if name not in _PRESETS:
        raise ConfigError(f"unknown preset {name!r}; choose one of {', '.join(PRESET_NAMES)}")
    return _PRESETS[name]().validate()
