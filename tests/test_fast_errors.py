"""The command lines check their paths before TensorFlow loads: a workdir or records folder that
does not exist is refused at once, not after the seconds that importing TensorFlow takes."""
import subprocess
import sys

import pytest

# Each module run as `python -m` would run it, in a fresh interpreter; then its exit status and what it imported.
PROBE = """
import runpy, sys
sys.argv = [sys.argv[1]] + sys.argv[2:]
try:
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
except SystemExit as stopped:
    print(stopped.code, "tensorflow" in sys.modules, "keras" in sys.modules)
"""


@pytest.mark.parametrize("module, args", [
    ("ears_tf.infer", ["--image=a.png", "--audio=a.wav", "--output=out.png"]),
    ("ears_tf.evaluate", ["--data=data", "--output=out"]),
    ("export", ["--format=onnx", "--output=out"]),
    ("ears_tf.train", ["--stage=stylegan", "--data=data", "--preset=smoke"]),
])
def test_a_missing_folder_is_refused_before_tensorflow_loads(module, args, tmp_path):
    result = subprocess.run([sys.executable, "-c", PROBE, module, f"--workdir={tmp_path / 'none'}", *args],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.stdout.split() == ["2", "False", "False"], result.stdout + result.stderr[-2000:]
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
