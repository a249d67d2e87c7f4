"""`--stage=all` and the encoder / fusion stages through the CLI, on the smoke preset, a few steps each."""
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

STAGE_DIRS = ("feature_net", "stylegan", "encoder_hr", "pretrain_lowres", "pretrain_audio",
              "fusion/f1_finetune", "fusion/f3_finetune", "fusion/f1_fixed", "classifiers", "sr_baseline")


def train(*args, timeout=600):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [sys.executable, "-m", "ears_tf.train", "--preset=smoke", "--jit=false", *args],
        capture_output=True, text=True, env=env, timeout=timeout,
    )


def error_lines(result):
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


@pytest.fixture(scope="module")
def quickstart(trained_smoke):
    return trained_smoke


def test_all_generates_data_and_runs_every_stage_in_order(quickstart):
    data, workdir, result = quickstart
    assert (data / "manifest.json").exists()
    starts = re.findall(r"^(\[\d+/\d+\] \S+(?=: )|\[evaluation\])", result.stdout, re.M)
    assert starts[:-1] == [f"[{i}/{len(STAGE_DIRS)}] {name}" for i, name in enumerate(STAGE_DIRS, start=1)]
    assert starts[-1] == "[evaluation]"  # then the evaluation
    # The run's place and ETA on every progress line, the machine's rate first, the scaled time last.
    assert re.search(r"^\[2/\d+\] stylegan 2/2 .*\| run ETA \d+:\d\d:\d\d", result.stdout, re.M)
    assert re.search(r"^machine: .*, float32 matmul \d+ GFLOP/s", result.stdout, re.M)
    assert re.search(r"^run: .* scaled to the 216 GFLOP/s reference machine: \d+:\d\d:\d\d$", result.stdout, re.M)
    assert "all stages complete" in result.stdout
    for stage_dir in STAGE_DIRS:
        done = json.loads((workdir / stage_dir / "done.json").read_text())
        assert done["steps"] == 2, stage_dir
        for path in done["outputs"]:
            assert os.path.isfile(path), path
            assert path in result.stdout  # the final summary names every output file


def test_each_encoder_stage_writes_its_model_figures_and_test_metrics(quickstart):
    _, workdir, _ = quickstart
    expected = {
        "encoder_hr": ("encoder_hr.keras", {"psnr"}),
        "pretrain_lowres": ("encoder_lr.keras", {"psnr", "lr_consistency_psnr"}),
        "pretrain_audio": ("encoder_audio.keras", {"latent_l1", "frontal_psnr"}),
        "fusion/f1_finetune": ("fusion.keras", {"psnr", "psnr_low_res_only", "lr_consistency_psnr"}),
        "sr_baseline": ("sr_baseline.keras", {"psnr", "psnr_bicubic"}),
    }
    for stage_dir, (model, metrics) in expected.items():
        folder = workdir / stage_dir
        assert (folder / model).exists()
        assert (folder / "figures" / "step_000001.png").exists() and (folder / "figures" / "step_000002.png").exists()
        lines = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]
        assert [line["step"] for line in lines] == [1, 2]
        for line in lines:
            assert metrics <= set(line), stage_dir
            assert all(np.isfinite(line[name]) for name in metrics)
            assert line["examples"] == 12  # the smoke test split: 6 speakers x 1 video x 2 frames
    assert "perceptual loss on the trained StyleGAN discriminator" in quickstart[2].stdout


