"""Latent attributes of synthetic speakers and videos (docs/design.md section 4).

Shared by face and voice, as in real people:
  gender  strong in the voice (f0, formant spacing), partly visible in the face
          (stubble, brows, lashes, jaw: fine detail that a 16x downsampling removes)
  age     voice jitter and f0 drift; grey hair and lines in the face
  build   vocal-tract length (formant scale); face and neck width
Face only (identity): skin, hair colour and style, eyes, nose, mouth, glasses, beard.
Per video (nuisance): pose, lighting, background, clothing, audio noise and gain.
"""
from __future__ import annotations

import dataclasses

import numpy as np

FEMALE, MALE = 0, 1

# Natural hair colours (sRGB 0..1) and eye colours; picked per speaker.
HAIR_COLOURS = np.array([
    [0.08, 0.06, 0.05], [0.20, 0.13, 0.08], [0.35, 0.22, 0.12], [0.55, 0.35, 0.18],
    [0.75, 0.60, 0.35], [0.50, 0.20, 0.10], [0.12, 0.10, 0.10],
])
EYE_COLOURS = np.array([
    [0.30, 0.18, 0.08], [0.15, 0.10, 0.06], [0.25, 0.45, 0.70], [0.30, 0.50, 0.30], [0.45, 0.47, 0.50],
])
GLASSES_COLOURS = np.array([[0.05, 0.05, 0.05], [0.35, 0.20, 0.10], [0.70, 0.70, 0.72]])


@dataclasses.dataclass(frozen=True)
class Speaker:
    index: int
    gender: int
    age: float  # 0 (about 20 years) .. 1 (about 75 years)
    build: float  # standard normal, larger is bigger
    # Voice.
    f0_hz: float
    vtl_cm: float  # vocal-tract length; formants scale with 1 / vtl
    jitter: float  # relative period-to-period f0 perturbation
    breathiness: float
    speaking_rate: float  # syllables per second
    formant_offsets: tuple  # per-speaker idiosyncrasy of F1..F4, relative
    # Face.
    skin: tuple
    hair_colour: tuple
    hair_long: bool
    hairline: float
    hair_volume: float
    parting: float
    eye_colour: tuple
    eye_spacing: float
    eye_size: float
    brow_height: float
    nose_length: float
    nose_width: float
    mouth_width: float
    lip_thickness: float
    glasses: int  # -1 none, else index into GLASSES_COLOURS
    beard: str  # "none" (women), "stubble", "moustache" (with stubble), "full"
    earrings: bool
    makeup: float  # 0 none .. 1 strong lipstick and eye shadow
    freckles: bool
    fringe: bool
    bald: bool
    mole: tuple  # (x, y) on the face, or () for none
    face_width: float
    face_height: float

    @property
    def name(self) -> str:
        return f"syn{self.index:05d}"


@dataclasses.dataclass(frozen=True)
class Video:
    yaw: float  # -1 (left profile) .. 1
    roll: float  # radians
    scale: float
    shift: tuple  # (dx, dy) in face-normalised units
    light: float  # left-right lighting gradient
    brightness: float
    white_balance: tuple
    background: tuple
    background_gradient: tuple
    clothing: tuple
    snr_db: float
    gain: float
    f0_factor: float  # day-to-day voice variation


def _skin_tone(rng: np.random.Generator) -> tuple:
    melanin = rng.uniform(0.0, 1.0)
    light = np.array([0.93, 0.76, 0.64])
    dark = np.array([0.36, 0.22, 0.14])
    tone = light + (dark - light) * melanin + rng.normal(0.0, 0.025, 3)
    return tuple(np.clip(tone, 0.05, 1.0))


