"""The `stylegan` stage's JAX step over two devices (`keras.distribution.DataParallel`, two CPU
host devices): the batch split, the weights replicated, gradients and losses as on one device."""
import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("jax", reason="the JAX backend needs jax (pip install -e '.[dev]')")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_two_devices_give_one_device_s_gradients():
    env = dict(os.environ, KERAS_BACKEND="jax", PYTHONPATH=ROOT,
               XLA_FLAGS=f"{os.environ.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count=2")
    result = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "backends", "data_parallel_worker.py")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for network in ("d", "g"):
        assert report[network]["shard_batches"] == [2, 2]  # 4 images, 2 on each device
        assert report[network]["largest"] > 0
        # Within 1e-5 of the largest gradient: the two devices' partial sums are added in another order.
        assert report[network]["difference"] <= 1e-5 * report[network]["largest"], report[network]
    one, two = report["step_losses"]
    assert one.keys() == two.keys() == {"d_loss", "g_loss", "r1"}
    for name in one:
        assert abs(one[name] - two[name]) <= 1e-5 * max(abs(one[name]), 1.0), (name, one[name], two[name])
