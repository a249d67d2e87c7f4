"""`experiments/gender_classifier.py` and `audio_gender_ceiling.py`: C_g's verdicts on real and generated faces."""
import pytest
import os
import re
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(script, *args):
    out = subprocess.run([sys.executable, os.path.join(REPO, "experiments", script), *args],
                         capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def shares(line):
    return [float(x) for x in re.findall(r"\d\.\d{3}", line)]


def test_one_gender_classifier_per_seed_judges_real_and_generated_faces(trained_smoke):
    data, workdir, _ = trained_smoke
    out = run("gender_classifier.py", f"--data={data}", f"--judge={workdir}", "--preset=smoke", "--epochs=1",
              "--seeds=0,1", "--batch_size=4", "--input_size=16")
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("seed")] == ["seed 0", "seed 1"]
    real = [line for line in out.splitlines() if line.startswith("| real test faces |")]
    generated = [line for line in out.splitlines() if line.startswith(f"| G(E_h(x)) of {workdir} |")]
    assert len(real) == 1 and len(generated) == 1
    for line in real + generated:
        values = shares(line)
        assert len(values) == 5 and all(0.0 <= v <= 1.0 for v in values)  # 2 accuracies, their mean, 2 male shares


def test_audio_gender_ceiling_prints_the_l1_baselines_and_the_three_c_g_rows(trained_smoke):
    data, workdir, _ = trained_smoke
    out = run("audio_gender_ceiling.py", f"--data={data}", f"--workdir={workdir}", "--preset=smoke")
    lines = out.splitlines()
    for label in ("E_a(voice)", "d1 median (constant)", "d1 median of the speaker's gender"):
        row = [line for line in lines if line.startswith(f"| {label} |")]
        assert len(row) == 1 and float(row[0].split("|")[2]) > 0, label
    for label in ("G(frontal code) of test faces", "G(mean d1 code of each gender)", "G(E_a(voice)), row (c)"):
        row = [line for line in lines if line.startswith(f"| {label} |")]
        assert len(row) == 1 and all(0.0 <= v <= 1.0 for v in shares(row[0])), label


@pytest.mark.slow  # 15 s on 2 cores: the experiment's second run
def test_audio_gender_ceiling_without_pretrain_audio_leaves_out_the_e_a_rows(trained_smoke, tmp_path):
    data, workdir, _ = trained_smoke
    for name in ("config.json", "stylegan", "encoder_hr", "classifiers"):
        copy = shutil.copytree if (workdir / name).is_dir() else shutil.copy
        copy(workdir / name, tmp_path / name)
    out = run("audio_gender_ceiling.py", f"--data={data}", f"--workdir={tmp_path}", "--preset=smoke")
    assert "| d1 median (constant) |" in out and "| G(mean d1 code of each gender) |" in out
    assert "E_a" not in out
