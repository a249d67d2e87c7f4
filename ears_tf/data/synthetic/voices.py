"""Speech-like voices by source-filter synthesis.

Source: glottal pulses (Rosenberg shape) at a speaker's f0 with jitter, shimmer,
breathiness and intonation (declination plus pitch accents). Filter: a cascade of
four formant resonances that glide between vowel targets, scaled by the speaker's
vocal-tract length, applied frame by frame in the STFT domain (vectorised, so a
4 s utterance takes milliseconds). Consonants are shaped noise bursts; phrases are
separated by pauses. The video adds background noise at its SNR and its gain.
"""
from __future__ import annotations

import numpy as np

from ears_tf.data.synthetic.people import Speaker, Video

# Formant targets F1..F4 (Hz) for a 17.5 cm vocal tract (Peterson & Barney style).
VOWELS = np.array([
    [270, 2290, 3010, 3500],  # i
    [530, 1840, 2480, 3500],  # e
    [730, 1090, 2440, 3400],  # a
    [570, 840, 2410, 3300],  # o
    [300, 870, 2240, 3300],  # u
    [660, 1720, 2410, 3400],  # ae
    [490, 1350, 1690, 3300],  # er
], np.float64)
BANDWIDTHS = np.array([70.0, 100.0, 130.0, 170.0])
REFERENCE_VTL_CM = 17.5
_FRAME = 512
_HOP = 128


def _segments(speaker: Speaker, rng: np.random.Generator, duration: float):
    """(start, end, kind, vowel) segments: kind 0 pause, 1 consonant, 2 vowel."""
    segments, t = [], float(rng.uniform(0.0, 0.3))
    syllables_left = int(rng.integers(3, 7))
    while t < duration:
        if syllables_left == 0:
            pause = float(rng.uniform(0.12, 0.4))
            segments.append((t, t + pause, 0, 0))
            t += pause
            syllables_left = int(rng.integers(3, 7))
            continue
        syllable = 1.0 / speaker.speaking_rate * rng.uniform(0.7, 1.3)
        if rng.random() < 0.6:
            consonant = syllable * rng.uniform(0.2, 0.35)
            segments.append((t, t + consonant, 1, 0))
            t += consonant
            syllable -= consonant
        segments.append((t, t + syllable, 2, int(rng.integers(len(VOWELS)))))
        t += syllable
        syllables_left -= 1
    return segments


def _smooth(values: np.ndarray, width: int) -> np.ndarray:
    kernel = np.hanning(width + 2)[1:-1]
    kernel /= kernel.sum()
    pad = width // 2
    padded = np.pad(values, [(pad, width - 1 - pad)] + [(0, 0)] * (values.ndim - 1), mode="edge")
    return np.stack([np.convolve(padded[:, i], kernel, mode="valid") for i in range(values.shape[1])], 1)


