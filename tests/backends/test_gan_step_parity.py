"""The `stylegan` stage's objectives are written once: TensorFlow's tape and JAX's
`value_and_grad` give the same losses and gradients on the same weights and inputs."""
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("jax", reason="the JAX backend needs jax (pip install -e '.[dev]')")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKER = os.path.join(ROOT, "tests", "backends", "gan_step_worker.py")


def worker(backend: str, folder) -> np.lib.npyio.NpzFile:
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, WORKER, str(folder)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"{backend}:\n{result.stderr[-4000:]}"
    return np.load(os.path.join(folder, f"outputs_{backend}.npz"))


def test_both_backends_differentiate_the_same_objectives(tmp_path):
    on_jax = worker("jax", tmp_path)  # writes the shared weights and inputs
    on_tf = worker("tensorflow", tmp_path)
    assert sorted(on_jax.files) == sorted(on_tf.files)
    for name in ("d_total", "d_loss", "r1", "g_loss"):
        np.testing.assert_allclose(on_jax[name], on_tf[name], rtol=1e-4, err_msg=name)
    assert float(on_tf["r1"]) > 0.0  # R1's input gradient is there, and its own gradient below
    gradients = [name for name in on_tf.files if "_grad_" in name]
    assert any(name.startswith("d_grad_") for name in gradients) and any(name.startswith("g_grad_") for name in gradients)
    largest = {group: max(float(np.abs(on_tf[name]).max()) for name in gradients if name.startswith(group))
               for group in ("d_grad_", "g_grad_")}
    for name in gradients:
        expected = on_tf[name]
        # Within 1e-3 of the variable's own gradient; a gradient that is zero in exact arithmetic (a bias
        # just before an instance norm) is float noise on both backends, within 1e-5 of the network's largest.
        scale = max(float(np.abs(expected).max()), 1e-2 * largest[name[:7]])
        error = float(np.abs(on_jax[name] - expected).max())
        assert error <= 1e-3 * scale, f"{name}: max difference {error:.3g} against {scale:.3g}"
    np.testing.assert_allclose(on_jax["w_mean"], on_tf["w_mean"], atol=1e-5)
