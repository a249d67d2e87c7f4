"""The paper's selection and splits (section 4.1), by speaker and video.

Speakers keep at least `min_frames` training frames and at least three videos (one
each for d1, d2 and test). Per speaker, a seeded shuffle of the videos puts
`test_fraction` of them (at least one) in `test`, and deals the rest alternately to
d1 and d2: the same speakers in every split, no video in two.
"""
from __future__ import annotations

import math

import numpy as np

MIN_VIDEOS = 3


def plan_splits(frames: dict, min_frames: int, test_fraction: float, seed: int) -> tuple[dict, dict]:
    """frames {speaker: {video: frame count}} -> ({speaker: {video: split}}, {dropped speaker: why})."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    plan, dropped = {}, {}
    for speaker in sorted(frames):
        videos = sorted(video for video, count in frames[speaker].items() if count > 0)
        if len(videos) < MIN_VIDEOS:
            dropped[speaker] = f"{len(videos)} videos with frames, needs {MIN_VIDEOS}"
            continue
        order = np.random.default_rng([seed, int.from_bytes(speaker.encode()[-8:], "little")]).permutation(len(videos))
        shuffled = [videos[i] for i in order]
        num_test = min(max(1, math.floor(test_fraction * len(videos))), len(videos) - 2)
        assignment = {video: "test" for video in shuffled[:num_test]}
        for i, video in enumerate(shuffled[num_test:]):
            assignment[video] = ("d1", "d2")[i % 2]
        training = sum(frames[speaker][v] for v, split in assignment.items() if split != "test")
        if training < min_frames:
            dropped[speaker] = f"{training} training frames, needs {min_frames}"
            continue
        plan[speaker] = assignment
    return plan, dropped
