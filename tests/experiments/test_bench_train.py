"""`experiments/bench_train.py` on the smoke preset: the stylegan step's rows on both backends,
and the JAX run with TensorFlow unimportable (as on the GPU machine). Out of CI (slow): the step
itself is tested in tests/backends."""
import os
import re
import subprocess
import sys

import pytest

pytest.importorskip("jax", reason="the JAX backend needs jax (pip install -e '.[dev]')")

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Runs the script with `import tensorflow` failing, as where JAX alone is installed.
WITHOUT_TENSORFLOW = """
import importlib.abc, runpy, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "tensorflow":
            raise ImportError("no TensorFlow here")
sys.meta_path.insert(0, Refuse())
script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, __import__("os").path.dirname(script))
runpy.run_path(script, run_name="__main__")
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_the_step_s_rows_are_printed_on_each_backend(backend):
    script = os.path.join(REPO, "experiments", "bench_train.py")
    args = [script, f"--backend={backend}", "--preset=smoke", "--batch=4", "--seconds=1"]
    command = [sys.executable, "-c", WITHOUT_TENSORFLOW, *args] if backend == "jax" else [sys.executable, *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=os.path.join(REPO, "experiments"),
                            env=dict(os.environ, PYTHONPATH=REPO, TF_CPP_MIN_LOG_LEVEL="3"), timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"backend {backend}; preset smoke" in result.stdout
    rates = re.findall(r"^(G \+ D step.*?|as trained.*?)\s+([\d.]+)\s+([\d,.]+)\s", result.stdout, re.M)
    assert len(rates) == 3 and all(float(rate.replace(",", "")) > 0 for _, _, rate in rates), result.stdout


@pytest.mark.slow
def test_the_fused_forward_row_is_printed_without_tensorflow():
    """The device script's last row: the fused model's forward under JAX, where TensorFlow is absent."""
    script = os.path.join(REPO, "experiments", "bench_train.py")
    result = subprocess.run([sys.executable, "-c", WITHOUT_TENSORFLOW, script, "--backend=jax", "--preset=smoke",
                             "--stage=inference", "--precision=mixed_bfloat16", "--batch=4", "--seconds=1"],
                            capture_output=True, text=True, cwd=os.path.join(REPO, "experiments"),
                            env=dict(os.environ, PYTHONPATH=REPO, TF_CPP_MIN_LOG_LEVEL="3"), timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    [rate] = re.findall(r"^fused F3 forward\s+[\d.]+\s+([\d,.]+)\s", result.stdout, re.M)
    assert float(rate.replace(",", "")) > 0, result.stdout
