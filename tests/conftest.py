import os

# XLA's CPU code unoptimised (LLVM -O0), in this process and the subprocesses it starts: the suite
# compiles far more than it runs (a smoke `--stage=all` under JAX took 116 s, 25 s with its
# compilations cached, 91 s at -O0). Set before TensorFlow or JAX reads it.
os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} --xla_backend_optimization_level=0".strip()

# Then, so that the tests run TensorFlow with the log level users get.
import ears_tf  # noqa: F401, E402

import collections  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

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


_BUILDS = []  # the trained smoke workdir's build processes in this process, stopped at the session's end


def _build_trained_smoke(root):
    data, workdir = root / "data", root / "workdir"
    process = subprocess.Popen(
        [sys.executable, "-m", "ears_tf.train", "--preset=smoke", "--jit=false", "--stage=all", f"--data={data}",
         f"--workdir={workdir}", "--steps=2", "--eval_every=1", "--workers=1"],
        # TensorFlow's log level as a user gets it (ears_tf's default), so the log can be checked.
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={name: value for name, value in os.environ.items() if name != "TF_CPP_MIN_LOG_LEVEL"},
    )
    _BUILDS.append(process)
    stdout, stderr = process.communicate(timeout=900)
    (root / "result.json").write_text(json.dumps([process.args, process.returncode, stdout, stderr]))


def pytest_sessionstart(session):
    """The whole suite on pytest-xdist workers: the controller starts building the trained smoke
    workdir at once, beside the first tests, instead of one worker building it while the other waits
    idle on its lock when both reach the tests that read it."""
    config = session.config
    whole_suite = config.args_source == pytest.Config.ArgsSource.TESTPATHS and not config.option.keyword
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None) or not whole_suite:
        return
    factory = config._tmp_path_factory
    factory.getbasetemp()  # made here, before the workers' folders are made inside it
    threading.Thread(target=shared_folder, args=(factory, "all", _build_trained_smoke), daemon=True).start()


# The suite's longest files (pytest --durations, 2026-12-05), handed out first so that the two
# workers finish together instead of one running a long file while the other is done. The readers
# of the trained smoke workdir come third and fourth: by then the controller has built it.
LONGEST_FIRST = (
    "tests/train/test_train_on_jax.py",
    "tests/backends/test_harness_on_jax.py",
    "tests/test_bad_input.py",
    "tests/export/test_export.py",
    "tests/evaluation/test_run.py",
    "tests/infer/test_main.py",
    "tests/backends/test_data_parallel.py",
    "tests/backends/test_parity.py",
    "tests/demo/test_browser.py",
    "tests/train/test_processes_jax.py",
    "tests/backends/test_gan_step_parity.py",
    "tests/train/test_code_cache.py",
    "tests/train/test_stylegan_stage.py",
)


def pytest_collection_modifyitems(config, items):
    """Files in the order pytest-xdist hands them out (pytest.ini turns its own reordering off):
    LONGEST_FIRST, then the others by their number of tests, most first, as xdist would."""
    counts = collections.Counter(item.nodeid.split("::")[0] for item in items)

    def rank(item):
        path = item.nodeid.split("::")[0]
        if path in LONGEST_FIRST:
            return LONGEST_FIRST.index(path), 0
        return len(LONGEST_FIRST), -counts[path]

    items.sort(key=rank)  # stable: each file's tests keep their order


def pytest_sessionfinish(session):
    for process in _BUILDS:
        if process.poll() is None:
            process.kill()


@pytest.fixture(scope="session")
def trained_smoke(tmp_path_factory):
    """`--stage=all` on the smoke preset from an empty data folder, 2 steps a stage.

    Returns (data dir, workdir, the completed process). Tests that change the workdir copy it.
    """
    root = shared_folder(tmp_path_factory, "all", _build_trained_smoke)
    result = subprocess.CompletedProcess(*json.loads((root / "result.json").read_text()))
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "data", root / "workdir", result
