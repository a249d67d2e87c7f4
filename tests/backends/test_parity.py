"""The same weights give the same outputs under TensorFlow and JAX, and a `.keras` file saved
under one backend loads and infers under the other (each backend in its own process)."""
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("jax", reason="the JAX backend needs jax (pip install -e '.[dev]')")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKER = os.path.join(ROOT, "tests", "backends", "parity_worker.py")
NAMES = ("super_resolver", "generator", "discriminator", "encoder_hr", "encoder_lr", "encoder_audio")


def worker(backend: str, folder, mode: str) -> None:
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, WORKER, str(folder), mode], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"{backend} {mode}:\n{result.stderr[-4000:]}"


def assert_close_to_range(actual: np.ndarray, expected: np.ndarray, name: str) -> None:
    """Within 1e-4 of the output's range, in float32."""
    span = float(expected.max() - expected.min())
    error = float(np.abs(actual - expected).max())
    assert error <= 1e-4 * max(span, 1e-6), f"{name}: max difference {error:.3g} against a range of {span:.3g}"


def test_models_saved_under_one_backend_compute_the_same_under_the_other(tmp_path):
    worker("jax", tmp_path, "save")
    worker("tensorflow", tmp_path, "save,load")  # then JAX's files under TensorFlow
    worker("jax", tmp_path, "load")  # TensorFlow's files under JAX
    tf_saved = np.load(tmp_path / "outputs_tensorflow_save.npz")
    jax_saved = np.load(tmp_path / "outputs_jax_save.npz")
    on_jax = np.load(tmp_path / "outputs_jax_load.npz")
    on_tf = np.load(tmp_path / "outputs_tensorflow_load.npz")
    for name in NAMES:
        assert_close_to_range(on_jax[name], tf_saved[name], f"{name}, TF weights on JAX")
        assert_close_to_range(on_tf[name], jax_saved[name], f"{name}, JAX weights on TF")
    # Not vacuous: every output varies across examples and pixels.
    assert all(np.ptp(tf_saved[name]) > 0 for name in NAMES)
