"""A user's files as the model's inputs: one preparation for the CLI, the demo and the exports' docs.

Images: any size, resized to the HR size and made LR as the training data was, or exactly
r x r and used as they are. Audio: any format and rate, the centre 4 s at 16 kHz.
"""
from __future__ import annotations

import dataclasses
import os

import numpy as np
import tensorflow as tf

from ears_tf.config import ModelConfig
from ears_tf.data import audio as audio_lib
from ears_tf.data import image as image_lib
from ears_tf.errors import InputError, reason

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3")


@dataclasses.dataclass(frozen=True)
class Face:
    """One input image, prepared: the LR model input and, when the file was HR, the HR face."""

    lr: np.ndarray  # float32 [r, r, 3] in [-1, 1]
    hr: np.ndarray | None  # float32 [HR, HR, 3] in [-1, 1], None for an LR input


def load_face(path, model_config: ModelConfig) -> Face:
    """An image file -> Face. Exactly r x r: used as the LR input. Any other size: resized to
    the HR size, then downsampled 16x in `authors` mode (the training data's LR)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise InputError(path, "no such image file")
    try:
        pixels = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    except (tf.errors.OpError, ValueError) as error:
        raise InputError(path, f"not a readable image ({reason(error)})") from None
    height, width = int(pixels.shape[0]), int(pixels.shape[1])
    if height == 0 or width == 0:
        raise InputError(path, "image has no pixels")
    r, size = model_config.lr_size, model_config.hr_size
    if (height, width) == (r, r):
        return Face(lr=image_lib.to_unit_range(pixels).numpy(), hr=None)
    hr = image_lib.resize_uint8(pixels, size) if (height, width) != (size, size) else pixels
    lr = image_lib.make_lr_image(hr, mode="authors")
    return Face(lr=lr.numpy(), hr=image_lib.to_unit_range(hr).numpy())


def load_waveform(path, model_config: ModelConfig) -> np.ndarray:
    """An audio file -> float32 [num_samples] at 16 kHz: the centre 4 s, loop-padded if shorter."""
    return audio_lib.load_audio(path, model_config.audio, mode="centre").numpy()


def pair_by_stem(image_dir, audio_dir) -> tuple[list, list]:
    """(pairs [(stem, image path, audio path)], skipped [(path, why)]) for images/NAME.* + audio/NAME.*."""
    def listing(folder, extensions, kind):
        folder = os.fspath(folder)
        if not os.path.isdir(folder):
            raise InputError(folder, f"no such {kind} folder")
        found, skipped = {}, []
        article = "an" if kind[0] in "aeiou" else "a"
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            stem, extension = os.path.splitext(name)
            if not os.path.isfile(path) or extension.lower() not in extensions:
                skipped.append((path, f"not {article} {kind} file ({', '.join(extensions)})"))
            elif stem in found:
                skipped.append((path, f"another {kind} file has the stem {stem!r}"))
            else:
                found[stem] = path
        return found, skipped

    images, skipped_images = listing(image_dir, IMAGE_EXTENSIONS, "image")
    audios, skipped_audios = listing(audio_dir, AUDIO_EXTENSIONS, "audio")
    pairs = [(stem, images[stem], audios[stem]) for stem in sorted(images) if stem in audios]
    skipped = skipped_images + skipped_audios
    skipped += [(images[s], "no audio file with this stem") for s in sorted(images) if s not in audios]
    skipped += [(audios[s], "no image file with this stem") for s in sorted(audios) if s not in images]
    return pairs, skipped
