import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import dataclasses  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def smoke_config():
    from ears_tf import config

    return config.get_preset("smoke")


@pytest.fixture(scope="session")
def smoke_data(tmp_path_factory, smoke_config):
    """A smoke-preset records folder, generated once per test session."""
    from ears_tf.data.synthetic.dataset import generate

    path = tmp_path_factory.mktemp("smoke") / "records"
    generate(path, smoke_config, seed=0, workers=1, progress=False)
    return path


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
    path = tmp_path_factory.mktemp("premise") / "records"
    generate(path, small, seed=1, workers=2, progress=False)
    return path


@pytest.fixture(scope="session")
def trained_smoke(tmp_path_factory):
    """`--stage=all` on the smoke preset from an empty data folder, 2 steps a stage.

    Returns (data dir, workdir, the completed process). Tests that change the workdir copy it.
    """
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("all")
    data, workdir = root / "data", root / "workdir"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, "-m", "ears_tf.train", "--preset=smoke", "--jit=false", "--stage=all", f"--data={data}",
         f"--workdir={workdir}", "--steps=2", "--eval_every=1", "--workers=1"],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return data, workdir, result
