"""The progress line, alone and within a `--stage=all` run."""
import io
import re
import time

from ears_tf.progress import Progress, RunProgress, clock


def test_the_run_eta_extrapolates_the_planned_cost_at_the_rate_so_far(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(time, "perf_counter", lambda: now[0])
    run = RunProgress({"a": 10.0, "b": 30.0}, total_runs=3)
    run.start(2, "a")
    assert run.eta(0.0) is None  # nothing measured yet
    now[0] += 20.0
    assert run.eta(0.5) == 20.0 * (40.0 - 5.0) / 5.0  # 5 GFLOP in 20 s; 35 left
    run.finish()
    run.start(3, "b")
    now[0] += 20.0
    assert run.eta(1.0 / 3.0) == 0.0 + 40.0 * (40.0 - 20.0) / 20.0
    assert run.prefix == "[3/3]"


def test_a_progress_line_in_a_run_shows_its_place_and_the_run_eta(monkeypatch):
    stream = io.StringIO()
    run = RunProgress({"stylegan": 1.0}, total_runs=10)
    run.start(2, "stylegan")
    progress = Progress("stylegan", 4, stream=stream, every_s=0.0, run=run)
    progress.update(2, {"loss": 1.5}, force=True)
    line = stream.getvalue().strip()
    assert line.startswith("[2/10] stylegan 2/4 (50%)")
    assert "| run ETA " in line and line.endswith("loss 1.5")


def test_the_etas_weigh_steps_by_their_work(monkeypatch):
    """A growing GAN's first steps are cheap: the ETA extrapolates work, not steps."""
    now = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: now[0])
    stream = io.StringIO()
    run = RunProgress({"stylegan": 100.0}, total_runs=1)
    run.start(1, "stylegan")
    work = lambda step: float(step if step <= 5 else 5 + 10 * (step - 5))  # noqa: E731  steps 6-10 cost 10x
    progress = Progress("stylegan", 10, stream=stream, every_s=0.0, run=run, work=work)
    now[0] = 5.0
    progress.update(5, force=True)  # 5 of 55 work units in 5 s: 50 s left, not 5
    assert "| ETA 0:00:50 |" in stream.getvalue()
    assert re.search(r"\| run ETA 0:00:(49|50)$", stream.getvalue().strip())  # the same, up to rounding


def test_clock():
    assert clock(3725) == "1:02:05"
