"""A small VoxCeleb2-shaped tree for tests and benchmarks: real mp4 / m4a / wav files, made with
the same ffmpeg, in the released layout (PART/mp4/idNNNNN/VIDEO_ID/NNNNN.mp4 and
PART/{aac,wav}/...). Frames are flat colours (optionally with a moving texture) with bars at the sides
(the square centre crop removes them); voices are sines at a speaker's pitch, 110 Hz (m) or 210 Hz (f)
plus the video index.
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
import tempfile

import numpy as np

from ears_tf.data.voxceleb import media

RATE = 16_000
BAR = 8  # pixels of white (left) and black (right) at the frame's sides


@dataclasses.dataclass(frozen=True)
class SampleSpeaker:
    speaker: str  # idNNNNN
    gender: str  # "f" or "m", as the meta CSV writes it
    videos: int
    clips_per_video: int
    audio_home: str  # "aac", "wav" or "mp4" (the video's own track)


def _ffmpeg(*arguments, stdin: bytes | None = None) -> None:
    subprocess.run([media.ffmpeg_binary(), "-nostdin", "-v", "error", "-y", *arguments], input=stdin, check=True)


def pitch(gender: str, video: int) -> float:
    return (210.0 if gender == "f" else 110.0) + video


TEXTURE_BLOCK = 8  # pixels per cell of the moving texture


def _frames(seed: int, count: int, width: int, height: int, texture: bool) -> bytes:
    rng = np.random.default_rng(seed)
    colour = rng.integers(40, 220, 3)
    frames = np.tile(colour, (count, height, width, 1)).astype(np.float32)
    if texture:  # moving blocky noise: bitstreams closer to real video than flat colour
        cells = rng.normal(0, 25, (count, height // TEXTURE_BLOCK + 1, width // TEXTURE_BLOCK + 1, 1))
        noise = np.repeat(np.repeat(cells, TEXTURE_BLOCK, axis=1), TEXTURE_BLOCK, axis=2)[:, :height, :width]
        frames = frames + noise
    frames = np.clip(frames, 0, 255).astype(np.uint8)
    frames[:, :, :BAR] = 255
    frames[:, :, -BAR:] = 0
    return frames.tobytes()


def build_tree(root, speakers: list, seconds: float = 2.5, fps: int = 10, width: int = 64, height: int = 48,
               part: str = "dev", texture: bool = False) -> dict:
    """Writes the tree and ROOT/vox2_meta.csv; returns {clip key SPEAKER/VIDEO/NNNNN: voice pitch}."""
    root = os.fspath(root)
    clips = {}
    with tempfile.TemporaryDirectory() as scratch:
        for s, spec in enumerate(speakers):
            for v in range(spec.videos):
                video = f"vid{s:02d}{v:02d}xYz"
                for c in range(spec.clips_per_video):
                    name = f"{c + 1:05d}"
                    folder = os.path.join(root, part, "mp4", spec.speaker, video)
                    os.makedirs(folder, exist_ok=True)
                    f0 = pitch(spec.gender, v)
                    t = np.arange(int(seconds * RATE)) / RATE
                    wav = os.path.join(scratch, "voice.wav")
                    _ffmpeg("-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "-", wav,
                            stdin=(0.3 * np.sin(2 * np.pi * f0 * t) * 32767).astype("<i2").tobytes())
                    video_input = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps),
                                   "-i", "-"]
                    frames = _frames(100 * s + v, int(seconds * fps), width, height, texture)
                    mp4 = os.path.join(folder, f"{name}.mp4")
                    encode = ["-c:v", "libx264", "-pix_fmt", "yuv420p"]
                    if spec.audio_home == "mp4":
                        _ffmpeg(*video_input, "-i", wav, *encode, "-c:a", "aac", "-shortest", mp4, stdin=frames)
                    else:
                        _ffmpeg(*video_input, *encode, mp4, stdin=frames)
                        audio_folder = os.path.join(root, part, spec.audio_home, spec.speaker, video)
                        os.makedirs(audio_folder, exist_ok=True)
                        if spec.audio_home == "aac":
                            _ffmpeg("-i", wav, "-c:a", "aac", os.path.join(audio_folder, f"{name}.m4a"))
                        else:
                            _ffmpeg("-i", wav, os.path.join(audio_folder, f"{name}.wav"))
                    clips[f"{spec.speaker}/{video}/{name}"] = f0
    with open(os.path.join(root, "vox2_meta.csv"), "w", encoding="utf-8") as f:
        # The released file's header and its spaces around values.
        f.write("VoxCeleb2 ID ,VGGFace2 ID ,Gender ,Set \n")
        f.writelines(f"{spec.speaker} ,n{i:06d} ,{spec.gender} ,{part} \n" for i, spec in enumerate(speakers))
    return clips
