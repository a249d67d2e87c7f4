"""`--stage=all`'s record of where its time went: WORKDIR/run.json."""
import json

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
