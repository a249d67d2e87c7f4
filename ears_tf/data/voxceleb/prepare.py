"""VoxCeleb2 -> the records and manifest of docs/design.md section 4, resumable and parallel.

1. Every clip is decoded once (frames at `fps`, 16 kHz mono audio) into a cache file
   OUTPUT/.cache/SPEAKER/VIDEO/CLIP.npz, in worker threads (the work is in ffmpeg
   processes). A re-run skips clips already cached, so an interrupted preparation
   resumes. A clip that fails to decode is logged, counted and left out.
2. Speakers and videos are selected and split (`splits.plan_splits`).
3. Records are written, one per frame with the 4 s of audio centred on it, in a
   seeded order so each shard mixes speakers: first into a staging folder, then
   moved into OUTPUT with manifest.json last.
"""
from __future__ import annotations

import concurrent.futures
import io
import os
import time

import numpy as np
from absl import logging
from PIL import Image

from ears_tf.config import Config
from ears_tf.data import records
from ears_tf.data.voxceleb import layout, media
from ears_tf.data.voxceleb.splits import plan_splits
from ears_tf.errors import InputError
from ears_tf.progress import Progress
from ears_tf.workdir.atomic import atomic_path, staged_folder, write_text

SOURCE = "voxceleb2"
CACHE = ".cache"
MAX_LISTED_FAILURES = 100  # in the manifest; the count covers all
# About 4 frames per 8 s clip: the paper took 2M frames from 545K audio tracks.
DEFAULT_FPS = 0.5


def _cache_path(cache_dir: str, clip: layout.Clip) -> str:
    return os.path.join(cache_dir, clip.speaker, clip.video, clip.name + ".npz")


def _png(frame: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="PNG")
    return buffer.getvalue()


def extract_clip(clip: layout.Clip, cache_dir: str, fps: float, size: int, sample_rate: int) -> int:
    """Decodes `clip` into its cache file unless there; returns its number of frames. Raises MediaError."""
    path = _cache_path(cache_dir, clip)
    if os.path.isfile(path):
        with np.load(path) as cached:
            return len(cached["times"])
    frames, times = media.read_frames(clip.video_path, fps, size)
    samples = media.read_audio(clip.audio_path, sample_rate)
    pngs = [_png(frame) for frame in frames]
    offsets = np.cumsum([0] + [len(p) for p in pngs])
    with atomic_path(path) as partial:  # a killed run leaves no half-written cache file
        np.savez(partial, png=np.frombuffer(b"".join(pngs), np.uint8), offsets=offsets, times=times, audio=samples)
    return len(frames)


def read_cached(cache_dir: str, clip: layout.Clip, num_samples: int, sample_rate: int):
    """Yields (PNG bytes, int16 audio window) for each cached frame of `clip`."""
    with np.load(_cache_path(cache_dir, clip)) as cached:
        png, offsets, times, samples = cached["png"], cached["offsets"], cached["times"], cached["audio"]
    for i, time_s in enumerate(times):
        window = media.audio_window(samples, int(round(time_s * sample_rate)), num_samples)
        yield png[offsets[i]:offsets[i + 1]].tobytes(), window


def _check_output(output: str) -> None:
    if not os.path.exists(output):
        return
    if not os.path.isdir(output):
        raise InputError(output, "output exists and is not a folder")
    entries = set(os.listdir(output))
    if entries and not entries & {CACHE, records.MANIFEST}:  # a folder an earlier preparation did not make
        raise InputError(output, "output is a non-empty folder that is not a VoxCeleb2 preparation; choose a new one")


def prepare(root, output, config: Config, meta=None, fps: float = DEFAULT_FPS, min_frames: int = 500,
            test_fraction: float = 0.2, workers: int | None = None, seed: int = 0, progress: bool = True):
    """Prepares `root` into the records folder `output`; returns the Manifest."""
    root, output = os.fspath(root), os.fspath(output)
    _check_output(output)
    genders = layout.read_meta(meta) if meta else {}
    clips = layout.scan(root)
    size, audio = config.model.hr_size, config.model.audio
    cache_dir = os.path.join(output, CACHE)
    os.makedirs(cache_dir, exist_ok=True)

    start = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    counts, failures = {}, []
    bar = Progress("clips", len(clips)) if progress else None
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = {pool.submit(extract_clip, clip, cache_dir, fps, size, audio.sample_rate): clip for clip in clips}
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            clip = futures[future]
            try:
                counts[clip.key] = future.result()
            except media.MediaError as error:
                logging.warning("%s: skipped, %s", clip.video_path, error)
                failures.append({"path": clip.video_path, "error": str(error)})
            if bar is not None:
                bar.update(done)
    if bar is not None:
        bar.close(len(clips))
    seconds = time.perf_counter() - start
    videos = {(clip.speaker, clip.video) for clip in clips}

    frames = {}
    for clip in clips:
        frames.setdefault(clip.speaker, {}).setdefault(clip.video, 0)
        frames[clip.speaker][clip.video] += counts.get(clip.key, 0)
    plan, dropped = plan_splits(frames, min_frames, test_fraction, seed)
    if not plan:
        raise InputError(root, f"no speaker has {min_frames} training frames in 3 or more videos "
                               f"({len(frames)} speakers found; lower --min_frames or raise --fps)")
    index = {speaker: i for i, speaker in enumerate(sorted(plan))}

    # The manifest lands last: an earlier run's shards are replaced, and a killed run leaves the old set.
    with staged_folder(output, last=(records.MANIFEST,), replace=(".tfrecord", records.MANIFEST)) as staging:
        writers = {split: records.ShardWriter(staging, split, config.data.records_per_shard) for split in records.SPLITS}
        kept = [clip for clip in clips if clip.speaker in plan and clip.key in counts]
        order = np.random.default_rng([seed, 0x0DE5]).permutation(len(kept))
        for i in order:
            clip = kept[i]
            split = plan[clip.speaker][clip.video]
            for png, window in read_cached(cache_dir, clip, audio.num_samples, audio.sample_rate):
                writers[split].write(records.Record(
                    image_png=png, audio=window, speaker=index[clip.speaker],
                    gender=genders.get(clip.speaker, records.GENDER_UNKNOWN), video=f"{clip.speaker}/{clip.video}",
                ))
        manifest = records.Manifest(
            source=SOURCE, preset=config.name, seed=seed, image_size=size, sample_rate=audio.sample_rate,
            num_samples=audio.num_samples, audio_encoding="pcm16",
            speakers=[{"index": index[s], "name": s, "gender": genders.get(s, records.GENDER_UNKNOWN)} for s in sorted(plan)],
            splits={split: writer.close() for split, writer in writers.items()},
            preparation={
                "root": os.path.abspath(root), "fps": fps, "min_frames": min_frames, "test_fraction": test_fraction,
                "clips": len(clips), "videos": len(videos), "clips_failed": len(failures),
                "failures": failures[:MAX_LISTED_FAILURES], "speakers_found": len(frames),
                "speakers_dropped": dropped, "decode_seconds": round(seconds, 1),
                "videos_per_minute": round(60.0 * len(videos) / max(seconds, 1e-9), 1),
            },
        )
        write_text(os.path.join(staging, records.MANIFEST), manifest.to_json())
    return manifest
