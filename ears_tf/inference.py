"""Super-resolving faces with a trained workdir: loading, input preparation, batching, figures.

`python -m ears_tf.infer` is a thin CLI over this module; the exporters use
`load_super_resolver` so inference and export run the same graph.
"""
from __future__ import annotations

import dataclasses
import os
import weakref

import numpy as np
import tensorflow as tf

from ears_tf import variants
from ears_tf.config import ModelConfig
from ears_tf.data import audio as audio_lib
from ears_tf.data import image as image_lib
from ears_tf.errors import InputError, reason
from ears_tf.workdir import layout
from ears_tf.workdir.atomic import staged_folder
from ears_tf.visualize import image_grid, nearest_upsample, save_png

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3")


def load_super_resolver(workdir, variant: str):
    """The `SuperResolver` of `variant` with the weights the workdir's stages trained (the fused
    variants with the E_a fine-tuned or kept with their F; audio_only with the pretrained E_a)."""
    from ears_tf.models import SuperResolver

    parts = layout.variant_artefacts(variants.get_variant(variant))
    layout.require(workdir, *parts.values())  # before loading anything
    generator = layout.load(workdir, parts["generator"])
    model = SuperResolver(generator.model_config, variant=variant)
    model.build()
    for part, artefact in parts.items():
        trained = generator if part == "generator" else layout.load(workdir, artefact)
        getattr(model, part).set_weights(trained.get_weights())
    return model


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
    lr = image_lib.downsample_16x(hr, mode="authors")
    return Face(lr=lr.numpy(), hr=image_lib.to_unit_range(hr).numpy())


def load_waveform(path, model_config: ModelConfig) -> np.ndarray:
    """An audio file -> float32 [num_samples] at 16 kHz: the centre 4 s, loop-padded if shorter."""
    return audio_lib.load_audio(path, model_config.audio, mode="centre").numpy()


_COMPILED = weakref.WeakKeyDictionary()  # model -> its traced forward pass, traced once per model


def super_resolve(model, lr_images: np.ndarray, waveforms: np.ndarray, batch_size: int = 16) -> np.ndarray:
    """[N, r, r, 3] + [N, num_samples] -> [N, HR, HR, 3] in [-1, 1], batch by batch."""
    if model not in _COMPILED:
        ref = weakref.ref(model)  # a strong reference in the value would keep every model alive
        _COMPILED[model] = tf.function(lambda lr, waveform: ref()(lr, waveform), reduce_retracing=True)
    run = _COMPILED[model]
    outputs = [run(lr_images[i:i + batch_size], waveforms[i:i + batch_size]) for i in range(0, len(lr_images), batch_size)]
    return np.concatenate([np.asarray(o) for o in outputs])


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


def strip(face: Face, low_res_only: np.ndarray, fused: np.ndarray) -> np.ndarray:
    """The authors' strip as one uint8 image: HR (if given) | LR (nearest) | E_l only | fused."""
    size = fused.shape[0]
    panels = ([face.hr] if face.hr is not None else []) + [nearest_upsample(face.lr, size), low_res_only, fused]
    return image_grid(np.stack(panels), len(panels))


def run_single(workdir, variant: str, image_path, audio_path, output, with_strip: bool) -> None:
    model = load_super_resolver(workdir, variant)
    cfg = model.model_config
    face, waveform = load_face(image_path, cfg), load_waveform(audio_path, cfg)
    result = super_resolve(model, face.lr[None], waveform[None])[0]
    if with_strip:
        low_res_only = super_resolve(load_super_resolver(workdir, "lowres_only"), face.lr[None], waveform[None])[0]
        picture = strip(face, low_res_only, result)
    else:
        picture = image_grid(result[None], 1)
    save_png(output, picture)
    print(f"wrote {output}")


def run_mix(workdir, variant: str, image_paths: list, audio_paths: list, output, batch_size: int) -> None:
    """A grid: one row per image, the LR input (nearest) then its result with each audio file."""
    model = load_super_resolver(workdir, variant)
    cfg = model.model_config
    faces = [load_face(path, cfg) for path in image_paths]
    waveforms = np.stack([load_waveform(path, cfg) for path in audio_paths])  # [A, num_samples]
    rows = []
    for face in faces:
        lr = np.repeat(face.lr[None], len(waveforms), axis=0)  # [A, r, r, 3]
        results = super_resolve(model, lr, waveforms, batch_size)
        rows.append(np.concatenate([nearest_upsample(face.lr, cfg.hr_size)[None], results]))
    save_png(output, image_grid(np.concatenate(rows), len(waveforms) + 1))
    print(f"wrote {output}: rows {', '.join(map(str, image_paths))}; columns LR input, then {', '.join(map(str, audio_paths))}")


def run_folder(workdir, variant: str, image_dir, audio_dir, output_dir, batch_size: int, with_strip: bool) -> dict:
    """Super-resolves every images/NAME + audio/NAME pair into output_dir/NAME.png; returns counts."""
    import keras

    pairs, skipped = pair_by_stem(image_dir, audio_dir)
    model = load_super_resolver(workdir, variant)
    low_res_model = load_super_resolver(workdir, "lowres_only") if with_strip else None
    bar = keras.utils.Progbar(len(pairs), unit_name="pair")
    with staged_folder(output_dir) as staging:  # all outputs appear together, or none
        _super_resolve_pairs(pairs, skipped, model, low_res_model, staging, batch_size, with_strip, bar)
        written = len(os.listdir(staging))
        if not written:
            raise InputError(image_dir, f"no image and audio pair could be super-resolved ({len(skipped)} skipped)")
    print(f"wrote {written} images to {output_dir}; skipped {len(skipped)}")
    for path, why in skipped:
        print(f"  skipped {path}: {why}")
    return {"written": written, "skipped": len(skipped)}


def _super_resolve_pairs(pairs, skipped, model, low_res_model, output_dir, batch_size, with_strip, bar) -> None:
    cfg = model.model_config
    for start in range(0, len(pairs), batch_size):
        chunk = []
        for stem, image_path, audio_path in pairs[start:start + batch_size]:
            try:
                chunk.append((stem, load_face(image_path, cfg), load_waveform(audio_path, cfg)))
            except InputError as error:
                skipped.append((error.path, error.problem))
        if chunk:
            lr = np.stack([face.lr for _, face, _ in chunk])
            waveforms = np.stack([waveform for _, _, waveform in chunk])
            results = super_resolve(model, lr, waveforms, batch_size)
            low_res = super_resolve(low_res_model, lr, waveforms, batch_size) if with_strip else None
            for i, (stem, face, _) in enumerate(chunk):
                picture = strip(face, low_res[i], results[i]) if with_strip else image_grid(results[i][None], 1)
                save_png(os.path.join(output_dir, f"{stem}.png"), picture)
        bar.update(min(start + batch_size, len(pairs)))