def sample_speaker(index: int, gender: int, rng: np.random.Generator) -> Speaker:
    male = gender == MALE
    age = float(rng.beta(1.6, 1.8))
    # Builds overlap a lot between genders, so face width says little about gender.
    build = float(rng.normal(0.25 if male else -0.25, 1.0))
    f0_median = 118.0 if male else 205.0
    age_drift = (0.10 if male else -0.14) * age
    f0 = float(f0_median * np.exp(rng.normal(0.0, 0.11) + age_drift))
    vtl = float((16.9 if male else 14.6) + 0.45 * build + rng.normal(0.0, 0.35))
    hair = HAIR_COLOURS[rng.integers(len(HAIR_COLOURS))] * rng.uniform(0.85, 1.15)
    grey = float(np.clip((age - 0.45) * 1.8 + rng.normal(0.0, 0.15), 0.0, 1.0))
    hair = hair * (1.0 - grey) + np.array([0.72, 0.72, 0.72]) * grey
    if male:
        beard = str(rng.choice(["stubble", "moustache", "full"], p=[0.65, 0.15, 0.20]))
    else:
        beard = "none"
    mole = (float(rng.uniform(-0.3, 0.3)), float(rng.uniform(-0.1, 0.35))) if rng.random() < 0.35 else ()
    return Speaker(
        index=index,
        gender=gender,
        age=age,
        build=build,
        f0_hz=f0,
        vtl_cm=vtl,
        jitter=float(0.004 + 0.02 * age ** 2 + abs(rng.normal(0.0, 0.002))),
        breathiness=float(np.clip(rng.normal(0.10 if male else 0.18, 0.05), 0.02, 0.4)),
        speaking_rate=float(rng.uniform(3.5, 5.5)),
        formant_offsets=tuple(rng.normal(0.0, 0.05, 4)),
        skin=_skin_tone(rng),
        hair_colour=tuple(np.clip(hair, 0.0, 1.0)),
        hair_long=bool(rng.random() < (0.45 if not male else 0.25)),
        hairline=float(rng.uniform(-0.52, -0.38) + (0.08 * age if male else 0.0)),
        hair_volume=float(rng.uniform(0.04, 0.14)),
        parting=float(rng.uniform(-0.3, 0.3)),
        eye_colour=tuple(EYE_COLOURS[rng.integers(len(EYE_COLOURS))]),
        eye_spacing=float(rng.uniform(0.18, 0.25)),
        eye_size=float(rng.uniform(0.055, 0.075)),
        brow_height=float(rng.uniform(0.09, 0.14)),
        nose_length=float(rng.uniform(0.16, 0.26)),
        nose_width=float(rng.uniform(0.06, 0.10)),
        mouth_width=float(rng.uniform(0.13, 0.21)),
        lip_thickness=float(rng.uniform(0.025, 0.045) * (1.15 if not male else 1.0)),
        glasses=int(rng.integers(len(GLASSES_COLOURS))) if rng.random() < 0.25 else -1,
        beard=beard,
        earrings=bool(not male and rng.random() < 0.7),
        makeup=float(rng.uniform(0.3, 1.0)) if not male and rng.random() < 0.7 else 0.0,
        freckles=bool(rng.random() < 0.15),
        fringe=bool(rng.random() < 0.3),
        bald=bool(male and rng.random() < 0.25 * age),
        mole=mole,
        face_width=float(0.50 * (1.0 + 0.05 * build + rng.normal(0.0, 0.02))),
        face_height=float(rng.uniform(0.6, 0.7)),
    )


def sample_video(rng: np.random.Generator) -> Video:
    background = rng.uniform(0.1, 0.9, 3)
    return Video(
        yaw=float(rng.uniform(-0.8, 0.8)),
        roll=float(rng.normal(0.0, 0.08)),
        scale=float(rng.uniform(0.92, 1.08)),
        shift=tuple(rng.normal(0.0, 0.04, 2)),
        light=float(rng.uniform(-0.35, 0.35)),
        brightness=float(rng.uniform(0.88, 1.1)),
        white_balance=tuple(1.0 + rng.normal(0.0, 0.03, 3)),
        background=tuple(background),
        background_gradient=tuple(rng.normal(0.0, 0.12, 3)),
        clothing=tuple(rng.uniform(0.05, 0.9, 3)),
        snr_db=float(rng.uniform(8.0, 30.0)),
        gain=float(rng.uniform(0.3, 0.8)),
        f0_factor=float(np.exp(rng.normal(0.0, 0.03))),
    )


def balanced_genders(count: int, rng: np.random.Generator) -> np.ndarray:
    """Half female, half male (the extra one, if odd, random), in random order."""
    genders = np.arange(count) % 2
    if count % 2:
        genders[-1] = rng.integers(2)
    return rng.permutation(genders)
