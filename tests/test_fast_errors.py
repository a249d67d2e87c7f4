"""The command lines check their paths before TensorFlow loads: a workdir, records folder or data
root that does not exist is refused at once, not after the seconds that importing TensorFlow takes."""
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


@pytest.mark.parametrize("module, missing, args", [
    ("ears_tf.infer", "workdir", ["--image=a.png", "--audio=a.wav", "--output=out.png"]),
    ("ears_tf.evaluate", "workdir", ["--data=data", "--output=out"]),
    ("export", "workdir", ["--format=onnx", "--output=out"]),
    ("ears_tf.train", "data", ["--stage=stylegan", "--workdir=out", "--preset=smoke"]),
    ("ears_tf.data.pairs", "root", ["--output=out"]),
    ("ears_tf.data.voxceleb", "root", ["--output=out"]),
])
def test_a_missing_folder_is_refused_before_tensorflow_loads(module, missing, args, tmp_path):
    absent = tmp_path / "none"
    result = subprocess.run([sys.executable, "-c", PROBE, module, f"--{missing}={absent}", *args],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.stdout.split() == ["2", "False", "False"], result.stdout + result.stderr[-2000:]
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert str(absent) in result.stderr and not (tmp_path / "out").exists()


def test_a_missing_meta_csv_is_refused_before_tensorflow_loads(tmp_path):
    absent = tmp_path / "vox2_meta.csv"
    result = subprocess.run([sys.executable, "-c", PROBE, "ears_tf.data.voxceleb", f"--root={tmp_path}",
                             f"--meta={absent}", "--output=out"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert result.stdout.split() == ["2", "False", "False"], result.stdout + result.stderr[-2000:]
    assert result.stderr.strip() == f"error: {absent}: no such meta CSV"
