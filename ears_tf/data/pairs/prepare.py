"""Records from a folder of pairs, ROOT/images/NAME.* + ROOT/audio/NAME.* (the authors' demo layout).

Every pair is one test record of its own speaker (class index in name order, gender
unknown); d1 and d2 are empty. The image and audio go through the same front ends as
inference (`infer.inputs.load_face`, `infer.inputs.load_waveform`): any image size is resized
to the preset's HR size, any audio becomes the centre 4 s at 16 kHz. A pair that cannot
be read, or whose image is already LR (no HR face to store), is skipped and counted.
"""
from __future__ import annotations

import io
import os

import numpy as np
from PIL import Image

from ears_tf.config import Config
from ears_tf.data import records
from ears_tf.errors import InputError
from ears_tf.workdir.atomic import staged_folder, write_text

SOURCE = "pairs"
INT16_MAX = 32767


def prepare_pairs(root, output, config: Config):
    """Writes the records folder `output` from `root`; returns (Manifest, [(path, why skipped)])."""
    from ears_tf.infer.inputs import load_face, load_waveform, pair_by_stem

    root, output = os.fspath(root), os.fspath(output)
    if os.path.exists(output) and (not os.path.isdir(output) or os.listdir(output)):
        raise InputError(output, "output exists and is not an empty folder; choose a new one or remove it")
    pairs, skipped = pair_by_stem(os.path.join(root, "images"), os.path.join(root, "audio"))
    prepared = []
    for stem, image_path, audio_path in pairs:
        try:
            face = load_face(image_path, config.model)
            waveform = load_waveform(audio_path, config.model)
        except InputError as error:
            skipped.append((error.path, error.problem))
            continue
        if face.hr is None:
            skipped.append((image_path, "already LR; a record stores the HR face"))
            continue
        prepared.append((stem, face.hr, waveform))
    if not prepared:
        raise InputError(root, f"no usable pair of images/NAME and audio/NAME ({len(skipped)} files skipped)")

    with staged_folder(output) as staging:
        writers = {split: records.ShardWriter(staging, split, config.data.records_per_shard) for split in records.SPLITS}
        for index, (stem, hr, waveform) in enumerate(prepared):
            buffer = io.BytesIO()
            Image.fromarray(np.clip(np.round((hr + 1.0) * 127.5), 0, 255).astype(np.uint8)).save(buffer, format="PNG")
            pcm = np.clip(np.round(waveform * INT16_MAX), -INT16_MAX - 1, INT16_MAX).astype(np.int16)
            writers["test"].write(records.Record(image_png=buffer.getvalue(), audio=pcm, speaker=index,
                                                 gender=records.GENDER_UNKNOWN, video=stem))
        audio = config.model.audio
        manifest = records.Manifest(
            source=SOURCE, preset=config.name, seed=0, image_size=config.model.hr_size,
            sample_rate=audio.sample_rate, num_samples=audio.num_samples, audio_encoding="pcm16",
            speakers=[{"index": i, "name": stem, "gender": records.GENDER_UNKNOWN} for i, (stem, _, _) in enumerate(prepared)],
            splits={split: writer.close() for split, writer in writers.items()},
            preparation={"root": os.path.abspath(root), "pairs": len(prepared), "skipped": len(skipped),
                         "skipped_files": [{"path": p, "why": why} for p, why in skipped]},
        )
        write_text(os.path.join(staging, records.MANIFEST), manifest.to_json())
    return manifest, skipped
