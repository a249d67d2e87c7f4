"""`experiments/gradient_repeatability.py`: one batch's gradient, computed again and compared."""
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def repeat(*args):
    return subprocess.run([sys.executable, os.path.join(REPO, "experiments", "gradient_repeatability.py"), *args],
                          capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), timeout=600)


def test_each_call_is_compared_with_the_first_on_the_workdirs_preset(trained_smoke):
    data, workdir, _ = trained_smoke
    out = repeat(f"--workdir={workdir}", f"--data={data}", "--stage=fusion", "--fusion=f1_finetune", "--calls=2",
                 "--beside=data")
    assert out.returncode == 0, out.stderr[-2000:]
    calls = [line for line in out.stdout.splitlines() if line.startswith("call ")]
    assert [line.split(":")[0] for line in calls] == ["call 1", "call 2"]
    for line in calls:
        differing, total = map(int, re.search(r": (\d+) of (\d+) gradients differ", line).groups())
        assert total > 2 and 0 <= differing <= total  # F's kernel and bias, and E_a's variables
    summary = out.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"fusion/f1_finetune: [0-2] of 2 calls differ from the first \(beside: data; inter-op "
                        r"threads: default; op determinism: off\)", summary), summary


def test_deterministic_runs_as_the_trainers_flag_does(trained_smoke):
    data, workdir, _ = trained_smoke
    out = repeat(f"--workdir={workdir}", f"--data={data}", "--stage=fusion", "--fusion=f1_finetune", "--calls=2",
                 "--beside=data", "--deterministic")
    assert out.returncode == 0, out.stderr[-2000:]
    summary = out.stdout.strip().splitlines()[-1]
    assert summary == ("fusion/f1_finetune: 0 of 2 calls differ from the first "
                       "(beside: data; inter-op threads: 1; op determinism: off)"), summary


def test_a_workdir_without_the_stages_prerequisites_is_one_line_exit_2(trained_smoke, tmp_path):
    data, _, _ = trained_smoke
    out = repeat(f"--workdir={tmp_path}", f"--data={data}", "--preset=smoke")
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0, out.stderr[-2000:]
    assert str(tmp_path) in out.stderr


def test_a_stage_with_two_losses_is_refused_in_one_line(trained_smoke):
    data, workdir, _ = trained_smoke
    out = repeat(f"--workdir={workdir}", f"--data={data}", "--stage=stylegan")
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0, out.stderr[-2000:]
    assert "--stage" in out.stderr and "stylegan" in out.stderr
