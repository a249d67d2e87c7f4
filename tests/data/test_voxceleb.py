"""VoxCeleb2 preparation on a tiny VoxCeleb2-shaped tree made here with the same ffmpeg."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from ears_tf import config
from ears_tf.data import pipeline, records
from ears_tf.data.voxceleb import layout, media
from ears_tf.data.voxceleb.prepare import CACHE, prepare
from ears_tf.data.voxceleb.sample_tree import SampleSpeaker, build_tree
from ears_tf.data.voxceleb.splits import plan_splits

RATE = 16_000
SPEAKERS = [
    SampleSpeaker("id00001", "f", 3, 2, "aac"),
    SampleSpeaker("id00002", "m", 3, 1, "wav"),
    SampleSpeaker("id00003", "m", 4, 1, "mp4"),
    SampleSpeaker("id00004", "f", 3, 1, "aac"),
    SampleSpeaker("id00005", "m", 2, 1, "aac"),  # two videos: dropped, it cannot be in d1, d2 and test
]
CORRUPT = "id00001/vid0000xYz/00009"
SECONDS = 2.5  # build_tree's default clip length


def make_tree(root) -> dict:
    clips = build_tree(root, SPEAKERS)  # 2.5 s clips, 64 x 48 at 10 fps
    # One corrupt clip: skipped and counted, never a crash.
    (root / "dev" / "mp4" / (CORRUPT + ".mp4")).write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(2000))
    return clips


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("voxceleb2")
    return root, make_tree(root)


@pytest.fixture(scope="module")
def prepared(tree, tmp_path_factory):
    root, _ = tree
    output = tmp_path_factory.mktemp("prepared") / "records"
    manifest = prepare(root, output, config.get_preset("smoke"), meta=root / "vox2_meta.csv", fps=2.0,
                       min_frames=4, workers=2, progress=False)
    return output, manifest


def test_scan_finds_clips_and_their_audio(tree):
    root, clips = tree
    found = {clip.key: clip for clip in layout.scan(root)}
    assert set(found) == set(clips) | {CORRUPT}
    assert found["id00001/vid0000xYz/00001"].audio_path.endswith("dev/aac/id00001/vid0000xYz/00001.m4a")
    assert found["id00002/vid0100xYz/00001"].audio_path.endswith("dev/wav/id00002/vid0100xYz/00001.wav")
    assert found["id00003/vid0200xYz/00001"].audio_path.endswith(".mp4")  # the video's own track


def test_media_frames_are_cropped_square_and_audio_is_16k_mono(tree):
    root, _ = tree
    clip = root / "dev" / "mp4" / "id00003" / "vid0200xYz" / "00001.mp4"
    frames, times = media.read_frames(clip, fps=2.0, size=32)
    assert frames.shape == (5, 32, 32, 3) and np.allclose(times, [0.25, 0.75, 1.25, 1.75, 2.25])
    assert frames[:, :, :2].min() < 250 and frames[:, :, -2:].max() > 5  # the white and black bars are cropped
    samples = media.read_audio(clip, RATE)
    assert samples.dtype == np.int16 and abs(len(samples) - SECONDS * RATE) < 0.05 * RATE
    # The voice's pitch survives the aac round trip: 110 Hz for this speaker's first video.
    spectrum = np.abs(np.fft.rfft(samples[:RATE].astype(np.float64)))
    assert abs(np.argmax(spectrum) - 110) <= 2


def test_audio_window_centres_and_loop_pads():
    samples = np.arange(100, dtype=np.int16)
    assert list(media.audio_window(samples, 50, 10)) == list(range(45, 55))
    assert list(media.audio_window(samples, 2, 10)) == list(range(10))  # kept inside the signal
    assert list(media.audio_window(samples[:4], 0, 10)) == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]


def test_counts_splits_and_gender_mapping(prepared, tree):
    output, manifest = prepared
    _, clips = tree
    assert manifest.source == "voxceleb2" and manifest.image_size == 32
    kept = [s["name"] for s in manifest.speakers]
    assert kept == ["id00001", "id00002", "id00003", "id00004"]
    assert "id00005" in manifest.preparation["speakers_dropped"]
    assert [s["gender"] for s in manifest.speakers] == [0, 1, 1, 0]
    kept_clips = [key for key in clips if key.split("/")[0] in kept]
    assert sum(info.count for info in manifest.splits.values()) == 5 * len(kept_clips)  # 2.5 s at 2 fps
    videos = {split: set() for split in records.SPLITS}
    for split in records.SPLITS:
        options = pipeline.PipelineOptions(batch_size=64, training=False, drop_remainder=False)
        for batch in pipeline.make_dataset(output, split, options):
            assert batch["hr"].shape[1:] == (32, 32, 3) and batch["waveform"].shape[1:] == (64_000,)
            videos[split] |= {v.decode() for v in batch["video"].numpy()}
            for speaker, gender in zip(batch["speaker"].numpy(), batch["gender"].numpy()):
                assert gender == manifest.speakers[speaker]["gender"]
    assert not (videos["d1"] & videos["d2"]) and not (videos["d1"] & videos["test"]) and not (videos["d2"] & videos["test"])
    for split in records.SPLITS:  # the same speakers everywhere
        assert {v.split("/")[0] for v in videos[split]} == set(kept)


def test_a_corrupt_clip_is_skipped_and_counted(prepared):
    _, manifest = prepared
    assert manifest.preparation["clips_failed"] == 1
    assert manifest.preparation["failures"][0]["path"].endswith(CORRUPT + ".mp4")
    assert manifest.preparation["videos_per_minute"] > 0


def test_rerun_resumes_from_the_cache(prepared, tree, monkeypatch):
    output, manifest = prepared
    root, _ = tree
    cache = output / CACHE
    assert len(list(cache.rglob("*.npz"))) == len(layout.scan(root)) - 1

    cached = sorted(str(p) for p in cache.rglob("*.npz"))
    # Remove one cache file: only that clip is decoded again (the corrupt one is retried and fails again).
    missing = cached[0]
    os.remove(missing)
    decoded = []
    real_read_frames = media.read_frames
    monkeypatch.setattr(media, "read_frames", lambda path, *a, **k: decoded.append(str(path)) or real_read_frames(path, *a, **k))
    again = prepare(root, output, config.get_preset("smoke"), meta=root / "vox2_meta.csv", fps=2.0, min_frames=4,
                    workers=2, progress=False)
    assert os.path.isfile(missing)
    assert sorted(os.path.basename(p) for p in decoded) == ["00001.mp4", "00009.mp4"]  # the removed one, the corrupt one
    assert {name: info.count for name, info in again.splits.items()} == {
        name: info.count for name, info in manifest.splits.items()}
    assert json.loads((output / "manifest.json").read_text())["num_speakers"] == 4


def test_plan_splits_keeps_enough_frames_and_videos():
    frames = {"a": {"v1": 10, "v2": 10, "v3": 10, "v4": 10, "v5": 10}, "b": {"v1": 100, "v2": 100}, "c": {"v1": 1, "v2": 1, "v3": 1}}
    plan, dropped = plan_splits(frames, min_frames=20, test_fraction=0.2, seed=0)
    assert set(plan) == {"a"} and set(dropped) == {"b", "c"}
    splits = list(plan["a"].values())
    assert splits.count("test") == 1 and splits.count("d1") == 2 and splits.count("d2") == 2


def test_cli_bad_root_is_one_line_exit_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "ears_tf.data.voxceleb", f"--root={tmp_path / 'nope'}",
                             f"--output={tmp_path / 'out'}"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and result.stderr.strip().splitlines()[-1].endswith("nope: no such folder")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow  # 3 min on 2 cores: every stage again; CI trains every stage on synthetic records
def test_prepared_records_train_every_stage_and_the_evaluation(prepared, tmp_path):
    output, _ = prepared
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, "-m", "ears_tf.train", "--preset=smoke", "--jit=false", "--stage=all", f"--data={output}",
         f"--workdir={tmp_path / 'work'}", "--steps=1"],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "work" / "evaluation" / "report.json").read_text())
    assert report["n_test"] > 0 and report["data"]["source"] == "voxceleb2"
