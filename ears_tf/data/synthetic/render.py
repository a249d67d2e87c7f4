"""One unit of generation work: every record of one video. Numpy and Pillow only, so
worker processes start without TensorFlow."""
from __future__ import annotations

import dataclasses
import io

import numpy as np
from PIL import Image

from ears_tf.data.synthetic.faces import render_face
from ears_tf.data.synthetic.people import Speaker, sample_video
from ears_tf.data.synthetic.voices import synthesize_utterance

ATTRIBUTES = ("age", "build", "f0_hz", "vtl_cm", "yaw", "snr_db")


@dataclasses.dataclass(frozen=True)
class VideoJob:
    speaker: Speaker
    video_index: int
    split: str
    seed: int
    image_size: int
    frames: int
    sample_rate: int
    num_samples: int

    @property
    def video_id(self) -> str:
        return f"{self.speaker.name}_v{self.video_index:02d}"


@dataclasses.dataclass(frozen=True)
class RenderedFrame:
    image: np.ndarray  # uint8 [S, S, 3]
    image_png: bytes
    audio: np.ndarray  # int16 [num_samples]
    attributes: dict


def encode_png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def render_video(job: VideoJob) -> list[RenderedFrame]:
    """Deterministic in (seed, speaker, video, frame), whichever process runs it."""
    speaker = job.speaker
    video = sample_video(np.random.default_rng([job.seed, speaker.index, job.video_index]))
    out = []
    for frame in range(job.frames):
        face_rng = np.random.default_rng([job.seed, speaker.index, job.video_index, frame, 0])
        voice_rng = np.random.default_rng([job.seed, speaker.index, job.video_index, frame, 1])
        image = render_face(speaker, video, face_rng, job.image_size)
        audio = synthesize_utterance(speaker, video, voice_rng, job.sample_rate, job.num_samples)
        pcm = np.round(audio * 32767.0).astype(np.int16)
        attributes = {
            "age": speaker.age, "build": speaker.build, "f0_hz": speaker.f0_hz,
            "vtl_cm": speaker.vtl_cm, "yaw": video.yaw, "snr_db": video.snr_db,
        }
        out.append(RenderedFrame(image=image, image_png=encode_png(image), audio=pcm, attributes=attributes))
    return out
