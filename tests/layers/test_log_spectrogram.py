import numpy as np
import tensorflow as tf

from ears_tf.layers import LogSpectrogram
from tests.test_case import TestCase

SAMPLES = 64_000


def reference(waveform: np.ndarray) -> np.ndarray:
    """The authors' front end on tf.raw_ops.AudioSpectrogram, [B, 257, 257]."""
    power = tf.raw_ops.AudioSpectrogram(
        input=tf.transpose(tf.constant(waveform)), window_size=512, stride=248, magnitude_squared=True
    )  # [B, time, frequency]
    log_power = tf.math.log(power + 1e-6)
    low = tf.reduce_min(log_power, axis=[1, 2], keepdims=True)
    high = tf.reduce_max(log_power, axis=[1, 2], keepdims=True)
    return (2.0 * (log_power - low) / (high - low) - 1.0).numpy()


def speech_like(rng, f0=140.0) -> np.ndarray:
    from ears_tf.data.synthetic import people, voices

    speaker = people.sample_speaker(0, people.MALE, rng)
    video = people.sample_video(rng)
    return voices.synthesize_utterance(speaker, video, rng, 16_000, SAMPLES)


class LogSpectrogramTest(TestCase):
    def test_layer_contract(self):
        x = np.random.default_rng(0).uniform(-0.5, 0.5, (2, SAMPLES)).astype(np.float32)
        self.run_layer_test(
            LogSpectrogram, {"frame_length": 512, "frame_step": 248, "log_offset": 1e-6}, x, (2, 257, 257, 1),
            0, 2,  # constants: the frames' sample indices and the DFT basis
        )

    def test_matches_audio_spectrogram_on_speech_and_noise(self):
        rng = np.random.default_rng(1)
        waves = np.stack([
            speech_like(rng),
            speech_like(rng),
            rng.uniform(-1, 1, SAMPLES),
            0.01 * rng.normal(size=SAMPLES),
        ]).astype(np.float32)
        ours = LogSpectrogram()(waves).numpy()[..., 0]
        theirs = reference(waves)
        self.assertEqual(ours.shape, theirs.shape)
        self.assertLess(float(np.abs(ours - theirs).max()), 1e-3)
        self.assertAllInRange(ours, -1.0, 1.0)

    def test_degenerate_signals_give_finite_output(self):
        impulse = np.zeros(SAMPLES)
        impulse[SAMPLES // 2] = 1.0
        clipped = np.clip(5.0 * np.sin(np.arange(SAMPLES) * 0.05), -1.0, 1.0)
        cases = {
            "silence": np.zeros(SAMPLES),
            "dc": np.full(SAMPLES, 0.7),
            "clipping": clipped,
            "impulse": impulse,
            "full scale": np.ones(SAMPLES),
        }
        out = LogSpectrogram()(np.stack(list(cases.values())).astype(np.float32)).numpy()
        for i, name in enumerate(cases):
            self.assertTrue(np.all(np.isfinite(out[i])), name)
            self.assertAllInRange(out[i], -1.0, 1.0)
        # Silence has no range to normalise: every value maps to -1.
        self.assertAllEqual(out[0], np.full_like(out[0], -1.0))

    def test_runs_inside_a_compiled_function(self):
        layer = LogSpectrogram()
        x = np.random.default_rng(2).normal(size=(3, SAMPLES)).astype(np.float32)
        compiled = tf.function(layer, jit_compile=True)
        self.assertAllClose(compiled(x), layer(x), atol=1e-3)
