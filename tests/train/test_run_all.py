"""`--stage=all`'s record of where its time went: WORKDIR/run.json."""
import json
import subprocess
import sys

import numpy as np
import pytest

from ears_tf.train import registry


def test_run_json_times_every_phase_of_the_run(trained_smoke):
    _, workdir, _ = trained_smoke
    times = json.loads((workdir / "run.json").read_text())
    names = [phase["phase"] for phase in times["phases"]]
    assert names == ["data", *(run.run_name for run in registry.ALL_RUNS), "evaluation"]
    assert all(phase["seconds"] > 0 for phase in times["phases"])
    assert sum(phase["seconds"] for phase in times["phases"]) <= times["seconds"]
    stages = [phase for phase in times["phases"] if "steps" in phase]
    assert all(phase["steps"] == 2 and phase["batch_size"] > 0 and phase["planned_gflop"] >= 0 for phase in stages)
    assert times["onednn"] is True  # ears_tf turns oneDNN on unless TF_ENABLE_ONEDNN_OPTS says otherwise
    assert abs(times["scaled_seconds"] - times["seconds"] * times["matmul_gflops"] / times["reference_gflops"]) < 0.2


def _weights(path):
    """{array name: values} of a .keras file, read from its weights file without Keras."""
    import io
    import zipfile

    import h5py

    arrays = {}
    with zipfile.ZipFile(path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as weights:
        weights.visititems(lambda name, item: arrays.__setitem__(name, np.array(item))
                           if isinstance(item, h5py.Dataset) else None)
    return arrays


@pytest.mark.slow  # 200 s on 2 cores: the whole run twice
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_the_same_command_twice_trains_the_same_models_and_evaluation(backend, smoke_data, tmp_path):
    runs = [tmp_path / "a", tmp_path / "b"]
    for workdir in runs:
        subprocess.run([sys.executable, "-m", "ears_tf.train", "--stage=all", "--preset=smoke", f"--backend={backend}",
                        f"--data={smoke_data}", f"--workdir={workdir}", "--steps=10", "--eval_every=5"],
                       check=True, capture_output=True, timeout=900)
    models = sorted(path.relative_to(runs[0]) for path in runs[0].rglob("*.keras"))
    assert len(models) >= 10
    for model in models:
        first, again = _weights(runs[0] / model), _weights(runs[1] / model)
        assert first.keys() == again.keys(), model
        for name in first:
            np.testing.assert_array_equal(first[name], again[name], err_msg=f"{model} {name}")
    reports = [json.loads((workdir / "evaluation" / "report.json").read_text()) for workdir in runs]
    for report, workdir in zip(reports, runs):
        assert json.dumps(report).count(str(workdir)) == 1  # the one field that differs
    assert json.dumps(reports[0]).replace(str(runs[0]), "") == json.dumps(reports[1]).replace(str(runs[1]), "")
