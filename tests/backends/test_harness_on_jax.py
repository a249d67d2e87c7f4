"""The layer and model contracts (tests/test_case.py) under the JAX backend, in a subprocess:
the backend is chosen when Keras is first imported, and this process runs TensorFlow."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

jax = pytest.importorskip("jax", reason="the JAX backend needs jax (pip install -e '.[dev]')")


def run_under(backend: str, *pytest_args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, KERAS_BACKEND=backend)
    command = [sys.executable, "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider", "-m", "not slow",
               *pytest_args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def passed_every_test(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout and " skipped" not in result.stdout


def test_every_model_contract_a_g_and_d_step_refinement_and_adam_restarts_pass_under_jax():
    # The models are built of every layer; the F3 model stands for the other variants (slow-marked).
    passed_every_test(run_under("jax", "tests/models", "tests/backends/test_jax_step.py", "tests/test_refine.py",
                                "tests/train/test_restarting_adam.py",
                                # The trajectory is the same loop read in pieces: TensorFlow's run covers it.
                                "-k", "(contract or g_and_d_step or refine or restart) and not trajectory"))


@pytest.mark.slow  # 60 s on 2 cores; the models' contracts above use every layer
def test_every_layer_contract_passes_under_jax():
    passed_every_test(run_under("jax", "tests/layers", "-k", "contract"))