def test_pretrain_audio_exports_the_step_with_the_best_held_out_latent_l1(quickstart):
    import keras

    import ears_tf.models  # noqa: F401  (registers the saved classes)

    _, workdir, result = quickstart
    folder = workdir / "pretrain_audio"
    logged = {line["step"]: line["val_latent_l1"] for line in map(json.loads, (folder / "metrics.jsonl").read_text().splitlines())}
    best = json.loads((folder / "best" / "best.json").read_text())
    assert best["split"] == "d2" and best["value"] == min(logged.values()) and logged[best["step"]] == best["value"]
    exported = keras.saving.load_model(folder / "encoder_audio.keras", compile=False)
    kept = keras.saving.load_model(folder / "best" / "encoder_audio.keras", compile=False)
    for a, b in zip(exported.get_weights(), kept.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert f"pretrain_audio: exporting the models of step {best['step']}, the best val_latent_l1" in result.stdout


def test_classifiers_stage_writes_both_classifiers_and_their_test_accuracy(quickstart):
    _, workdir, _ = quickstart
    folder = workdir / "classifiers"
    assert (folder / "identity_classifier.keras").exists() and (folder / "gender_classifier.keras").exists()
    last = json.loads((folder / "metrics.jsonl").read_text().splitlines()[-1])
    assert 0.0 <= last["identity_accuracy"] <= 1.0 and 0.0 <= last["gender_accuracy"] <= 1.0


def test_rerunning_all_skips_what_is_complete(quickstart):
    data, workdir, _ = quickstart
    times = (workdir / "run.json").read_text()
    result = train("--stage=all", f"--data={data}", f"--workdir={workdir}", "--steps=2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("already complete, skipped") == len(STAGE_DIRS) + 1  # every stage run and the evaluation
    assert (workdir / "run.json").read_text() == times  # the record of the run that did the work stays


# Out of CI: the loop's resume is checked in process (test_loop.py) and across processes on two
# workers (test_launch.py); this one resumes a real encoder stage through the CLI.
@pytest.mark.slow
def test_a_stage_resumes_from_its_checkpoint(quickstart, tmp_path):
    data, workdir, _ = quickstart
    copy = tmp_path / "workdir"
    shutil.copytree(workdir, copy)
    result = train("--stage=pretrain_lowres", f"--data={data}", f"--workdir={copy}", "--steps=3", "--eval_every=100")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "resuming at step 2" in result.stdout
    assert json.loads((copy / "pretrain_lowres" / "done.json").read_text())["steps"] == 3


def test_the_log_of_stage_all_reads_clean(quickstart):
    """What a newcomer sees: no TensorFlow error or warning lines and no Python warnings."""
    _, _, result = quickstart
    noisy = [line for line in result.stderr.splitlines()
             if re.search(r"^\S+ \S+: [EW] |Warning\b|remapper failed", line)]
    assert not noisy, "\n".join(noisy[:10])


def test_fixed_audio_encoder_is_unchanged_and_fine_tuned_one_moves(quickstart):
    import keras

    import ears_tf.models  # noqa: F401  (registers the classes)

    _, workdir, _ = quickstart
    weights = lambda path: keras.saving.load_model(path).get_weights()  # noqa: E731
    pretrained = weights(workdir / "pretrain_audio" / "encoder_audio.keras")
    fixed = weights(workdir / "fusion" / "f1_fixed" / "encoder_audio.keras")
    tuned = weights(workdir / "fusion" / "f1_finetune" / "encoder_audio.keras")
    assert all(np.array_equal(a, b) for a, b in zip(pretrained, fixed))
    assert any(not np.array_equal(a, b) for a, b in zip(pretrained, tuned))


def test_fusion_layers_follow_the_flag(quickstart):
    import keras

    import ears_tf.models  # noqa: F401

    _, workdir, _ = quickstart
    assert keras.saving.load_model(workdir / "fusion" / "f1_finetune" / "fusion.keras").num_layers == 1
    assert keras.saving.load_model(workdir / "fusion" / "f3_finetune" / "fusion.keras").num_layers == 3


def test_audio_target_ignores_the_mirror(quickstart):
    import tensorflow as tf

    from ears_tf import config
    from ears_tf.train.pretrain_audio import PretrainAudioStage

    data, workdir, _ = quickstart
    stage = PretrainAudioStage(config.get_preset("smoke"), data, workdir)
    stage.build(tf.distribute.get_strategy())
    faces = np.random.default_rng(0).uniform(-1, 1, (3, 32, 32, 3)).astype(np.float32)
    np.testing.assert_allclose(stage.frontal_code(faces), stage.frontal_code(faces[:, :, ::-1]), atol=1e-5)


def test_the_lr_consistency_operator_follows_the_config(quickstart):
    import dataclasses

    import tensorflow as tf

    from ears_tf import config
    from ears_tf.data.image import make_lr_image
    from ears_tf.layers import AuthorsDownsample16x, BicubicDownsample16x
    from ears_tf.train.pretrain_lowres import PretrainLowresStage

    data, workdir, _ = quickstart
    smoke = config.get_preset("smoke")
    # A narrow range, as real frames have: the authors' contrast stretch changes them.
    faces = np.random.default_rng(0).integers(60, 160, (2, 32, 32, 3), dtype=np.uint8)
    authors_lr = make_lr_image(faces, "authors").numpy()
    for operator, layer in (("clean", BicubicDownsample16x), ("authors", AuthorsDownsample16x)):
        cfg = dataclasses.replace(smoke, train=dataclasses.replace(smoke.train, lr_consistency_operator=operator))
        stage = PretrainLowresStage(cfg, data, workdir)
        stage.build(tf.distribute.get_strategy())
        assert type(stage.downsample) is layer
        down = np.asarray(stage.downsample(faces.astype(np.float32) / 127.5 - 1.0))
        # The authors' D gives the records' LR frame from the HR face (within a level); clean does not.
        assert (np.abs(down - authors_lr).max() <= 2.5 / 255) == (operator == "authors")


# Out of CI: the multi-worker tests (test_launch.py) check distributed steps against one worker.
@pytest.mark.slow
def test_encoder_stage_on_mirrored_with_two_logical_cpus(quickstart, tmp_path):
    data, workdir, _ = quickstart
    copy = tmp_path / "workdir"
    shutil.copytree(workdir, copy)
    shutil.rmtree(copy / "fusion")
    result = train("--stage=fusion", "--fusion=f1_fixed", f"--data={data}", f"--workdir={copy}",
                   "--steps=1", "--eval_every=100", "--strategy=mirrored", "--cpu_replicas=2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (copy / "fusion" / "f1_fixed" / "fusion.keras").exists()


@pytest.mark.slow  # the same case runs in CI in tests/test_bad_input.py's matrix (train_missing_prerequisite)
def test_missing_prerequisite_names_the_file_and_the_stage_to_run(quickstart, tmp_path):
    data, _, _ = quickstart
    result = train("--stage=pretrain_audio", f"--data={data}", f"--workdir={tmp_path}")
    assert result.returncode == 2
    assert error_lines(result) == [
        f"error: {tmp_path / 'stylegan' / 'generator.keras'}: missing; run python -m ears_tf.train --stage=stylegan "
        "with this workdir first"
    ]


@pytest.mark.slow  # the same case runs in CI in tests/test_bad_input.py's matrix (train_all_into_a_busy_data_folder)
def test_all_refuses_a_non_empty_folder_without_records(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("mine")
    result = train("--stage=all", f"--data={tmp_path / 'data'}", f"--workdir={tmp_path / 'wd'}")
    assert result.returncode == 2
    assert len(error_lines(result)) == 1 and "has no manifest.json and is not empty" in result.stderr
    assert not (tmp_path / "wd").exists()


@pytest.mark.slow  # 35 s on 2 cores: a VGG16 built and saved, then the stage trained on its features
def test_encoder_hr_with_local_vgg16_weights(quickstart, tmp_path):
    import keras

    data, workdir, _ = quickstart
    weights = tmp_path / "vgg16_notop.weights.h5"
    keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3)).save_weights(weights)
    copy = tmp_path / "workdir"
    shutil.copytree(workdir / "stylegan", copy / "stylegan")
    result = train("--stage=encoder_hr", f"--data={data}", f"--workdir={copy}", "--steps=1", "--eval_every=100",
                   f"--vgg16_weights={weights}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"perceptual loss on VGG16 block1_conv2, block2_conv2, block3_conv3, block4_conv3 from {weights}" in result.stdout

    bad = tmp_path / "bad.h5"
    bad.write_text("not weights")
    result = train("--stage=encoder_hr", f"--data={data}", f"--workdir={copy}", "--steps=2", f"--vgg16_weights={bad}")
    assert result.returncode == 2
    [line] = error_lines(result)
    assert line.startswith(f"error: {bad}: not Keras VGG16 weights without the top")
