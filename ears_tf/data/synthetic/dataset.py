"""Generates the synthetic records folder: plan, render in worker processes, write shards.

Splits follow the paper: every speaker has videos in d1, d2 and test, and no video
is in two splits. Video jobs are written in a seeded random order so each shard
mixes speakers. The folder is built under a temporary name and renamed when
complete, so an interrupted run leaves no partial data set behind.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os

import numpy as np

from ears_tf.config import Config
from ears_tf.data import records
from ears_tf.data.synthetic import people
from ears_tf.data.synthetic.preview import write_preview
from ears_tf.data.synthetic.render import ATTRIBUTES, VideoJob, render_video
from ears_tf.errors import InputError
from ears_tf.progress import Progress
from ears_tf.workdir.atomic import staged_folder, write_text

SOURCE = "synthetic"
PREVIEW = "preview.png"
PREVIEW_SPEAKERS = 8


def plan_speakers(num_speakers: int, seed: int) -> list[people.Speaker]:
    genders = people.balanced_genders(num_speakers, np.random.default_rng([seed, 0xFACE]))
    return [
        people.sample_speaker(i, int(g), np.random.default_rng([seed, 0x5EED, i])) for i, g in enumerate(genders)
    ]


def plan_jobs(config: Config, speakers: list[people.Speaker], seed: int) -> dict[str, list[VideoJob]]:
    data, audio = config.data, config.model.audio
    counts = {"d1": data.videos_d1, "d2": data.videos_d2, "test": data.videos_test}
    jobs: dict[str, list[VideoJob]] = {split: [] for split in records.SPLITS}
    for speaker in speakers:
        video_index = 0
        for split in records.SPLITS:
            for _ in range(counts[split]):
                jobs[split].append(VideoJob(
                    speaker=speaker, video_index=video_index, split=split, seed=seed,
                    image_size=config.model.hr_size, frames=data.frames_per_video,
                    sample_rate=audio.sample_rate, num_samples=audio.num_samples,
                ))
                video_index += 1
    order_rng = np.random.default_rng([seed, 0x0DE5])
    return {split: [split_jobs[i] for i in order_rng.permutation(len(split_jobs))] for split, split_jobs in jobs.items()}


def _preview_jobs(jobs: dict[str, list[VideoJob]]) -> list[tuple[VideoJob, VideoJob]]:
    """(first d1 video, first test video) of the first PREVIEW_SPEAKERS speakers."""
    first = {}
    for split in ("d1", "test"):
        for job in jobs[split]:
            first.setdefault((split, job.speaker.index), job)
    speakers = sorted({index for split, index in first})[:PREVIEW_SPEAKERS]
    return [(first["d1", i], first["test", i]) for i in speakers]


def _check_output(output: str) -> None:
    if os.path.exists(output) and (not os.path.isdir(output) or os.listdir(output)):
        raise InputError(output, "output exists and is not an empty folder; choose a new one or remove it")
    parent = os.path.dirname(os.path.abspath(output))
    if os.path.exists(parent) and not os.path.isdir(parent):
        raise InputError(parent, "parent of --output is not a folder")


def _map_jobs(jobs: list[VideoJob], workers: int):
    if workers <= 1:
        yield from map(render_video, jobs)
        return
    # Spawned workers import only numpy and Pillow; results come back in job order.
    context = multiprocessing.get_context("spawn")
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context)
    try:
        yield from pool.map(render_video, jobs, chunksize=4)
    except BaseException:  # an error, SIGTERM or SIGINT: drop the queued videos instead of rendering them all
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def generate(output, config: Config, seed: int = 0, workers: int | None = None, progress: bool = True):
    """Writes the records folder `output` for `config` (its `data` sizes); returns the Manifest."""
    output = os.fspath(output)
    _check_output(output)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    speakers = plan_speakers(config.data.speakers, seed)
    jobs = plan_jobs(config, speakers, seed)
    ordered = [job for split in records.SPLITS for job in jobs[split]]

    # A line in place on a terminal, one every 10 s in a log.
    bar = Progress("data: videos", len(ordered)) if progress else None
    with staged_folder(output) as staging:
        writers = {split: records.ShardWriter(staging, split, config.data.records_per_shard) for split in records.SPLITS}
        for done, (job, frames) in enumerate(zip(ordered, _map_jobs(ordered, workers)), start=1):
            for frame in frames:
                writers[job.split].write(records.Record(
                    image_png=frame.image_png, audio=frame.audio, speaker=job.speaker.index,
                    gender=job.speaker.gender, video=job.video_id, attributes=frame.attributes,
                ))
            if bar is not None:
                bar.update(done)
        if bar is not None:
            bar.close(len(ordered))
        audio = config.model.audio
        manifest = records.Manifest(
            source=SOURCE, preset=config.name, seed=seed, image_size=config.model.hr_size,
            sample_rate=audio.sample_rate, num_samples=audio.num_samples, audio_encoding="pcm16",
            speakers=[{"index": s.index, "name": s.name, "gender": s.gender} for s in speakers],
            splits={split: writer.close() for split, writer in writers.items()},
            attributes=list(ATTRIBUTES),
        )
        write_text(os.path.join(staging, records.MANIFEST), manifest.to_json())
        write_preview(os.path.join(staging, PREVIEW), _preview_jobs(jobs), config.model.hr_size)
    return manifest
