"""`python -m ears_tf.train --backend=jax`: every stage and the evaluation on a smoke workdir, whose
models TensorFlow then exports and infers with; checkpoints, resume and SIGTERM under JAX; and
each backend refusing the other's checkpoints."""
import json
import os
import re
import signal
import subprocess
import sys

import numpy as np
import pytest

from ears_tf.workdir import layout


def train(*args, backend="jax", timeout=900, **env_vars):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1", **env_vars)
    env.pop("KERAS_BACKEND", None)
    return subprocess.run([sys.executable, "-m", "ears_tf.train", f"--backend={backend}", "--preset=smoke", *args],
                          capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def jax_workdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("jax_all")
    result = train("--stage=all", f"--data={root / 'data'}", f"--workdir={root / 'workdir'}", "--steps=2",
                   "--workers=1")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return root / "data", root / "workdir", result


def test_every_stage_and_the_evaluation_run_under_jax(jax_workdir):
    data, workdir, result = jax_workdir
    from ears_tf.train import registry

    for run in registry.ALL_RUNS:
        assert layout.read_done(workdir, run.run_name)["steps"] == 2, run.run_name
        index = json.loads((workdir / run.run_name / "checkpoints" / "arrays.json").read_text())
        assert index == {"backend": "jax", "checkpoints": ["ckpt-2.npz"]}, run.run_name
    report = json.loads((workdir / layout.EVALUATION_DIR / "report.json").read_text())
    assert report["table1"], report.keys()
    assert "evaluation in" in result.stdout and "(TensorFlow, in its own process)" in result.stdout
    # The stages' step metrics are finite numbers, as on TensorFlow.
    lines = [line for line in result.stdout.splitlines() if re.match(r"^\[\d+/10\] \S+ 2/2 \(100%\)", line)]
    assert len(lines) >= 10 and "nan" not in " ".join(lines).lower()


def test_a_workdir_trained_under_jax_exports_and_infers_under_tensorflow(jax_workdir, tmp_path):
    data, workdir, _ = jax_workdir
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    for fmt in ("saved_model", "tflite", "onnx"):
        result = subprocess.run([sys.executable, "-m", "export", f"--workdir={workdir}", f"--format={fmt}",
                                 f"--output={tmp_path / 'export'}", "--min_psnr_float16=12", "--min_psnr_int8=10"],
                                capture_output=True, text=True, env=env, timeout=600)
        assert result.returncode == 0, (fmt, result.stderr[-3000:])
    assert (tmp_path / "export" / "ears_tf" / "1" / "saved_model.pb").exists()
    assert (tmp_path / "export" / "ears_tf.onnx").stat().st_size > 0
    parity = json.loads((tmp_path / "export" / "parity_tflite.json").read_text())
    assert parity

    from ears_tf.infer.model import load_super_resolver

    resolver = load_super_resolver(workdir, "f3_finetune")
    cfg = resolver.model_config
    lr = np.zeros((1, cfg.lr_size, cfg.lr_size, 3), np.float32)
    waveform = np.zeros((1, cfg.audio.num_samples), np.float32)
    assert np.isfinite(np.asarray(resolver(lr, waveform))).all()


def test_resume_sigterm_and_the_other_backends_checkpoints(smoke_data, tmp_path):
    workdir = tmp_path / "workdir"
    common = ("--stage=sr_baseline", f"--data={smoke_data}", f"--workdir={workdir}", "--checkpoint_every=2",
              "--eval_every=1000", "--progress_every_s=0")
    first = train(*common, "--steps=3")
    assert first.returncode == 0, first.stderr[-3000:]
    index = json.loads((workdir / "sr_baseline" / "checkpoints" / "arrays.json").read_text())
    assert index["checkpoints"] == ["ckpt-2.npz", "ckpt-3.npz"]

    resumed = train(*common, "--steps=5")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert re.search(r"^sr_baseline: resuming at step 3 from .*ckpt-3\.npz$", resumed.stdout, re.M), resumed.stdout
    assert layout.read_done(workdir, "sr_baseline")["resumed_from"] == 3

    refused = train(*common, "--steps=7", backend="tensorflow")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"error: {workdir / 'sr_baseline' / 'checkpoints'}: checkpoints written under the jax backend; resume with "
        "--backend=jax, or use a new workdir"]

    # SIGTERM: a checkpoint at the step it stopped, exit 130, and the same command resumes there.
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-m", "ears_tf.train", "--backend=jax", "--preset=smoke", *common,
                                "--steps=400"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    for line in process.stdout:
        if re.match(r"^sr_baseline (\d+)/400", line) and int(re.match(r"^sr_baseline (\d+)", line).group(1)) >= 7:
            process.send_signal(signal.SIGTERM)
            break
    output = process.communicate(timeout=300)[0]
    assert process.returncode == 130, output[-2000:]
    stopped = int(re.search(r"sr_baseline stopped at step (\d+)", output).group(1))
    assert (workdir / "sr_baseline" / "checkpoints" / f"ckpt-{stopped}.npz").exists()
    again = train(*common, f"--steps={stopped + 1}")
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"sr_baseline: resuming at step {stopped} " in again.stdout


def test_tensorflows_distribution_flags_are_refused_under_jax(smoke_data, tmp_path):
    result = train("--stage=sr_baseline", f"--data={smoke_data}", f"--workdir={tmp_path}", "--strategy=mirrored")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: --strategy: mirrored is TensorFlow's; under --backend=jax the trainer spreads over JAX's devices itself, in float32 "
        "or mixed_bfloat16"]
    assert not (tmp_path / "sr_baseline").exists()


@pytest.mark.slow  # 30 s on 2 cores: tests/backends/test_data_parallel.py checks the split step's gradients
def test_two_devices_train_as_one(smoke_data, tmp_path):
    """keras.distribution.DataParallel over two host devices: the batch split, the same losses."""
    def losses(workdir, **env_vars):
        # The classifiers: batches in a fixed order, augmented by stateless draws (the same in every run).
        result = train("--stage=classifiers", f"--data={smoke_data}", f"--workdir={workdir}", "--steps=3",
                       "--log_every=1", "--eval_every=1000", "--progress_every_s=0", **env_vars)
        assert result.returncode == 0, result.stderr[-3000:]
        # Steps 1 to 3 (the closing line repeats step 3).
        return result.stdout, [float(m) for m in re.findall(r"^classifiers \d/3 .* loss ([\d.]+)", result.stdout, re.M)][:3]

    _, one = losses(tmp_path / "one")
    output, two = losses(tmp_path / "two", XLA_FLAGS=f"{os.environ.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count=2")
    assert re.search(r"^classifiers: global batch (\d+) = (\d+) per device x 2 devices", output, re.M), output
    assert len(one) == 3 and one[0] > 0
    np.testing.assert_allclose(two, one, rtol=2e-3)


def test_keras_backend_alone_chooses_jax(smoke_data, tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="jax")
    result = subprocess.run([sys.executable, "-m", "ears_tf.train", "--preset=smoke", "--stage=sr_baseline",
                             f"--data={smoke_data}", f"--workdir={tmp_path}", "--steps=1", "--eval_every=1000"],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    index = json.loads((tmp_path / "sr_baseline" / "checkpoints" / "arrays.json").read_text())
    assert index["backend"] == "jax"
