"""`python -m ears_tf.train.launch`: multi-worker training with real processes on loopback, smoke preset."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

from tests.train.preemption import sigterm_to_worker_1

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
STAGE = ["--preset=smoke", "--jit=false", "--eval_every=1000"]


def launch_command(workdir, data, *flags, workers_=2, service_workers=0):
    return [sys.executable, "-m", "ears_tf.train.launch", f"--workers={workers_}",
            f"--data_service_workers={service_workers}", "--", *STAGE, f"--data={data}", f"--workdir={workdir}", *flags]


def launch(workdir, data, *flags, **kwargs):
    return subprocess.run(launch_command(workdir, data, *flags, **kwargs), capture_output=True, text=True, env=ENV,
                          timeout=300)


def files_under(folder) -> set:
    return {os.path.relpath(os.path.join(d, f), folder) for d, _, names in os.walk(folder) for f in names}


def train_scalars(stage_dir) -> dict:
    """{(tag, step): value} of the stage's TensorBoard training scalars."""
    [events] = glob.glob(os.path.join(stage_dir, "logs", "events.out.tfevents.*"))  # one writer: the chief's
    return {(value.tag, event.step): float(tf.make_ndarray(value.tensor))
            for event in tf.compat.v1.train.summary_iterator(events) for value in event.summary.value
            if value.tag.startswith("train/")}


@pytest.mark.slow  # 80 s on 2 cores: a two-worker TF cluster, stopped and restarted
def test_sigterm_on_one_worker_checkpoints_the_cluster_and_a_restart_resumes(smoke_data, tmp_path):
    workdir, steps = tmp_path / "workdir", 24
    flags = ["--stage=stylegan", f"--steps={steps}", "--progress_every_s=0", "--checkpoint_every=1000"]
    _, step = sigterm_to_worker_1(launch_command(workdir, smoke_data, *flags), ENV, "[worker 1] stylegan 3/")
    assert 3 <= step < steps
    assert files_under(workdir / "stylegan") == {
        "checkpoints/checkpoint", f"checkpoints/ckpt-{step}.index", f"checkpoints/ckpt-{step}.data-00000-of-00001",
        *[os.path.relpath(p, workdir / "stylegan") for p in glob.glob(str(workdir / "stylegan/logs/*"))]}

    result = launch(workdir, smoke_data, *flags)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count(f"resuming at step {step}") == 2
    done = json.loads((workdir / "stylegan" / "done.json").read_text())
    assert (done["steps"], done["resumed_from"]) == (steps, step)
    files = files_under(workdir / "stylegan")
    assert {"generator.keras", "discriminator.keras", "done.json"} <= files
    assert not [f for f in files if "workertemp" in f]  # no per-worker leftovers
    assert len([f for f in files if f.startswith("logs/")]) == 2  # the chief's writer, once per run
    assert "global batch 4 = 2 per replica x 2 replicas in sync (2 workers, file input sharding)" in result.stdout


@pytest.mark.slow  # 40 s on 2 cores: a two-worker TF cluster against one worker
def test_two_workers_take_the_same_steps_as_one_with_the_same_global_batch(trained_smoke, tmp_path):
    data, trained, _ = trained_smoke
    one, two = tmp_path / "one", tmp_path / "two"
    for workdir in (one, two):  # the encoder stage's prerequisites, from the shared smoke run
        for name in ("stylegan", "encoder_hr"):
            shutil.copytree(trained / name, workdir / name)
        shutil.copy(trained / "config.json", workdir / "config.json")
    flags = ["--stage=pretrain_lowres", "--steps=3", "--log_every=1", "--input_sharding=batch"]
    single = subprocess.run([sys.executable, "-m", "ears_tf.train", *STAGE, f"--data={data}", f"--workdir={one}",
                             *flags], capture_output=True, text=True, env=ENV, timeout=300)
    assert single.returncode == 0, single.stderr[-3000:]
    pair = launch(two, data, *flags)
    assert pair.returncode == 0, pair.stdout[-3000:]

    expected, got = train_scalars(one / "pretrain_lowres"), train_scalars(two / "pretrain_lowres")
    assert set(got) == set(expected) and {step for _, step in got} == {1, 2, 3}
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-4), key
    import keras

    import ears_tf.models  # noqa: F401  (registers the classes the files name)

    models = [keras.saving.load_model(w / "pretrain_lowres" / "encoder_lr.keras") for w in (one, two)]
    # Two half-batch gradients summed differ from one full-batch gradient in the last bits, and
    # Adam's division by sqrt(v) enlarges that where a gradient is near zero: 1.1e-5 measured
    # on almost every weight. Where such a gradient flips sign, Adam (which moves a weight by
    # at most about lr a step) can put that weight up to 2 lr a step apart: one weight in
    # 16,384 was 1.8e-4 apart in one run of 3 steps at lr 1e-4.
    lr, steps = 1e-4, 3
    gaps = np.concatenate([np.abs(b - a).ravel() for a, b in zip(*(m.get_weights() for m in models), strict=True)])
    assert gaps.max() <= 2 * lr * steps
    assert np.mean(gaps > 1e-4) < 1e-3
    assert not [f for f in files_under(two) if "workertemp" in f]


@pytest.mark.slow  # 40 s on 2 cores: a tf.data service dispatcher, a worker and a trainer
def test_the_launcher_starts_a_tf_data_service_and_the_stage_trains_from_it(smoke_data, tmp_path):
    # A dispatcher and one service worker started by the launcher; the trainer reads from them.
    result = launch(tmp_path / "workdir", smoke_data, "--stage=stylegan", "--steps=2", workers_=1, service_workers=1)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "(1 worker, tf.data service)" in result.stdout
    assert json.loads((tmp_path / "workdir" / "stylegan" / "done.json").read_text())["steps"] == 2


def test_a_failing_worker_stops_the_launch_with_its_status(smoke_data, tmp_path):
    started = time.monotonic()
    result = launch(tmp_path / "workdir", tmp_path / "no-data", "--stage=stylegan")
    assert result.returncode == 2
    assert re.search(r"^\[worker \d\] error: .*no-data", result.stdout, re.M)
    # Whichever worker fails first, the other is stopped (or has failed the same way).
    [statuses] = re.findall(r"^\[launch\] exit statuses: (.*)$", result.stdout, re.M)
    assert re.fullmatch(r"worker 0 (2|-15|143), worker 1 (2|-15|143)", statuses) and " 2" in statuses, statuses
    assert time.monotonic() - started < 60
    result = subprocess.run([sys.executable, "-m", "ears_tf.train.launch", "--", "--strategy=mirrored"],
                            capture_output=True, text=True, env=ENV, timeout=60)
    assert result.returncode == 2 and "leave it out of the stage flags" in result.stderr
