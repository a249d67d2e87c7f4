"""Audio front end: decode any wav/flac/ogg/mp3 file, down-mix, resample, fit to 4 s.

WAV files (PCM 8/16/24/32-bit, float 32/64-bit) are read by scipy; other formats are
decoded by tensorflow-io; resampling to 16 kHz and fitting to exactly
`num_samples` run as TF ops, so the same code serves file loading (inference),
record decoding (training, evaluation) and tests.
"""
from __future__ import annotations

import os

import numpy as np
import tensorflow as tf

from ears_tf.config import AudioConfig
from ears_tf.errors import InputError, reason

FIT_MODES = ("random", "centre")
_INT16_SCALE = 32768.0


def to_mono_float(samples):
    """[N] or [N, C] samples of any dtype -> float32 [N] in about [-1, 1]."""
    samples = tf.convert_to_tensor(samples)
    if samples.dtype == tf.int16:
        samples = tf.cast(samples, tf.float32) / _INT16_SCALE
    elif samples.dtype == tf.int32:
        samples = tf.cast(samples, tf.float32) / (_INT16_SCALE * 65536.0)
    elif samples.dtype == tf.uint8:
        samples = (tf.cast(samples, tf.float32) - 128.0) / 128.0
    else:
        samples = tf.cast(samples, tf.float32)
    if samples.shape.rank == 2:
        samples = tf.reduce_mean(samples, axis=1)
    return samples


def fit_length(waveform, num_samples: int, mode: str = "centre", seed=None):
    """Fits a 1-D waveform to exactly `num_samples`.

    Longer: a window, random (training) or centred (inference). Shorter: loop-padded,
    i.e. the signal repeated from its start, as the authors' loader did.
    """
    if mode not in FIT_MODES:
        raise ValueError(f"unknown fit mode {mode!r}; choose one of {', '.join(FIT_MODES)}")
    waveform = tf.convert_to_tensor(waveform, tf.float32)
    length = tf.shape(waveform)[0]
    repeats = (num_samples + length - 1) // tf.maximum(length, 1)
    looped = tf.tile(waveform, [tf.maximum(repeats, 1)])
    # Windows only within the original signal; a loop-padded one starts at its beginning.
    excess = tf.maximum(length - num_samples, 0)
    if mode == "centre":
        start = excess // 2
    elif seed is None:
        start = tf.random.uniform([], 0, excess + 1, dtype=tf.int32)
    else:
        start = tf.random.stateless_uniform([], seed, 0, excess + 1, dtype=tf.int32)
    return tf.ensure_shape(looped[start:start + num_samples], [num_samples])


def resample(waveform, rate_in: int, rate_out: int):
    """Band-limited resampling of a float32 [N] waveform, in graph."""
    if rate_in == rate_out:
        return waveform
    import tensorflow_io as tfio  # its ops load only when needed

    return tfio.audio.resample(waveform[:, tf.newaxis], rate_in=rate_in, rate_out=rate_out)[:, 0]


def _read_wav(path):
    """(rate, samples) of a PCM (8, 16, 24 or 32 bit) or float (32, 64 bit) WAV; None for any
    other WAV (compressed codecs), which tensorflow-io then tries. tensorflow-io misreads
    32-bit integer WAV as float and rejects 64-bit float."""
    import scipy.io.wavfile

    try:
        rate, samples = scipy.io.wavfile.read(path, mmap=False)
    except (ValueError, EOFError, OSError):
        return None
    if samples.dtype == np.float64:
        samples = samples.astype(np.float32)
    return int(rate), tf.convert_to_tensor(samples)


def _read_with_tensorflow_io(path):
    import tensorflow_io as tfio  # its ops load only when needed

    try:
        io_tensor = tfio.audio.AudioIOTensor(path)
        return int(io_tensor.rate.numpy()), io_tensor.to_tensor()
    except (tf.errors.OpError, ValueError, RuntimeError) as error:
        raise InputError(path, f"cannot decode audio ({reason(error)})") from None


def load_audio(path, audio: AudioConfig = AudioConfig(), mode: str = "centre", seed=None):
    """Reads an audio file into float32 [audio.num_samples] at audio.sample_rate.

    Raises InputError naming the file when it is missing, undecodable or empty.
    Silence is valid input.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise InputError(path, "no such audio file")
    if os.path.getsize(path) == 0:
        raise InputError(path, "audio file is empty")
    decoded = _read_wav(path) if path.lower().endswith((".wav", ".wave")) else None
    if decoded is None:
        decoded = _read_with_tensorflow_io(path)
    rate, samples = decoded
    if samples.shape[0] == 0 or rate <= 0:
        raise InputError(path, "audio file holds no samples")
    waveform = resample(to_mono_float(samples), rate, audio.sample_rate)
    return fit_length(waveform, audio.num_samples, mode=mode, seed=seed)
