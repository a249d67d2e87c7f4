"""Procedural face renderer: a speaker, a video and a frame's randomness -> uint8 RGB.

Shapes are painted back to front with soft-edged masks on a 2x supersampled grid
in face-normalised coordinates (the image spans [-1, 1]), so the same face renders
at any resolution. Gender shows only in detail a few pixels wide (stubble, brow
thickness, lashes, earrings, jaw corners), which a 16x downsampling averages away;
pose, lighting, skin, hair and background colours survive it.
"""
from __future__ import annotations

import numpy as np

from ears_tf.data.synthetic.people import GLASSES_COLOURS, MALE, Speaker, Video

SUPERSAMPLE = 2


class _Canvas:
    def __init__(self, size: int):
        self.n = size * SUPERSAMPLE
        axis = (np.arange(self.n, dtype=np.float32) + 0.5) / self.n * 2.0 - 1.0
        self.v, self.u = np.meshgrid(axis, axis, indexing="ij")
        self.pixel = 2.0 / self.n
        self.rgb = np.zeros((self.n, self.n, 3), np.float32)
        self.cover = np.zeros((self.n, self.n), np.float32)  # how much of a pixel is the person
        self.size = size

    def paint(self, alpha, colour) -> None:
        colour = np.asarray(colour, np.float32)
        self.cover = np.maximum(self.cover, alpha)
        alpha = alpha[..., None]
        self.rgb = self.rgb * (1.0 - alpha) + colour * alpha

    def soft(self, distance):
        """Coverage of a shape from its signed distance (negative inside), about one pixel of blur."""
        return np.clip(0.5 - distance / self.pixel, 0.0, 1.0)

    def texture(self, rng, scale_px: float = 1.0, stretch: int = 1):
        """Uniform noise in cells of `scale_px` output pixels (`stretch` times taller), on the canvas."""
        cells = max(int(round(self.size / scale_px)), 1)
        rows = max(cells // stretch, 1)
        noise = rng.random((rows, cells)).astype(np.float32)
        tile = np.ones((int(np.ceil(self.n / rows)), int(np.ceil(self.n / cells))), np.float32)
        return np.kron(noise, tile)[: self.n, : self.n]


def _ellipse(x, y, a, b):
    return (np.sqrt((x / a) ** 2 + (y / b) ** 2) - 1.0) * min(a, b)


def _superellipse(x, y, a, b, power):
    return (((np.abs(x) / a) ** power + (np.abs(y) / b) ** power) ** (1.0 / power) - 1.0) * min(a, b)


def render_face(speaker: Speaker, video: Video, rng: np.random.Generator, size: int) -> np.ndarray:
    """Renders one frame at `size` x `size`; `rng` draws the frame's expression and noise."""
    c = _Canvas(size)
    male = speaker.gender == MALE

    # Per-frame jitter around the video's pose; the mouth moves because they speak.
    yaw = float(np.clip(video.yaw + rng.normal(0.0, 0.05), -0.95, 0.95))
    roll = video.roll + rng.normal(0.0, 0.015)
    shift = np.asarray(video.shift) + rng.normal(0.0, 0.01, 2)
    mouth_open = rng.uniform(0.0, 1.0) ** 1.5
    blink = rng.random() < 0.05

    # Background: colour with a gentle gradient.
    bg = np.asarray(video.background, np.float32)
    grad = np.asarray(video.background_gradient, np.float32)
    c.rgb = bg + grad * c.v[..., None] * 0.5 + grad[::-1] * c.u[..., None] * 0.3

    # Face frame: undo scale, shift and roll.
    cos, sin = np.cos(roll), np.sin(roll)
    du, dv = (c.u - shift[0]) / video.scale, (c.v - 0.04 - shift[1]) / video.scale
    x = cos * du + sin * dv
    y = -sin * du + cos * dv

    fw = speaker.face_width * (1.0 - 0.08 * abs(yaw))  # a turned head looks narrower
    turn = 0.13 * yaw  # features slide towards the side the face turns to
    squeeze = 1.0 - 0.22 * abs(yaw)

    def feature_x(frontal):
        return frontal * squeeze + turn

    skin = np.asarray(speaker.skin, np.float32)
    hair = np.asarray(speaker.hair_colour, np.float32)
    # Facial hair always stands out from the skin, whatever the two colours are.
    facial_hair = hair if abs(float(hair.mean() - skin.mean())) > 0.25 else skin * 0.45
    hair_tex = c.texture(rng, 1.0, stretch=6)  # strands

    # Long hair falls behind the head to the shoulders.
    if speaker.hair_long:
        behind = _superellipse(x - 0.3 * turn, y - 0.12, fw + 0.16, 0.78, 3.0)
        c.paint(c.soft(behind) * (y > -0.3), hair * (0.85 + 0.15 * hair_tex[..., None]))

    # Shoulders and clothing, then the neck.
    shoulders = _ellipse(x, y - 1.22, 0.95 + 0.05 * speaker.build, 0.5)
    c.paint(c.soft(shoulders), video.clothing)
    neck_half = 0.17 * (1.0 + 0.08 * speaker.build)
    neck = np.maximum(np.abs(x - 0.3 * turn) - neck_half, np.abs(y - 0.62) - 0.3)
    c.paint(c.soft(neck), skin * 0.82)

    # Ears (the one on the far side is hidden by the turned head).
    for side in (-1.0, 1.0):
        if side * yaw < 0.45:
            ex = side * (fw + 0.015) + 0.5 * turn
            c.paint(c.soft(_ellipse(x - ex, y - 0.02, 0.055, 0.11)), skin * 0.93)
            if speaker.earrings:
                c.paint(c.soft(_ellipse(x - ex, y - 0.15, 0.02, 0.02)), (0.97, 0.88, 0.45))

    # Head: round above, a squarer jaw for men below.
    fh = speaker.face_height
    upper = _ellipse(x, y, fw, fh)
    lower = _superellipse(x, y, fw, fh, 2.9 if male else 1.85)
    head = np.where(y < 0.0, upper, lower)
    head_mask = c.soft(head)
    c.paint(head_mask, skin)

    # Short hair cap; long hair also frames the face.
    cap_shape = _ellipse(x, y + 0.02, fw + speaker.hair_volume, fh + speaker.hair_volume)
    hairline = speaker.hairline + 0.55 * (x / fw) ** 2 - 0.04 * np.cos(3.0 * (x - speaker.parting))
    if speaker.fringe:
        hairline = np.maximum(hairline, -0.2 - 0.05 * np.cos(4.0 * (x - speaker.parting)))
    if speaker.bald:
        cap_shape = np.maximum(cap_shape, np.abs(x) - fw + 0.06)  # hair only above the ears
    cap = c.soft(np.maximum(cap_shape, y - hairline))
    if speaker.hair_long:
        # Inside the enlarged head outline but outside the face: the strands beside the cheeks.
        sides = c.soft(np.maximum(cap_shape, (fw - 0.06) - np.abs(x - 0.3 * turn))) * (y < 0.35)
        cap = np.maximum(cap, sides)
    c.paint(cap, hair * (0.85 + 0.2 * hair_tex[..., None]))
    parting = c.soft(np.maximum(np.abs(x - speaker.parting) - 0.008, np.abs(y + 0.6) - 0.12)) * cap
    c.paint(parting * 0.5, hair * 0.4)

    # Age lines on forehead and beside the nose: thin, so mostly high-frequency.
    if speaker.age > 0.45:
        strength = min((speaker.age - 0.45) * 1.6, 0.6)
        for k in range(3):
            yk = speaker.hairline + 0.16 + 0.06 * k
            line = np.abs(y - yk - 0.02 * np.sin(6.0 * x)) - 0.005
            c.paint(c.soft(np.maximum(line, np.abs(x - turn) - 0.25)) * strength * head_mask * (1 - cap), skin * 0.6)
        for side in (-1.0, 1.0):
            fold = np.abs((x - feature_x(side * 0.11)) - side * 0.25 * (y - 0.18)) - 0.005
            c.paint(c.soft(np.maximum(fold, np.abs(y - 0.24) - 0.09)) * strength, skin * 0.65)

    if speaker.freckles:
        dots = (c.texture(rng, 1.0) > 0.9) * head_mask * (np.abs(y - 0.1) < 0.07) * (np.abs(x - turn) > 0.08)
        c.paint(dots * 0.35, skin * 0.6)

    if speaker.mole:
        c.paint(c.soft(_ellipse(x - feature_x(speaker.mole[0]), y - speaker.mole[1], 0.015, 0.015)), skin * 0.35)

    # Eyes, brows, lashes.
    eye_y = -0.05
    brow_colour = facial_hair * 0.8 if speaker.age < 0.7 else facial_hair
    for side in (-1.0, 1.0):
        far = side * yaw < 0
        ex = feature_x(side * speaker.eye_spacing)
        rx = speaker.eye_size * (1.0 - 0.35 * abs(yaw) * far)
        ry = speaker.eye_size * 0.55
        ex_local, ey_local = x - ex, y - eye_y
        if blink:
            c.paint(c.soft(np.maximum(np.abs(ey_local) - 0.006, np.abs(ex_local) - rx)), skin * 0.55)
        else:
            c.paint(c.soft(_ellipse(ex_local, ey_local, rx, ry)), (0.93, 0.92, 0.9))
            gaze = 0.3 * turn
            c.paint(c.soft(_ellipse(ex_local - gaze, ey_local, ry * 0.95, ry * 0.95)) * c.soft(_ellipse(ex_local, ey_local, rx, ry)), speaker.eye_colour)
            c.paint(c.soft(_ellipse(ex_local - gaze, ey_local, ry * 0.4, ry * 0.4)), (0.03, 0.03, 0.03))
        if not male:
            # Eyeliner and lashes: a dark upper lid line with a wing; eye shadow above it.
            lid_y = -ry * 0.95 * np.sqrt(np.clip(1 - (ex_local / (rx * 1.15)) ** 2, 0, 1)) - 0.012 * np.clip(side * ex_local / rx, 0, 2)
            if speaker.makeup:
                shadow = _ellipse(ex_local, ey_local + ry * 1.3, rx * 1.05, ry * 0.7)
                c.paint(c.soft(shadow) * 0.6 * speaker.makeup, (0.45, 0.3, 0.5))
            lid = np.abs(ey_local - lid_y) - 0.013
            c.paint(c.soft(np.maximum(lid, np.abs(ex_local) - rx * 1.3)), (0.04, 0.03, 0.03))
        # Brows: thick and straight for men, thin and arched for women.
        half_thick = 0.032 if male else 0.010
        arch = 0.9 if male else 3.2
        by = eye_y - speaker.brow_height + arch * (ex_local / max(rx, 1e-3) * 0.06) ** 2
        brow = np.maximum(np.abs(y - by) - half_thick, np.abs(ex_local) - rx * 1.35)
        c.paint(c.soft(brow), brow_colour)

    # Nose: a shaded side and two nostrils.
    nx = feature_x(0.0)
    nose_bottom = eye_y + speaker.nose_length
    shade_side = 1.0 if yaw > 0 else -1.0
    ridge = np.maximum(np.abs(x - nx - shade_side * speaker.nose_width * 0.6) - 0.012, np.abs(y - (eye_y + nose_bottom) / 2) - speaker.nose_length / 2)
    c.paint(c.soft(ridge) * 0.35, skin * 0.7)
    for side in (-1.0, 1.0):
        c.paint(c.soft(_ellipse(x - nx - side * speaker.nose_width * 0.45, y - nose_bottom, 0.022, 0.012)), skin * 0.45)

    # Beards: textured hair over the skin; stubble is fine speckle.
    mouth_y = nose_bottom + 0.12
    jaw = head_mask * (1.0 - cap)
    if speaker.beard != "none":
        lower_face = jaw * c.soft(-(y - (nose_bottom + 0.06))) * c.soft(np.abs(x - turn) - fw * 0.95)
        if speaker.beard == "full":
            c.paint(lower_face * 0.6, facial_hair)
        speckle = (c.texture(rng, 1.0) > 0.45).astype(np.float32)
        c.paint(lower_face * speckle * 0.75, facial_hair * 0.8)
    if speaker.beard in ("moustache", "full"):
        moustache = np.maximum(np.abs(y - (mouth_y - 0.045)) - 0.018, np.abs(x - nx) - speaker.mouth_width * 0.55)
        c.paint(c.soft(moustache) * (0.7 + 0.3 * c.texture(rng, 1.0)), facial_hair * 0.8)

    # Mouth: lips, and the dark inside when it opens.
    mw = speaker.mouth_width * squeeze
    lip_colour = skin * np.array([0.92, 0.7, 0.68])
    if speaker.makeup:
        lip_colour = lip_colour * (1 - 0.7 * speaker.makeup) + np.array([0.75, 0.12, 0.2]) * 0.7 * speaker.makeup
    opening = 0.004 + 0.035 * mouth_open
    lips = _ellipse(x - nx, y - mouth_y, mw / 2, speaker.lip_thickness + opening)
    c.paint(c.soft(lips), lip_colour)
    c.paint(c.soft(_ellipse(x - nx, y - mouth_y, mw / 2 * 0.85, opening)), (0.18, 0.05, 0.05))

    # Glasses: thin rims, a bridge and the arms.
    if speaker.glasses >= 0:
        colour = GLASSES_COLOURS[speaker.glasses]
        for side in (-1.0, 1.0):
            ex = feature_x(side * speaker.eye_spacing)
            ring = np.abs(_ellipse(x - ex, y - eye_y, speaker.eye_size * 1.7, speaker.eye_size * 1.3)) - 0.007
            c.paint(c.soft(ring), colour)
            arm_x = ex + side * speaker.eye_size * 1.7
            arm = np.maximum(np.abs(y - eye_y + 0.02) - 0.006, np.maximum(side * (arm_x - x), side * (x - side * (fw + 0.01) - 0.5 * turn)))
            c.paint(c.soft(arm), colour)
        bridge = np.maximum(np.abs(y - eye_y + 0.01) - 0.006, np.abs(x - nx) - (speaker.eye_spacing * squeeze - speaker.eye_size * 1.6))
        c.paint(c.soft(bridge), colour)

    # Lighting from one side, exposure and white balance; a little sensor noise.
    lighting = 1.0 + video.light * c.u * c.cover
    c.rgb = c.rgb * lighting[..., None] * video.brightness * np.asarray(video.white_balance, np.float32)
    image = c.rgb.reshape(size, SUPERSAMPLE, size, SUPERSAMPLE, 3).mean(axis=(1, 3))
    image = image + rng.normal(0.0, 0.008, image.shape)
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
