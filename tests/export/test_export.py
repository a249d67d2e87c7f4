"""`python -m export` on a smoke workdir: every format is written, reloaded and compared with Keras."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from ears_tf import config

CFG = config.get_preset("smoke").model


def export(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "export", *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def exported(trained_smoke, tmp_path_factory):
    _, workdir, _ = trained_smoke
    out = tmp_path_factory.mktemp("export")
    for fmt in ("saved_model", "tflite", "onnx"):
        result = export(f"--workdir={workdir}", f"--format={fmt}", f"--output={out}")
        assert result.returncode == 0, result.stderr[-3000:]
    return workdir, out


@pytest.fixture(scope="module")
def keras_model(exported):
    from ears_tf.inference import load_super_resolver

    return load_super_resolver(exported[0], "f3")


def inputs(batch, seed=0):
    rng = np.random.default_rng(seed)
    r = CFG.lr_size
    return (rng.uniform(-1, 1, (batch, r, r, 3)).astype(np.float32),
            rng.normal(0, 0.1, (batch, CFG.audio.num_samples)).astype(np.float32))


def tolerance(reference):
    return 1e-3 * max(1.0, float(np.abs(reference).max()))


def test_every_format_is_written_with_its_parity_report(exported):
    _, out = exported
    assert (out / "ears_tf" / "1" / "saved_model.pb").exists()
    for name in ("ears_tf_float32.tflite", "ears_tf_float16.tflite", "ears_tf_int8.tflite", "ears_tf.onnx"):
        assert (out / name).stat().st_size > 0, name
    tflite = json.loads((out / "parity_tflite.json").read_text())
    assert set(tflite) == {"tflite_float32", "tflite_float16", "tflite_int8"}
    for report in tflite.values():
        assert np.isfinite(report["real-looking"]["psnr"])  # silence is among the real-looking inputs


def test_saved_model_signature_and_dynamic_batch(exported, keras_model):
    import tensorflow as tf

    from export.parity import run_saved_model

    path = str(exported[1] / "ears_tf" / "1")
    signature = tf.saved_model.load(path).signatures["serving_default"]
    specs = signature.structured_input_signature[1]
    assert specs["lr_image"].shape.as_list() == [None, CFG.lr_size, CFG.lr_size, 3]
    assert specs["waveform"].shape.as_list() == [None, CFG.audio.num_samples]
    assert list(signature.structured_outputs) == ["image"]
    for batch in (1, 3):
        lr, waveform = inputs(batch, seed=batch)
        reference = keras_model(lr, waveform).numpy()
        np.testing.assert_allclose(run_saved_model(path, lr, waveform), reference, atol=tolerance(reference))


@pytest.mark.parametrize("runner, name", [("run_tflite", "ears_tf_float32.tflite"), ("run_onnx", "ears_tf.onnx")])
def test_float32_runtimes_match_keras_at_any_batch(exported, keras_model, runner, name):
    from export import parity

    for batch in (1, 3):
        lr, waveform = inputs(batch, seed=10 + batch)
        reference = keras_model(lr, waveform).numpy()
        output = getattr(parity, runner)(str(exported[1] / name), lr, waveform)
        assert output.shape == (batch, CFG.hr_size, CFG.hr_size, 3)
        np.testing.assert_allclose(output, reference, atol=tolerance(reference))


def test_existing_version_and_missing_workdir_are_one_line_errors(exported, tmp_path):
    workdir, out = exported
    result = export(f"--workdir={workdir}", "--format=saved_model", f"--output={out}")
    assert result.returncode == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {out / 'ears_tf' / '1'}: exists; choose another --version or remove it"]
    result = export(f"--workdir={tmp_path / 'none'}", "--format=onnx", f"--output={tmp_path / 'out'}")
    assert result.returncode == 2 and not (tmp_path / "out").exists()