def _box_smooth(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average in O(N) (twice gives a triangular ramp)."""
    cumulative = np.cumsum(np.pad(values, (width // 2 + 1, width - width // 2 - 1), mode="edge"))
    return (cumulative[width:] - cumulative[:-width]) / width


def _overlap_add(frames: np.ndarray, hop: int) -> np.ndarray:
    """Sums [T, frame] frames placed every `hop` samples (frame a multiple of hop)."""
    count, length = frames.shape
    out = np.zeros((count - 1) * hop + length)
    for k in range(length // hop):
        out[k * hop: k * hop + count * hop] += frames[:, k * hop:(k + 1) * hop].reshape(-1)
    return out


def _glottal_flow(phase_frac: np.ndarray, open_quotient: float) -> np.ndarray:
    """Rosenberg glottal pulse over one period, as a function of the phase in [0, 1)."""
    rise = 0.6 * open_quotient
    flow = np.where(phase_frac < rise, 0.5 * (1.0 - np.cos(np.pi * phase_frac / rise)), 0.0)
    fall = (phase_frac >= rise) & (phase_frac < open_quotient)
    return np.where(fall, np.cos(0.5 * np.pi * (phase_frac - rise) / (open_quotient - rise)), flow)


def _resonance_gain(freqs: np.ndarray, formants: np.ndarray, bandwidths: np.ndarray) -> np.ndarray:
    """|H(f)| of cascaded second-order resonators, unit gain at DC. [T, F] from [T, K] formants."""
    f = freqs[None, :, None]
    fk = formants[:, None, :]
    gain = fk ** 2 / np.sqrt((fk ** 2 - f ** 2) ** 2 + (f * bandwidths) ** 2)
    return np.prod(gain, axis=-1)


def synthesize_utterance(
    speaker: Speaker, video: Video, rng: np.random.Generator, sample_rate: int, num_samples: int
) -> np.ndarray:
    """float32 [num_samples] in [-1, 1]."""
    duration = num_samples / sample_rate
    t = np.arange(num_samples) / sample_rate
    segments = _segments(speaker, rng, duration)

    # Per-sample envelopes of voicing and frication, with 15 ms ramps.
    voiced = np.zeros(num_samples)
    noisy = np.zeros(num_samples)
    vowel_of_sample = np.zeros(num_samples, np.int64)
    for start, end, kind, vowel in segments:
        a, b = int(start * sample_rate), min(int(end * sample_rate), num_samples)
        if b <= a:
            continue
        if kind == 2:
            voiced[a:b] = 1.0
            vowel_of_sample[a:b] = vowel
        elif kind == 1:
            noisy[a:b] = rng.uniform(0.15, 0.5)
            vowel_of_sample[a:b] = vowel_of_sample[a - 1] if a > 0 else 0
        else:
            vowel_of_sample[a:b] = vowel_of_sample[a - 1] if a > 0 else 0
    ramp = int(0.015 * sample_rate)
    voiced = _box_smooth(_box_smooth(voiced, ramp), ramp)
    noisy = _box_smooth(_box_smooth(noisy, ramp), ramp)

    # Intonation: declination over each phrase, pitch accents, the video's day-to-day shift.
    f0 = speaker.f0_hz * video.f0_factor * (1.0 + 0.08 * np.cos(np.pi * t / duration))
    for _ in range(int(rng.integers(2, 6))):
        centre, width, height = rng.uniform(0, duration), rng.uniform(0.1, 0.3), rng.normal(0.0, 0.09)
        f0 *= 1.0 + height * np.exp(-0.5 * ((t - centre) / width) ** 2)
    # Jitter: a fresh random period perturbation about every 5 ms.
    steps = rng.normal(0.0, speaker.jitter, int(duration * 200) + 2)
    f0 *= 1.0 + np.repeat(steps, int(np.ceil(num_samples / (len(steps) - 1))))[:num_samples]
    phase = np.cumsum(f0 / sample_rate)
    cycle = np.floor(phase).astype(np.int64)
    shimmer = 1.0 + rng.normal(0.0, 2.0 * speaker.jitter, cycle[-1] + 2)[cycle]
    flow = _glottal_flow(phase - cycle, open_quotient=rng.uniform(0.55, 0.7)) * shimmer
    source = np.diff(flow, prepend=0.0) * voiced  # lip radiation differentiates the flow
    source += rng.normal(0.0, 1.0, num_samples) * speaker.breathiness * 0.05 * voiced
    frication = rng.normal(0.0, 1.0, num_samples) * noisy * 0.025

    # Frame-wise formant filtering (STFT, Hann window, overlap-add).
    window = np.hanning(_FRAME + 1)[:-1]
    frames = 1 + (num_samples + _FRAME - _HOP) // _HOP
    padded = np.pad(np.stack([source, frication]), [(0, 0), (_FRAME - _HOP, frames * _HOP)])
    idx = np.arange(frames)[:, None] * _HOP + np.arange(_FRAME)[None, :]
    spectra = np.fft.rfft(padded[:, idx] * window, axis=-1)  # [2, T, F]
    freqs = np.fft.rfftfreq(_FRAME, 1.0 / sample_rate)
    centre_sample = np.clip(idx[:, _FRAME // 2] - (_FRAME - _HOP), 0, num_samples - 1)
    scale = REFERENCE_VTL_CM / speaker.vtl_cm * (1.0 + np.asarray(speaker.formant_offsets))
    formants = _smooth(VOWELS[vowel_of_sample[centre_sample]] * scale, width=7)
    formants = np.minimum(formants, 0.45 * sample_rate)
    bandwidths = BANDWIDTHS * (1.0 + 2.0 * speaker.breathiness)
    vocal_tract = _resonance_gain(freqs, formants, bandwidths)
    fricative_centre = 4500.0 * REFERENCE_VTL_CM / speaker.vtl_cm
    fricative = np.exp(-0.5 * ((freqs - fricative_centre) / 1500.0) ** 2)[None, :] * 3.0
    shaped = spectra[0] * vocal_tract + spectra[1] * fricative
    synth = np.fft.irfft(shaped, n=_FRAME, axis=-1) * window
    norm = _overlap_add(np.broadcast_to(window ** 2, synth.shape), _HOP)
    speech = (_overlap_add(synth, _HOP) / np.maximum(norm, 1e-3))[_FRAME - _HOP:][:num_samples]

    # Level, then the video's channel: background noise at its SNR.
    speech = speech / (np.sqrt(np.mean(speech ** 2)) + 1e-9) * 0.1
    noise = rng.normal(0.0, 1.0, num_samples)
    noise = np.convolve(noise, [0.5, 0.5], mode="same")  # slightly pink
    noise *= 0.1 / (np.sqrt(np.mean(noise ** 2)) + 1e-9) * 10.0 ** (-video.snr_db / 20.0)
    audio = (speech + noise) * video.gain * 1.6
    return np.clip(audio, -1.0, 1.0).astype(np.float32)
