"""Frames and 16 kHz mono audio out of video and audio files, through an ffmpeg binary.

The binary is imageio-ffmpeg's (a PyPI package that ships one) or else the system's
`ffmpeg`; nothing is downloaded. Decoding failures raise `MediaError` with ffmpeg's
own last line, so a corrupt file is reported, never a crash.
"""
from __future__ import annotations

import functools
import shutil
import subprocess

import numpy as np

RGB_CHANNELS = 3


class MediaError(Exception):
    """A media file could not be decoded (the message says why)."""


@functools.lru_cache(maxsize=None)
def ffmpeg_binary() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        pass
    path = shutil.which("ffmpeg")
    if path is None:
        raise MediaError("no ffmpeg binary: pip install imageio-ffmpeg, or install the system's ffmpeg")
    return path


def _run(arguments: list, timeout: float) -> bytes:
    command = [ffmpeg_binary(), "-nostdin", "-v", "error", *arguments]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise MediaError(f"ffmpeg took over {timeout:.0f} s") from None
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MediaError(f"ffmpeg failed: {lines[-1] if lines else f'exit status {result.returncode}'}")
    return result.stdout


def read_frames(path, fps: float, size: int, timeout: float = 300.0) -> tuple[np.ndarray, np.ndarray]:
    """Frames sampled at `fps`, centre-cropped square and resized to `size` (area filter).

    Returns (uint8 [N, size, size, 3], the frames' times in seconds [N]). VoxCeleb2's face
    tracks are already centred on the face, so the square centre crop keeps it.
    """
    video_filter = f"fps={fps},crop='min(iw,ih)':'min(iw,ih)',scale={size}:{size}:flags=area"
    raw = _run(["-i", str(path), "-an", "-vf", video_filter, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], timeout)
    frame_bytes = size * size * RGB_CHANNELS
    if len(raw) < frame_bytes:
        raise MediaError("no video frames")
    frames = np.frombuffer(raw[:len(raw) // frame_bytes * frame_bytes], np.uint8).reshape(-1, size, size, RGB_CHANNELS)
    # The fps filter emits frame i for the interval [i / fps, (i + 1) / fps); its audio centres on the middle.
    times = (np.arange(len(frames)) + 0.5) / fps
    return frames, times


def read_audio(path, sample_rate: int, timeout: float = 300.0) -> np.ndarray:
    """The file's audio (any format ffmpeg reads, the audio track of a video too) as int16 mono at `sample_rate`."""
    raw = _run(["-i", str(path), "-vn", "-ac", "1", "-ar", str(sample_rate), "-f", "s16le", "-"], timeout)
    samples = np.frombuffer(raw[:len(raw) // 2 * 2], "<i2")
    if samples.size == 0:
        raise MediaError("no audio samples")
    return samples


def audio_window(samples: np.ndarray, centre: int, length: int) -> np.ndarray:
    """`length` samples centred on sample `centre`, kept inside the signal; a shorter
    signal is loop-padded from its start (as `data.audio.fit_length` does)."""
    if len(samples) < length:
        return np.resize(samples, length)
    start = int(np.clip(centre - length // 2, 0, len(samples) - length))
    return samples[start:start + length]
