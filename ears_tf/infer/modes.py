"""The CLI's three modes: a single pair (optionally the authors' strip), the mixing grid, a folder."""
from __future__ import annotations

import os

import numpy as np

from ears_tf.errors import InputError
from ears_tf.progress import Progress
from ears_tf.infer.inputs import Face, load_face, load_waveform, pair_by_stem
from ears_tf.infer.model import load_super_resolver, low_res_companion, super_resolve
from ears_tf.refine_options import RefineOptions
from ears_tf.visualize import image_grid, nearest_upsample, save_png
from ears_tf.workdir.atomic import staged_folder


def strip(face: Face, low_res_only: np.ndarray, fused: np.ndarray) -> np.ndarray:
    """The authors' strip as one uint8 image: HR (if given) | LR (nearest) | E_l only | fused."""
    size = fused.shape[0]
    panels = ([face.hr] if face.hr is not None else []) + [nearest_upsample(face.lr, size), low_res_only, fused]
    return image_grid(np.stack(panels), len(panels))


def run_single(workdir, variant: str, image_path, audio_path, output, with_strip: bool,
               refine: RefineOptions = RefineOptions()) -> None:
    model = load_super_resolver(workdir, variant)
    cfg = model.model_config
    face, waveform = load_face(image_path, cfg), load_waveform(audio_path, cfg)
    result = super_resolve(model, face.lr[None], waveform[None], refine=refine)[0]
    if with_strip:
        low_res_only = super_resolve(low_res_companion(workdir, model), face.lr[None], waveform[None])[0]
        picture = strip(face, low_res_only, result)
    else:
        picture = image_grid(result[None], 1)
    save_png(output, picture)
    print(f"wrote {output}")


def run_mix(workdir, variant: str, image_paths: list, audio_paths: list, output, batch_size: int,
            refine: RefineOptions = RefineOptions()) -> None:
    """A grid: one row per image, the LR input (nearest) then its result with each audio file."""
    model = load_super_resolver(workdir, variant)
    cfg = model.model_config
    faces = [load_face(path, cfg) for path in image_paths]
    waveforms = np.stack([load_waveform(path, cfg) for path in audio_paths])  # [A, num_samples]
    rows = []
    for face in faces:
        lr = np.repeat(face.lr[None], len(waveforms), axis=0)  # [A, r, r, 3]
        results = super_resolve(model, lr, waveforms, batch_size, refine)
        rows.append(np.concatenate([nearest_upsample(face.lr, cfg.hr_size)[None], results]))
    save_png(output, image_grid(np.concatenate(rows), len(waveforms) + 1))
    print(f"wrote {output}: rows {', '.join(map(str, image_paths))}; columns LR input, then {', '.join(map(str, audio_paths))}")


def run_folder(workdir, variant: str, image_dir, audio_dir, output_dir, batch_size: int, with_strip: bool,
               refine: RefineOptions = RefineOptions()) -> dict:
    """Super-resolves every images/NAME + audio/NAME pair into output_dir/NAME.png; returns counts."""
    pairs, skipped = pair_by_stem(image_dir, audio_dir)
    model = load_super_resolver(workdir, variant)
    low_res_model = low_res_companion(workdir, model) if with_strip else None
    bar = Progress("pairs", len(pairs))
    with staged_folder(output_dir) as staging:  # all outputs appear together, or none
        _super_resolve_pairs(pairs, skipped, model, low_res_model, staging, batch_size, with_strip, bar, refine)
        bar.close(len(pairs))
        written = len(os.listdir(staging))
        if not written:
            raise InputError(image_dir, f"no image and audio pair could be super-resolved ({len(skipped)} skipped)")
    print(f"wrote {written} images to {output_dir}; skipped {len(skipped)}")
    for path, why in skipped:
        print(f"  skipped {path}: {why}")
    return {"written": written, "skipped": len(skipped)}


def _super_resolve_pairs(pairs, skipped, model, low_res_model, output_dir, batch_size, with_strip, bar,
                         refine: RefineOptions) -> None:
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
            results = super_resolve(model, lr, waveforms, batch_size, refine)
            low_res = super_resolve(low_res_model, lr, waveforms, batch_size) if with_strip else None
            for i, (stem, face, _) in enumerate(chunk):
                picture = strip(face, low_res[i], results[i]) if with_strip else image_grid(results[i][None], 1)
                save_png(os.path.join(output_dir, f"{stem}.png"), picture)
        bar.update(min(start + batch_size, len(pairs)))
