"""`experiments/run_times.py`: the table of a `--stage=all` run's time, from WORKDIR/run.json
and from the run's printed output."""
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_times(*args):
    return subprocess.run([sys.executable, os.path.join(REPO, "experiments", "run_times.py"), *args],
                          capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), timeout=300)


def test_the_table_has_a_row_per_phase_from_run_json_and_from_the_log(trained_smoke, tmp_path):
    _, workdir, result = trained_smoke
    times = json.loads((workdir / "run.json").read_text())
    log = tmp_path / "run.log"
    log.write_text(result.stdout)
    tables = {}
    for source, args in (("json", ()), ("log", (f"--log={log}",))):
        out = run_times(f"--workdir={workdir}", *args)
        assert out.returncode == 0, out.stderr[-2000:]
        rows = [line.split("|")[1].strip() for line in out.stdout.splitlines() if line.startswith("| ")]
        tables[source] = rows
    expected = ["phase", *(phase["phase"] for phase in times["phases"]), "start-up and the rest", "**run**"]
    assert tables["json"] == expected and tables["log"] == expected


def test_a_missing_record_is_one_line_exit_2(tmp_path):
    out = run_times(f"--workdir={tmp_path}")
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0 and "run.json" in out.stderr
