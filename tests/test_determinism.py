"""`ears_tf.determinism`: what `--deterministic` sets, each case in a fresh process (TensorFlow's
threads are fixed once its runtime starts)."""
import json
import os
import subprocess
import sys

import pytest

_QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3"}


def _run(code: str, **env) -> dict:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("TF_NUM_INTEROP_THREADS", "TF_DETERMINISTIC_OPS", "XLA_FLAGS")}
    result = subprocess.run([sys.executable, "-c", code], env={**environ, **_QUIET, **env},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


_FAKE_GPU = """
import tensorflow as tf
listed = tf.config.list_physical_devices
tf.config.list_physical_devices = lambda kind=None: ["GPU:0"] if kind == "GPU" else listed(kind)
"""

_ENABLED = """
import json, os
from ears_tf import determinism
determinism.enable()
import tensorflow as tf
from tensorflow.python.framework import config
print(json.dumps({"describe": determinism.describe(), "op_determinism": config.is_op_determinism_enabled(),
                  "threads": tf.config.threading.get_inter_op_parallelism_threads(), "xla": os.environ["XLA_FLAGS"],
                  "child": os.popen("echo $TF_NUM_INTEROP_THREADS $TF_DETERMINISTIC_OPS").read().strip()}))
"""


def test_on_the_cpu_enable_sets_one_thread_here_and_for_the_processes_it_starts():
    out = _run(_ENABLED)
    assert out["describe"] == "inter-op threads: 1; op determinism: off"
    assert out["op_determinism"] is False and out["threads"] == 1
    assert out["xla"] == "--xla_gpu_deterministic_ops=true"
    assert out["child"] == "1"


def test_with_a_gpu_enable_also_turns_on_tensorflows_op_determinism():
    out = _run(_FAKE_GPU + _ENABLED)
    assert out["describe"] == "inter-op threads: 1; op determinism: on"
    assert out["op_determinism"] is True and out["threads"] == 1
    assert out["child"] == "1 1"


def test_enable_keeps_the_users_xla_flags_and_their_own_choice_of_gpu_determinism():
    keep = "--xla_force_host_platform_device_count=1"
    assert _run(_ENABLED, XLA_FLAGS=keep)["xla"] == f"{keep} --xla_gpu_deterministic_ops=true"
    own = "--xla_gpu_deterministic_ops=false"
    assert _run(_ENABLED, XLA_FLAGS=own)["xla"] == own


def test_without_enable_tensorflow_keeps_its_defaults():
    out = _run("""
import json
from ears_tf import determinism
import tensorflow as tf
from tensorflow.python.framework import config
tf.random.normal([2])
print(json.dumps({"describe": determinism.describe(), "op_determinism": config.is_op_determinism_enabled()}))
""")
    assert out == {"describe": "inter-op threads: default; op determinism: off", "op_determinism": False}


_DRAWS = """
import json
import tensorflow as tf
from ears_tf import determinism
if ENABLE:
    determinism.enable()
order = [int(i) for i in tf.data.Dataset.range(8).shuffle(8, seed=3)]
seeded = tf.random.uniform([3], seed=5).numpy().tolist()
unseeded = tf.random.normal([3]).numpy().tolist() if ENABLE else None
print(json.dumps({"order": order, "seeded": seeded, "unseeded": unseeded}))
"""


def test_with_op_determinism_an_op_with_its_own_seed_draws_what_it_draws_without_and_one_without_a_seed_repeats():
    off = _run(_DRAWS.replace("ENABLE", "False"))
    on, again = (_run(_FAKE_GPU + _DRAWS.replace("ENABLE", "True")) for _ in range(2))
    assert (on["order"], on["seeded"]) == (off["order"], off["seeded"])
    assert on["unseeded"] == again["unseeded"]  # op determinism would refuse it without the global seed
    from tensorflow.python.framework import random_seed

    from ears_tf import determinism

    assert determinism.TENSORFLOW_DEFAULT_GRAPH_SEED == random_seed.DEFAULT_GRAPH_SEED


def test_enable_after_tensorflow_ran_an_op_is_refused():
    out = _run("""
import json
import tensorflow as tf
from ears_tf import determinism
tf.constant(1.0) + 1.0
try:
    determinism.enable()
    print(json.dumps({"error": None}))
except RuntimeError as error:
    print(json.dumps({"error": str(error)}))
""")
    assert "before TensorFlow runs its first op" in out["error"]


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_the_trainers_flag_turns_it_on_and_is_recorded(backend, smoke_data, tmp_path):
    workdir = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "ears_tf.train", "--stage=feature_net", "--preset=smoke",
                             f"--data={smoke_data}", f"--workdir={workdir}", "--steps=2", "--deterministic",
                             f"--backend={backend}"],
                            env={**os.environ, **_QUIET}, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "deterministic: inter-op threads: 1; op determinism: off" in result.stdout
    overrides = json.loads((workdir / "config.json").read_text())["overrides"]
    assert overrides == {"steps": 2, "seed": 0, "deterministic": True}
