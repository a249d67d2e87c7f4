"""The evaluation on the smoke preset: what `--stage=all` writes, constructed cases, bad input."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from ears_tf.evaluation.figures import pick_voices
from ears_tf.evaluation.run import EvaluationOptions, evaluate, swap_partners

TABLE1 = {"hr", "e_h", "lowres_only", "audio_only", "f1_finetune", "f3_finetune", "f1_fixed"}
TABLE2 = {"bicubic", "cnn", "f1_finetune", "f3_finetune"}


def run_evaluate(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "ears_tf.evaluate", *args], capture_output=True, text=True,
                          env=env, timeout=600)


def test_stage_all_ends_with_the_report_in_its_documented_shape(trained_smoke):
    _, workdir, result = trained_smoke
    output = workdir / "evaluation"
    report = json.loads((output / "report.json").read_text())
    assert report["n_test"] == 12  # 6 speakers x 1 test video x 2 frames
    assert set(report["table1"]) == TABLE1 and set(report["table2"]) == TABLE2
    for row in list(report["table1"].values()) + list(report["table2"].values()):
        for name in ("C_i", "C_g"):
            low, high = row[f"{name}_ci"]
            assert 0.0 <= low <= row[name] <= high <= 1.0
    for row in report["table2"].values():
        assert np.isfinite(row["psnr"]) and -1.0 <= row["ssim"] <= 1.0
    swap = report["audio_swap"]
    assert 0.0 <= swap["follows_audio"] <= 1.0 and swap["n"] == 12  # both genders are in the smoke test split
    assert len(report["claims"]) == 8
    assert {c["verdict"] for c in report["claims"].values()} <= {"holds", "does not hold",
                                                                 "not resolved at this sample size"}
    markdown = (output / "report.md").read_text()
    assert "Table 1" in markdown and "Table 2" in markdown and "paper's numbers on VoxCeleb2" in markdown
    for name in ("ablation.png", "comparison.png", "audio_mixing.png"):
        assert (output / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "[evaluation]" in result.stdout and "paper's claims:" in result.stdout


def test_a_constant_classifier_scores_chance_on_every_row(trained_smoke, tmp_path):
    import keras

    import ears_tf.models  # noqa: F401
    from ears_tf.data import records

    data, workdir, _ = trained_smoke
    copy = tmp_path / "workdir"
    shutil.copytree(workdir, copy)
    for name in ("identity_classifier.keras", "gender_classifier.keras"):
        path = copy / "classifiers" / name
        model = keras.saving.load_model(path)
        kernel, bias = model.head.get_weights()
        model.head.set_weights([np.zeros_like(kernel), np.eye(len(bias))[0] * 10.0])  # always class 0
        model.save(path)
    report = evaluate(copy, data, tmp_path / "out", EvaluationOptions(progress=False))

    manifest = records.Manifest.load(data)
    test_speakers = [s for s in manifest.speakers]
    female_share = np.mean([s["gender"] == 0 for s in test_speakers])  # one test video per speaker
    for row in list(report["table1"].values()) + list(report["table2"].values()):
        assert row["C_i"] == pytest.approx(1 / 6)  # speaker 0's two frames of twelve
        assert row["C_g"] == pytest.approx(female_share)


def test_swap_partners_are_of_the_other_gender():
    gender = np.array([0, 0, 1, 1, 1, -1])
    partners = swap_partners(gender, seed=0)
    assert partners[5] == -1
    assert all(gender[partners[i]] == 1 - gender[i] for i in range(5))
    assert list(swap_partners(np.array([1, 1]), seed=0)) == [-1, -1]  # nobody of the other gender


def test_pick_voices_alternates_genders_and_distinct_speakers():
    speaker = np.array([0, 0, 1, 2, 3, 4, 5])
    gender = np.array([0, 0, 0, 1, 1, 0, 1])
    picked = pick_voices(speaker, gender, 4)
    assert list(gender[picked]) == [0, 1, 0, 1]
    assert len(set(speaker[picked])) == 4


@pytest.mark.slow  # the same case runs in CI in tests/test_bad_input.py's matrix (evaluate_no_workdir, evaluate_missing_models)
def test_bad_input_is_one_line_exit_2_and_no_output(trained_smoke, tmp_path):
    data, workdir, _ = trained_smoke
    output = tmp_path / "report"
    result = run_evaluate(f"--workdir={tmp_path / 'nowhere'}", f"--data={data}", f"--output={output}")
    assert result.returncode == 2 and result.stderr.strip().splitlines()[-1].endswith("no such workdir")
    copy = tmp_path / "workdir"
    shutil.copytree(workdir, copy, ignore=shutil.ignore_patterns("classifiers"))
    result = run_evaluate(f"--workdir={copy}", f"--data={data}", f"--output={output}")
    assert result.returncode == 2
    assert "identity_classifier.keras: missing; run python -m ears_tf.train --stage=classifiers" in result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".partial")]


def test_the_evaluation_draws_what_infer_writes_for_the_same_pair(trained_smoke, tmp_path):
    """One composition: a test example's images in the evaluation are what `python -m ears_tf.infer`
    makes of the same face and voice given as files (the audio-swap row's code path included)."""
    import wave

    from PIL import Image

    from ears_tf.infer import inputs as infer_inputs, model as infer_model
    from ears_tf.data.image import to_uint8
    from ears_tf.evaluation.run import SWAP_ROW, Models, _test_dataset

    data, workdir, _ = trained_smoke
    models = Models(workdir)
    cfg = models.model_config
    batch = next(iter(_test_dataset(data, EvaluationOptions(batch_size=2), cfg.audio, cfg.hr_size, with_audio=True)))
    images, _, _ = models.outputs(batch["hr"], batch["lr"], batch["waveform"])
    face, voice = tmp_path / "face.png", tmp_path / "voice.wav"
    Image.fromarray(np.asarray(to_uint8(batch["hr"][0]))).save(face)
    with wave.open(str(voice), "wb") as f:  # the records' audio is 16-bit, so this file holds the same samples
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(cfg.audio.sample_rate)
        f.writeframes(np.round(batch["waveform"][0].numpy() * 32768).clip(-32768, 32767).astype("<i2").tobytes())

    out = tmp_path / "out.png"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-m", "ears_tf.infer", f"--workdir={workdir}", f"--image={face}",
                             f"--audio={voice}", f"--output={out}", f"--variant={SWAP_ROW}"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    written = np.asarray(Image.open(out).convert("RGB")).astype(int)
    expected = np.asarray(to_uint8(images[SWAP_ROW][0])).astype(int)
    assert np.abs(written - expected).max() <= 1  # rounding to uint8 only

    for variant in ("f3_finetune", "lowres_only", "audio_only"):
        model = infer_model.load_super_resolver(workdir, variant)
        loaded = infer_inputs.load_face(face, cfg), infer_inputs.load_waveform(voice, cfg)
        mine = infer_model.super_resolve(model, loaded[0].lr[None], loaded[1][None])[0]
        scale = max(1.0, float(np.abs(mine).max()))  # the untrained smoke G's images leave [-1, 1]
        np.testing.assert_allclose(mine, np.asarray(images[variant][0]), atol=1e-4 * scale, err_msg=variant)


def test_refine_steps_add_the_refined_rows_their_comparisons_and_figure(trained_smoke, tmp_path):
    data, workdir, _ = trained_smoke
    output = tmp_path / "refined"
    result = run_evaluate(f"--workdir={workdir}", f"--data={data}", f"--output={output}", "--refine_steps=3",
                          "--bootstrap_samples=50")
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((output / "report.json").read_text())
    refinement = report["refinement"]
    assert refinement["options"]["steps"] == 3
    assert set(refinement["rows"]) == {"refined_lowres_only", "refined_f1_finetune"}
    for row in refinement["rows"].values():
        assert np.isfinite(row["psnr"]) and 0.0 <= row["C_i"] <= 1.0 and 0.0 <= row["C_g"] <= 1.0
    for question, other in (("PSNR: (ii) above F", "f1_finetune"), ("PSNR: (ii) above bicubic", "bicubic"),
                            ("PSNR: (ii) above the CNN baseline", "cnn")):
        assert set(refinement["comparisons"][question]["differences"]) == {other}
    # The refined rows differ from F's: refinement moved the codes.
    assert refinement["rows"]["refined_f1_finetune"]["psnr"] != report["table2"]["f1_finetune"]["psnr"]
    markdown = (output / "report.md").read_text()
    assert "## Test-time refinement" in markdown and "(ii) refined from F, the voice's prior" in markdown
    assert (output / "figures" / "refinement.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(report["table1"]) == TABLE1 and set(report["table2"]) == TABLE2  # the paper's tables unchanged
