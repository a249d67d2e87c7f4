"""Several JAX processes training one stage (`ears_tf/train/processes_jax.py`), started by
`python -m ears_tf.train.launch` under `--backend=jax`: two CPU processes on loopback, Gloo
between them, against one process alone; a SIGTERM to one process stopping both at one step."""
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from ears_tf.errors import InputError
from ears_tf.train import processes_jax
from tests.train.preemption import sigterm_to_worker_1

pytest.importorskip("jax", reason="the JAX backend needs jax (pip install -e '.[dev]')")

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
ENV.pop("KERAS_BACKEND", None)
STAGE = ["--backend=jax", "--preset=smoke", "--eval_every=1000", "--progress_every_s=0"]


def launch_command(workdir, data, *flags):
    return [sys.executable, "-m", "ears_tf.train.launch", "--workers=2", "--", *STAGE, f"--data={data}",
            f"--workdir={workdir}", *flags]


def files_under(folder) -> set:
    return {os.path.relpath(os.path.join(d, f), folder) for d, _, names in os.walk(folder) for f in names}


def test_two_processes_take_the_same_steps_as_one(smoke_data, tmp_path):
    """`--input_sharding=batch`: both processes cut the same global batches and keep their halves,
    so the pair trains as one process on the whole batch: the same losses, the same weights."""
    flags = ["--stage=classifiers", "--steps=3", "--log_every=1", "--input_sharding=batch"]
    single = subprocess.run([sys.executable, "-m", "ears_tf.train", *STAGE, f"--data={smoke_data}",
                             f"--workdir={tmp_path / 'one'}", *flags], capture_output=True, text=True, env=ENV,
                            timeout=600)
    assert single.returncode == 0, single.stderr[-3000:]
    pair = subprocess.run(launch_command(tmp_path / "two", smoke_data, *flags), capture_output=True, text=True,
                          env=ENV, timeout=600)
    assert pair.returncode == 0, pair.stdout[-3000:]
    for worker in (0, 1):
        assert (f"[worker {worker}] classifiers: global batch 4 = 2 per device x 2 devices "
                "(keras.distribution.DataParallel, 2 processes, batch input sharding)") in pair.stdout

    def losses(output, prefix=""):
        return [float(m) for m in re.findall(rf"^{re.escape(prefix)}classifiers \d/3 .* loss ([\d.]+)$", output,
                                             re.M)][:3]

    one = losses(single.stdout)
    assert len(one) == 3 and one[0] > 0
    for worker in (0, 1):  # each process reports the global batch's losses
        np.testing.assert_allclose(losses(pair.stdout, f"[worker {worker}] "), one, rtol=1e-5)
    with np.load(tmp_path / "one" / "classifiers" / "checkpoints" / "ckpt-3.npz") as a, \
            np.load(tmp_path / "two" / "classifiers" / "checkpoints" / "ckpt-3.npz") as b:
        assert a.files == b.files
        # Two half-batch gradients summed differ from one full-batch gradient in the last bits
        # (2e-7 measured after three Adam steps at lr 1e-3).
        for name in a.files:
            np.testing.assert_allclose(b[name], a[name], atol=1e-5, err_msg=name)
    # Process 0 alone writes: the same files as the single process's run, one TensorBoard writer.
    def written(workdir):  # an event file is named by its time and process
        return {re.sub(r"tfevents\..*", "tfevents", f) for f in files_under(workdir)}

    assert written(tmp_path / "two") == written(tmp_path / "one")
    assert len([f for f in files_under(tmp_path / "two") if "/logs/" in f]) == 1


@pytest.mark.slow  # 70 s on 2 cores: two JAX processes stopped, then restarted
def test_sigterm_to_one_process_checkpoints_both_and_a_restart_resumes(smoke_data, tmp_path):
    workdir = tmp_path / "workdir"
    flags = ["--stage=sr_baseline", "--steps=400", "--checkpoint_every=1000"]
    output, step = sigterm_to_worker_1(launch_command(workdir, smoke_data, *flags), ENV, "[worker 1] sr_baseline 5/")
    assert 5 <= step < 400
    assert "[launch] exit statuses: worker 0 130, worker 1 130\n" in output
    index = json.loads((workdir / "sr_baseline" / "checkpoints" / "arrays.json").read_text())
    assert index == {"backend": "jax", "checkpoints": [f"ckpt-{step}.npz"]}

    flags[1] = f"--steps={step + 2}"
    result = subprocess.run(launch_command(workdir, smoke_data, *flags), capture_output=True, text=True, env=ENV,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count(f"sr_baseline: resuming at step {step} ") == 2
    done = json.loads((workdir / "sr_baseline" / "done.json").read_text())
    assert (done["steps"], done["resumed_from"]) == (step + 2, step)


def test_the_three_flags_must_describe_a_cluster():
    processes_jax.check_flags(None, 1, 0)  # one process: nothing to join
    processes_jax.check_flags("localhost:1234", 2, 1)
    with pytest.raises(InputError, match=r"--num_processes=2 needs the HOST:PORT"):
        processes_jax.check_flags(None, 2, 0)
    with pytest.raises(InputError, match=r"2 is not one of the 2 processes \(0 to 1\)"):
        processes_jax.check_flags("localhost:1234", 2, 2)


def test_the_launcher_keeps_jax_s_flags_and_refuses_the_data_service():
    for args, message in ((["--", "--backend=jax", "--process_id=1"], "leave them out of the stage flags"),
                          (["--data_service_workers=1", "--", "--backend=jax"], "under JAX each process reads")):
        result = subprocess.run([sys.executable, "-m", "ears_tf.train.launch", *args], capture_output=True, text=True,
                                env=ENV, timeout=60)
        assert result.returncode != 0 and message in result.stderr, result.stderr
