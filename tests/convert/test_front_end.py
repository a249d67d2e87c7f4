"""Our input front end against the authors' test.py on the fixture's pairs: LR exactly, spectrogram to 2e-4."""
import numpy as np

from tests.convert.conftest import require_fixture


def test_authors_lr_mode_gives_their_lr_exactly():
    from PIL import Image

    from ears_tf.data.image import make_lr_image

    fixture = require_fixture()
    reference = np.load(fixture / "reference.npz")
    for index, name in enumerate(reference["image_names"]):
        pixels = np.asarray(Image.open(fixture / "pairs" / "images" / str(name)).convert("RGB"))
        np.testing.assert_array_equal(make_lr_image(pixels, mode="authors").numpy(), reference["lr"][index])


def test_the_spectrogram_matches_theirs():
    from ears_tf.config import AudioConfig
    from ears_tf.data.audio import load_audio
    from ears_tf.layers import LogSpectrogram

    fixture = require_fixture()
    reference = np.load(fixture / "reference.npz")
    waveforms = np.stack([load_audio(fixture / "pairs" / "audio" / str(name), AudioConfig(), mode="centre").numpy()
                          for name in reference["audio_names"]])
    np.testing.assert_array_equal(waveforms, reference["waveform"])
    spectrogram = LogSpectrogram()(waveforms).numpy()
    assert np.max(np.abs(spectrogram - reference["spectrogram"])) < 2e-4
