import os

# First, so that the tests run TensorFlow with the log level users get.
import ears_tf  # noqa: F401

import dataclasses  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402
from filelock import FileLock  # noqa: E402


def shared_folder(tmp_path_factory, name: str, build):
    """ROOT/name, made (empty) then filled by `build(folder)` once per test run: under pytest-xdist (pytest.ini
    runs two workers) the first worker to ask builds it and the others wait for it."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    folder, done = root / name, root / f"{name}.done"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            folder.mkdir(exist_ok=True)
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def smoke_config():
    from ears_tf import config

    return config.get_preset("smoke")


@pytest.fixture(scope="session")
def smoke_data(tmp_path_factory, smoke_config):
    """A smoke-preset records folder, generated once per test session."""
    from ears_tf.data.synthetic.dataset import generate

    return shared_folder(tmp_path_factory, "smoke", lambda folder: generate(
        folder / "records", smoke_config, seed=0, workers=1, progress=False)) / "records"


@pytest.fixture(scope="session")
def premise_data(tmp_path_factory):
    """Quickstart resolution, fewer speakers: enough to measure the premise in CI."""
    from ears_tf import config
    from ears_tf.data.synthetic.dataset import generate

    quickstart = config.get_preset("quickstart")
    small = dataclasses.replace(
        quickstart,
        data=dataclasses.replace(quickstart.data, speakers=150, videos_d1=1, videos_d2=2, videos_test=1, frames_per_video=2),
    ).validate()
    return shared_folder(tmp_path_factory, "premise", lambda folder: generate(
        folder / "records", small, seed=1, workers=2, progress=False)) / "records"


@pytest.fixture(scope="session")
def trained_smoke(tmp_path_factory):
    """`--stage=all` on the smoke preset from an empty data folder, 2 steps a stage.

    Returns (data dir, workdir, the completed process). Tests that change the workdir copy it.
    """
    def build(root):
        data, workdir = root / "data", root / "workdir"
        result = subprocess.run(
            [sys.executable, "-m", "ears_tf.train", "--preset=smoke", "--jit=false", "--stage=all", f"--data={data}",
             f"--workdir={workdir}", "--steps=2", "--eval_every=1", "--workers=1"],
            # TensorFlow's log level as a user gets it (ears_tf's default), so the log can be checked.
            capture_output=True, text=True, timeout=900,
            env={name: value for name, value in os.environ.items() if name != "TF_CPP_MIN_LOG_LEVEL"},
        )
        (root / "result.json").write_text(json.dumps([result.args, result.returncode, result.stdout, result.stderr]))

    root = shared_folder(tmp_path_factory, "all", build)
    result = subprocess.CompletedProcess(*json.loads((root / "result.json").read_text()))
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "data", root / "workdir", result
