"""SIGKILL at three random points of a stage, then a resume: nothing lost or corrupt beyond one
checkpoint interval of steps, and SIGTERM leaves no partial folder behind."""
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest

STAGE = "sr_baseline"  # the quickest stage to start: the kill points, not the model, are under test
STEPS = 16
CHECKPOINT_EVERY = 4
PROGRESS = re.compile(rf"^{STAGE} (\d+)/\d+")
RESUMED = re.compile(rf"^{STAGE}: resuming at step (\d+)")


def start(data, workdir, backend="tensorflow"):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "ears_tf.train", f"--backend={backend}", f"--stage={STAGE}", "--preset=smoke",
         "--jit=false", f"--data={data}",
         f"--workdir={workdir}", f"--steps={STEPS}", f"--checkpoint_every={CHECKPOINT_EVERY}", "--eval_every=1000",
         "--progress_every_s=0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )


def run_until(process, kill_at: int):
    """Reads progress until step `kill_at` (or the end), then SIGKILLs; returns (resumed step, last step seen)."""
    resumed, seen = 0, 0
    for line in process.stdout:
        if match := RESUMED.match(line):
            resumed = int(match.group(1))
        if match := PROGRESS.match(line):
            seen = int(match.group(1))
            if seen >= kill_at:
                break
    process.kill()
    process.wait()
    return resumed, seen


# Out of CI: resume after a stop is checked by test_loop.py and test_launch.py; this one
# adds kills at random points (a minute of training).
@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_sigkill_at_three_random_points_then_resume(smoke_data, tmp_path, backend):
    import keras

    import ears_tf.models  # noqa: F401  (registers the saved classes)
    from ears_tf.workdir import layout

    workdir = tmp_path / "workdir"
    kill_points = sorted(random.Random(7).sample(range(2, STEPS + 1), 3))
    last_seen = 0
    for kill_at in kill_points:
        resumed, seen = run_until(start(smoke_data, workdir, backend), kill_at)
        # The resumed run lost at most one checkpoint interval of the steps the killed one made.
        assert resumed >= last_seen - CHECKPOINT_EVERY, (resumed, last_seen)
        last_seen = seen
    final = start(smoke_data, workdir, backend)
    output, _ = final.communicate(timeout=600)
    assert final.returncode == 0, output[-3000:]
    match = re.search(rf"^{STAGE}: resuming at step (\d+)", output, re.M)
    resumed = int(match.group(1)) if match else 0
    assert resumed >= last_seen - CHECKPOINT_EVERY
    summary = layout.read_done(workdir, STAGE)
    assert summary["steps"] == STEPS
    assert keras.saving.load_model(layout.SR_BASELINE.path(workdir), compile=False) is not None
    leftovers = [p for p in workdir.rglob("*") if p.name.startswith(".partial-")]
    assert leftovers == []


def test_sigterm_during_data_generation_leaves_nothing(tmp_path):
    output = tmp_path / "records"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "ears_tf.data.synthetic", f"--output={output}", "--preset=smoke", "--speakers=200",
         "--workers=2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".partial-") for p in tmp_path.iterdir()):  # generation has begun
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.2)
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    _, stderr = process.communicate(timeout=120)
    assert time.monotonic() - stopped < 15, "the queued videos were rendered before it stopped"
    assert process.returncode == 128 + signal.SIGTERM, stderr[-2000:]
    assert [line for line in stderr.splitlines() if line.startswith("error:")] == [
        "error: stopped by signal 15; outputs in progress were removed"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", ['{"stage": "stylegan", "ste', "", "[]"])
def test_an_unreadable_done_marker_means_not_done(tmp_path, content, capsys):
    from ears_tf.workdir import layout

    (tmp_path / "stylegan").mkdir()
    (tmp_path / "stylegan" / "done.json").write_text(content)
    assert not layout.is_done(tmp_path, "stylegan", 1)
    assert "runs again from its checkpoint" in capsys.readouterr().err
