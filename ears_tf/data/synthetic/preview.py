"""`preview.png`: a few speakers, each as two faces (different videos) with their 16x LR
inputs and the log-spectrogram of their voice, labelled with the latent attributes."""
from __future__ import annotations

import dataclasses

import numpy as np
from PIL import Image, ImageDraw

from ears_tf.data.synthetic.render import VideoJob, render_video
from ears_tf.workdir.atomic import atomic_path

TILE = 128
LABEL_HEIGHT = 14
# A dark-to-bright colour ramp for spectrograms (black, purple, orange, pale yellow).
_RAMP = np.array([[0, 0, 4], [81, 18, 124], [183, 55, 121], [252, 137, 97], [252, 253, 191]], np.float32)


def colourise(unit: np.ndarray) -> np.ndarray:
    """[H, W] values in [0, 1] -> uint8 RGB through _RAMP."""
    position = np.clip(unit, 0.0, 1.0) * (len(_RAMP) - 1)
    low = np.floor(position).astype(int).clip(0, len(_RAMP) - 2)
    frac = (position - low)[..., None]
    return (_RAMP[low] * (1 - frac) + _RAMP[low + 1] * frac).astype(np.uint8)


def _tile(image: np.ndarray, width: int = TILE) -> Image.Image:
    return Image.fromarray(image).resize((width, TILE), Image.NEAREST)


def write_preview(path, jobs: list[tuple[VideoJob, VideoJob]], hr_size: int) -> None:
    """Each row: face and LR of job a, face and LR of job b, then b's spectrogram."""
    from ears_tf.data.image import make_lr_image, to_uint8
    from ears_tf.layers import LogSpectrogram

    spectrogram = LogSpectrogram()
    width = TILE * 6
    sheet = Image.new("RGB", (width, len(jobs) * (TILE + LABEL_HEIGHT)), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    for row, (job_a, job_b) in enumerate(jobs):
        frame_a = render_video(dataclasses.replace(job_a, frames=1))[0]
        frame_b = render_video(dataclasses.replace(job_b, frames=1))[0]
        y = row * (TILE + LABEL_HEIGHT)
        speaker = job_a.speaker
        label = (
            f"{speaker.name}  {'male' if speaker.gender else 'female'}  age {speaker.age:.2f}  "
            f"build {speaker.build:+.1f}  f0 {speaker.f0_hz:.0f} Hz  vtl {speaker.vtl_cm:.1f} cm  "
            f"| {job_a.split} {job_a.video_id}, {job_b.split} {job_b.video_id}"
        )
        draw.text((2, y + 1), label, fill=(0, 0, 0))
        y += LABEL_HEIGHT
        for column, frame in ((0, frame_a), (2, frame_b)):
            lr = to_uint8(make_lr_image(frame.image, "authors")).numpy()
            sheet.paste(_tile(frame.image), (column * TILE, y))
            sheet.paste(_tile(lr), ((column + 1) * TILE, y))
        spec = np.asarray(spectrogram(frame_b.audio[None].astype(np.float32) / 32768.0))[0, :, :, 0]
        # Time left to right, low frequencies at the bottom.
        sheet.paste(_tile(colourise((spec.T[::-1] + 1.0) / 2.0), 2 * TILE), (4 * TILE, y))
    with atomic_path(path) as temporary:
        sheet.save(temporary, format="PNG")
