import dataclasses
import os
import subprocess
import sys

import pytest
from PIL import Image

from ears_tf.config import get_preset
from ears_tf.data import records
from ears_tf.data.synthetic import dataset
from ears_tf.errors import InputError


def test_same_seed_gives_byte_identical_shards_whatever_the_workers(smoke_data, smoke_config, tmp_path):
    again = tmp_path / "again"
    dataset.generate(again, smoke_config, seed=0, workers=2, progress=False)
    names = sorted(os.listdir(smoke_data))
    assert names == sorted(os.listdir(again))
    for name in names:
        assert (smoke_data / name).read_bytes() == (again / name).read_bytes(), name


def test_another_seed_gives_other_data(smoke_data, smoke_config, tmp_path):
    other = tmp_path / "other"
    dataset.generate(other, smoke_config, seed=1, workers=1, progress=False)
    assert (other / "d1-00000.tfrecord").read_bytes() != (smoke_data / "d1-00000.tfrecord").read_bytes()


def test_preview_is_written(smoke_data):
    with Image.open(smoke_data / dataset.PREVIEW) as preview:
        assert preview.format == "PNG"
        assert preview.width >= 6 * 128 and preview.height >= 128


def test_refuses_a_non_empty_output_and_leaves_no_partial_folder(smoke_config, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not an empty folder"):
        dataset.generate(out, smoke_config, workers=1, progress=False)
    assert os.listdir(out) == ["keep.txt"]
    assert [p for p in os.listdir(tmp_path) if p.startswith(".partial")] == []


def test_interrupted_generation_leaves_nothing(smoke_config, tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(dataset, "write_preview", explode)
    with pytest.raises(KeyboardInterrupt):
        dataset.generate(tmp_path / "out", smoke_config, workers=1, progress=False)
    assert os.listdir(tmp_path) == []


def run_cli(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [sys.executable, "-m", "ears_tf.data.synthetic", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_cli_writes_the_preset_with_a_speaker_override(tmp_path):
    out = tmp_path / "new" / "cli"  # missing parents are created
    result = run_cli(f"--output={out}", "--preset=smoke", "--speakers=4", "--videos_test=2", "--seed=3", "--workers=1")
    assert result.returncode == 0, result.stderr
    manifest = records.Manifest.load(out)
    assert (manifest.num_speakers, manifest.seed, manifest.preset) == (4, 3, "smoke")
    assert manifest.splits["test"].count == 4 * 2 * get_preset("smoke").data.frames_per_video
    assert "wrote 4 speakers" in result.stdout


def test_cli_bad_output_is_one_line_and_exit_2(tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x")
    result = run_cli(f"--output={busy}", "--preset=smoke")
    assert result.returncode == 2
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error_lines == [f"error: {busy}: output exists and is not an empty folder; choose a new one or remove it"]
    assert "Traceback" not in result.stderr


def test_more_test_videos_leave_the_training_videos_as_they_were(smoke_config):
    # A larger test split evaluates models trained on the smaller one's d1 and d2.
    speakers = dataset.plan_speakers(smoke_config.data.speakers, seed=0)
    more = dataclasses.replace(smoke_config, data=dataclasses.replace(smoke_config.data, videos_test=3))
    jobs, more_jobs = dataset.plan_jobs(smoke_config, speakers, seed=0), dataset.plan_jobs(more, speakers, seed=0)
    assert more_jobs["d1"] == jobs["d1"] and more_jobs["d2"] == jobs["d2"]
    assert all(job in more_jobs["test"] for job in jobs["test"]) and len(more_jobs["test"]) == 3 * len(jobs["test"])


def test_plan_keeps_every_speaker_in_every_split(smoke_config):
    speakers = dataset.plan_speakers(smoke_config.data.speakers, seed=0)
    jobs = dataset.plan_jobs(smoke_config, speakers, seed=0)
    for split in records.SPLITS:
        assert {job.speaker.index for job in jobs[split]} == set(range(smoke_config.data.speakers))
    videos = [job.video_id for split in records.SPLITS for job in jobs[split]]
    assert len(videos) == len(set(videos))
    bigger = dataclasses.replace(smoke_config.data, videos_d2=3)
    more = dataset.plan_jobs(dataclasses.replace(smoke_config, data=bigger), speakers, seed=0)
    assert len(more["d2"]) == 3 * smoke_config.data.speakers
