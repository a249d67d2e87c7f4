"""Clickable examples for the demo: a few test-split pairs of the synthetic data a workdir was trained on.

Written from the records into a folder at start (nothing is shipped): a face PNG and a
voice WAV per example, alternating genders so the voice's effect shows. The data folder
is the `--data` the workdir's first stage recorded in its config.json.
"""
from __future__ import annotations

import os

import numpy as np

from ears_tf.data import records
from ears_tf.errors import InputError
from ears_tf.workdir import run_config

EXAMPLE_SPLIT = "test"


def data_folder(workdir) -> str | None:
    """The records folder the workdir was trained on, from config.json's arguments; None if unknown."""
    config = run_config.read(workdir)
    for argument in (config or {}).get("arguments", []):
        if argument.startswith("--data="):
            return argument.split("=", 1)[1]
    return None


def write_examples(workdir, folder, count: int = 4) -> list[list[str]]:
    """[[face.png, voice.wav, None], ...] for up to `count` test pairs, or [] when the workdir was not
    trained on synthetic data that is still there."""
    import scipy.io.wavfile
    import tensorflow as tf

    data = data_folder(workdir)
    if data is None or not os.path.isfile(os.path.join(data, records.MANIFEST)):
        return []
    try:
        manifest = records.Manifest.load(data)
        shards = manifest.check_shards(data, EXAMPLE_SPLIT)
    except InputError:
        return []
    if manifest.source != "synthetic":
        return []
    spec = records.feature_spec(manifest.audio_encoding, manifest.num_samples)
    by_gender: dict[int, list] = {}
    seen_speakers = set()
    for serialized in tf.data.TFRecordDataset(shards).take(64):
        example = tf.io.parse_single_example(serialized, spec)
        speaker = int(example["speaker"])
        if speaker in seen_speakers:
            continue
        seen_speakers.add(speaker)
        by_gender.setdefault(int(example["gender"]), []).append(example)
    # Each example is a face, its own voice and, as the second voice for the mixing strip, a
    # voice of the other gender: where the voice's effect shows most.
    genders = sorted(by_gender)
    os.makedirs(folder, exist_ok=True)
    written = {}

    def files(example):
        key = int(example["speaker"])
        if key not in written:
            stem = os.path.join(folder, f"test_speaker{key}")
            with open(stem + ".png", "wb") as stream:
                stream.write(example["image"].numpy())
            waveform = records.decode_audio(example["audio"], manifest.audio_encoding).numpy()
            scipy.io.wavfile.write(stem + ".wav", manifest.sample_rate,
                                   (np.clip(waveform, -1.0, 1.0) * 32767).astype(np.int16))
            written[key] = (stem + ".png", stem + ".wav")
        return written[key]

    out = []
    for index in range(count):
        gender = genders[index % len(genders)]
        pool = by_gender[gender]
        if index // len(genders) >= len(pool):
            break
        example = pool[index // len(genders)]
        face, voice = files(example)
        others = [e for g in genders if g != gender for e in by_gender[g]]
        out.append([face, voice, files(others[0])[1] if others else None])
    return out
