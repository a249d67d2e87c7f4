import numpy as np

from ears_tf.data.synthetic import people, voices


def f0_estimate(audio, rate=16_000):
    """Median autocorrelation pitch over voiced 40 ms frames."""
    frame = int(0.04 * rate)
    estimates = []
    for start in range(0, len(audio) - frame, frame):
        x = audio[start:start + frame]
        if np.sqrt(np.mean(x ** 2)) < 0.05:
            continue
        ac = np.correlate(x, x, "full")[frame - 1:]
        lo, hi = rate // 400, rate // 60
        lag = lo + np.argmax(ac[lo:hi])
        if ac[lag] > 0.3 * ac[0]:
            estimates.append(rate / lag)
    return np.median(estimates)


def test_utterance_shape_range_and_determinism():
    rng = np.random.default_rng(0)
    speaker, video = people.sample_speaker(0, people.MALE, rng), people.sample_video(rng)
    a = voices.synthesize_utterance(speaker, video, np.random.default_rng(1), 16_000, 64_000)
    b = voices.synthesize_utterance(speaker, video, np.random.default_rng(1), 16_000, 64_000)
    assert a.shape == (64_000,) and a.dtype == np.float32
    assert np.abs(a).max() <= 1.0 and np.sqrt(np.mean(a ** 2)) > 0.01
    np.testing.assert_array_equal(a, b)


def test_measured_pitch_follows_the_speaker():
    rng = np.random.default_rng(3)
    for gender in (people.FEMALE, people.MALE):
        speaker = people.sample_speaker(0, gender, rng)
        video = people.sample_video(rng)
        audio = voices.synthesize_utterance(speaker, video, rng, 16_000, 64_000)
        measured = f0_estimate(audio)
        assert abs(measured / (speaker.f0_hz * video.f0_factor) - 1.0) < 0.2, (gender, measured, speaker.f0_hz)
