"""`experiments/jax_cache_check.py`: a donated step run without the cache, filling it and loading
from it, each in its own process, with a verdict that follows the three results."""
import os
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("jax", reason="the check runs JAX")

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "experiments" / "jax_cache_check.py"


def test_the_three_runs_and_a_verdict_that_follows_them():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = {line[:20].strip(): line[20:].strip() for line in result.stdout.splitlines()[1:4]}  # label, result
    assert list(lines) == ["no cache", "filling the cache", "loading from it"]
    uncached = lines["no cache"].split()
    assert len(uncached) == 2 and all(float(value) for value in uncached)
    assert lines["filling the cache"] == lines["no cache"]
    same = lines["loading from it"] == lines["no cache"]
    verdict = "the cached step matches" if same else "the cached step does NOT match: keep the cache off"
    assert result.stdout.splitlines()[-1] == f"verdict: {verdict}"
