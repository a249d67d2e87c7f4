import wave

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_io as tfio

from ears_tf.config import AudioConfig
from ears_tf.data import audio
from ears_tf.errors import InputError

RATE = 22_050


def tone(seconds, rate=RATE, freq=440.0, channels=2):
    t = np.arange(int(seconds * rate)) / rate
    left = 0.5 * np.sin(2 * np.pi * freq * t)
    return np.stack([left, 0.5 * left][:channels], axis=1).astype(np.float32)


def write_wav(path, samples, rate=RATE):
    with wave.open(str(path), "wb") as f:
        f.setnchannels(samples.shape[1])
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes((samples * 32767).astype(np.int16).tobytes())
    return path


def test_wav_is_downmixed_resampled_and_fitted(tmp_path):
    path = write_wav(tmp_path / "a.wav", tone(5.0))
    out = audio.load_audio(path).numpy()
    assert out.shape == (64_000,) and out.dtype == np.float32
    # Down-mix of 0.5 and 0.25 amplitude channels: 0.375 peak.
    assert abs(np.abs(out).max() - 0.375) < 0.01
    # 440 Hz survives resampling: the spectral peak lands on it at 16 kHz.
    spectrum = np.abs(np.fft.rfft(out))
    assert abs(np.argmax(spectrum) * 16_000 / 64_000 - 440.0) < 2.0


@pytest.mark.parametrize("suffix, encode", [("flac", tfio.audio.encode_flac), ("ogg", tfio.audio.encode_vorbis)])
def test_flac_and_ogg_decode(tmp_path, suffix, encode):
    samples = tone(2.0)
    if suffix == "flac":
        samples = (samples * 32767).astype(np.int16)
    path = tmp_path / f"a.{suffix}"
    path.write_bytes(encode(tf.constant(samples), rate=RATE).numpy())
    out = audio.load_audio(path).numpy()
    assert out.shape == (64_000,)
    assert np.abs(out).max() > 0.3


def test_mp3_decodes(tmp_path):
    # tensorflow-io cannot encode mp3 (no lame), so the test writes a tiny valid MPEG-1
    # Layer III file: silent frames, which decoders turn into zeros.
    header = bytes([0xFF, 0xFB, 0x90, 0x64])  # 128 kbps, 44.1 kHz, mono-compatible frame
    frame = header + bytes(417 - len(header))
    path = tmp_path / "silence.mp3"
    path.write_bytes(frame * 40)
    out = audio.load_audio(path).numpy()
    assert out.shape == (64_000,)
    assert np.all(np.isfinite(out))


def test_short_audio_is_loop_padded():
    x = tf.range(10, dtype=tf.float32)
    out = audio.fit_length(x, 25).numpy()
    np.testing.assert_array_equal(out[:20], np.concatenate([np.arange(10), np.arange(10)]))
    assert out.shape == (25,)


def test_long_audio_centre_and_random_windows():
    x = tf.range(100, dtype=tf.float32)
    np.testing.assert_array_equal(audio.fit_length(x, 10, "centre").numpy(), np.arange(45, 55))
    a = audio.fit_length(x, 10, "random", seed=[1, 2]).numpy()
    b = audio.fit_length(x, 10, "random", seed=[1, 2]).numpy()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.diff(a), np.ones(9))


def test_sixteen_khz_input_is_left_alone(tmp_path):
    samples = tone(4.0, rate=16_000, channels=1)
    out = audio.load_audio(write_wav(tmp_path / "b.wav", samples, 16_000)).numpy()
    pcm = (samples[:, 0] * 32767).astype(np.int16)
    np.testing.assert_array_equal(out, pcm / np.float32(32768.0))


def test_silence_is_valid(tmp_path):
    out = audio.load_audio(write_wav(tmp_path / "s.wav", np.zeros((8000, 1), np.float32))).numpy()
    assert out.shape == (64_000,) and not out.any()


@pytest.mark.parametrize(
    "content, problem",
    [(None, "no such audio file"), (b"", "audio file is empty"), (b"RIFF\x00\x00garbage" * 10, "cannot decode audio")],
)
def test_bad_files_name_the_file(tmp_path, content, problem):
    path = tmp_path / "bad.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as error:
        audio.load_audio(path, AudioConfig())
    assert str(path) in str(error.value)


@pytest.mark.parametrize("dtype,scale", [("int16", 2 ** 15), ("int32", 2 ** 31), ("float32", 1.0), ("float64", 1.0),
                                         ("uint8", None), ("int24", 2 ** 23)])
def test_any_pcm_or_float_wav_is_read(tmp_path, dtype, scale):
    import wave

    import scipy.io.wavfile

    from ears_tf.data.audio import load_audio

    signal = 0.5 * np.sin(2 * np.pi * 220 * np.arange(16000) / 16000)
    path = tmp_path / f"{dtype}.wav"
    if dtype == "int24":  # scipy writes no 24-bit files: by hand
        samples = np.round(signal * scale).astype(np.int32)
        with wave.open(str(path), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(3)
            f.setframerate(16000)
            f.writeframes(b"".join(int(v).to_bytes(3, "little", signed=True) for v in samples))
    elif dtype == "uint8":
        scipy.io.wavfile.write(path, 16000, np.round(signal * 127 + 128).astype(np.uint8))
    else:
        scipy.io.wavfile.write(path, 16000, (signal * scale).astype(dtype))
    waveform = load_audio(path).numpy()
    looped = np.tile(signal, 4)[:64000]
    np.testing.assert_allclose(waveform, looped, atol=0.01)
