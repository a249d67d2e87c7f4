"""ears_tf.machine: the CPU kernels TensorFlow runs once ears_tf is imported."""
import os
import subprocess
import sys

import pytest

PROBE = "import ears_tf; from ears_tf import machine; print(machine.onednn_enabled())"


def kernels_after_import(setting: str | None) -> str:
    env = {key: value for key, value in os.environ.items() if key != "TF_ENABLE_ONEDNN_OPTS"}
    if setting is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = setting
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("setting, expected", [(None, "True"), ("1", "True"), ("0", "False")])
def test_importing_ears_tf_turns_onednn_on_unless_the_user_said_otherwise(setting, expected):
    # TensorFlow itself leaves oneDNN off on AVX2-only CPUs, where its fallback convolutions are 1.5-2x slower.
    assert kernels_after_import(setting) == expected
