"""ears_tf.machine: the CPU kernels TensorFlow runs for training (ears_tf.train) and for the rest."""
import os
import subprocess
import sys

import pytest

PROBE = "import ears_tf.{package}; from ears_tf import machine; print(machine.onednn_enabled())"


def kernels_after_import(package: str, setting: str | None) -> str:
    env = {key: value for key, value in os.environ.items() if key != "TF_ENABLE_ONEDNN_OPTS"}
    if setting is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = setting
    done = subprocess.run([sys.executable, "-c", PROBE.format(package=package)], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("setting, expected", [(None, "True"), ("1", "True"), ("0", "False")])
def test_training_turns_onednn_on_unless_the_user_said_otherwise(setting, expected):
    # TensorFlow itself leaves oneDNN off on AVX2-only CPUs, where its fallback trains 1.5-2x slower.
    assert kernels_after_import("train", setting) == expected


def test_inference_keeps_tensorflows_choice_of_kernels():
    # At the paper's widths oneDNN made a batch-1 forward 2.2x slower on an AVX2 CPU.
    tensorflows_choice = kernels_after_import("machine", None)  # ears_tf.machine sets nothing
    assert kernels_after_import("infer.model", None) == tensorflows_choice
