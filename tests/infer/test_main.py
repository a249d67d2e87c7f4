"""`python -m ears_tf.infer` on a smoke workdir: single pairs, strips, folders, mixing, bad input."""
import os
import subprocess
import sys
import wave

import numpy as np
import pytest
from PIL import Image

from ears_tf import config

CFG = config.get_preset("smoke").model


def infer(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", "ears_tf.infer", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def write_wav(path, seconds=2.5, rate=22_050, silent=False, seed=0):
    t = np.arange(int(seconds * rate)) / rate
    signal = np.zeros_like(t) if silent else 0.3 * np.sin(2 * np.pi * 180 * t) * (1 + np.random.default_rng(seed).normal(0, 0.1, t.shape))
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes((np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def write_face(path, size, seed=0):
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (size, size, 3), dtype=np.uint8)).save(path)
    return path


def size_of(path):
    with Image.open(path) as picture:
        return picture.size


def error_lines(result):
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("inputs")
    return {
        "hr": write_face(root / "hr, smiling.png", 100),  # a comma in a path is not a list separator
        "lr": write_face(root / "lr.png", CFG.lr_size, seed=1),
        "voice": write_wav(root / "voice, take 2.wav"),
        "silence": write_wav(root / "silence.wav", silent=True),
        "corrupt": root / "corrupt.wav",
    }


@pytest.fixture(scope="module", autouse=True)
def corrupt_audio(inputs):
    inputs["corrupt"].write_bytes(b"RIFF" + os.urandom(64))


def test_single_pair_writes_one_hr_image(trained_smoke, inputs, tmp_path):
    _, workdir, _ = trained_smoke
    out = tmp_path / "out" / "face.png"
    result = infer(f"--workdir={workdir}", f"--image={inputs['hr']}", f"--audio={inputs['voice']}", f"--output={out}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert size_of(out) == (CFG.hr_size, CFG.hr_size)


def test_refine_steps_change_the_face_and_bad_values_are_refused(trained_smoke, inputs, tmp_path):
    _, workdir, _ = trained_smoke
    common = (f"--workdir={workdir}", f"--image={inputs['lr']}", f"--audio={inputs['voice']}")
    plain, refined = tmp_path / "plain.png", tmp_path / "refined.png"
    assert infer(*common, f"--output={plain}").returncode == 0
    result = infer(*common, f"--output={refined}", "--refine_steps=3")
    assert result.returncode == 0, result.stderr[-2000:]
    assert size_of(refined) == (CFG.hr_size, CFG.hr_size)
    assert not np.array_equal(np.asarray(Image.open(plain)), np.asarray(Image.open(refined)))
    refused = infer(*common, f"--output={tmp_path / 'no.png'}", "--refine_steps=2", "--refine_learning_rate=0")
    assert refused.returncode == 2 and error_lines(refused) == [
        "error: refine learning rate must be positive, got 0.0"], refused.stderr
    assert not (tmp_path / "no.png").exists()


@pytest.mark.parametrize("image, panels", [("hr", 4), ("lr", 3)])
def test_strip_has_hr_only_when_given(trained_smoke, inputs, tmp_path, image, panels):
    _, workdir, _ = trained_smoke
    out = tmp_path / "strip.png"
    result = infer(f"--workdir={workdir}", f"--image={inputs[image]}", f"--audio={inputs['silence']}",
                   f"--output={out}", "--strip", "--variant=f1_finetune")
    assert result.returncode == 0, result.stderr[-2000:]
    assert size_of(out) == (panels * CFG.hr_size, CFG.hr_size)


def test_silence_gives_a_finite_image(trained_smoke, inputs):
    from ears_tf.infer import inputs as infer_inputs, model as infer_model

    _, workdir, _ = trained_smoke
    model = infer_model.load_super_resolver(workdir, "f3_finetune")
    face = infer_inputs.load_face(inputs["lr"], CFG)
    result = infer_model.super_resolve(model, face.lr[None], infer_inputs.load_waveform(inputs["silence"], CFG)[None])
    assert np.all(np.isfinite(result))


@pytest.mark.slow  # the same case runs in CI in tests/test_bad_input.py's matrix (infer_corrupt_audio, infer_not_an_image, infer_no_workdir)
@pytest.mark.parametrize("flag, problem", [
    ("audio", "cannot decode audio"), ("image", "not a readable image"), ("workdir", "no such workdir"),
])
def test_bad_input_is_one_line_exit_2_and_no_output(trained_smoke, inputs, tmp_path, flag, problem):
    _, workdir, _ = trained_smoke
    args = {"workdir": workdir, "image": inputs["hr"], "audio": inputs["voice"]}
    args[flag] = {"audio": inputs["corrupt"], "image": inputs["corrupt"], "workdir": tmp_path / "nowhere"}[flag]
    out = tmp_path / "out.png"
    result = infer(*(f"--{k}={v}" for k, v in args.items()), f"--output={out}")
    assert result.returncode == 2
    [line] = error_lines(result)
    assert line.startswith(f"error: {args[flag]}: {problem}")
    assert not out.exists() and os.listdir(tmp_path) == []


def test_folder_mode_pairs_by_stem_and_reports_skips(trained_smoke, inputs, tmp_path):
    _, workdir, _ = trained_smoke
    images, audio = tmp_path / "images", tmp_path / "audio"
    images.mkdir()
    audio.mkdir()
    for stem, seed in (("alice", 0), ("bob", 1), ("carol", 2)):
        write_face(images / f"{stem}.png", 40, seed)
    write_wav(audio / "alice.wav")
    (audio / "bob.wav").write_bytes(inputs["corrupt"].read_bytes())
    write_wav(audio / "dave.wav")
    out = tmp_path / "results"
    result = infer(f"--workdir={workdir}", f"--image_dir={images}", f"--audio_dir={audio}", f"--output_dir={out}",
                   "--batch_size=2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(os.listdir(out)) == ["alice.png"]
    assert "wrote 1 images" in result.stdout and "skipped 3" in result.stdout
    assert f"skipped {audio / 'bob.wav'}: cannot decode audio" in result.stdout
    assert f"skipped {images / 'carol.png'}: no audio file with this stem" in result.stdout
    assert f"skipped {audio / 'dave.wav'}: no image file with this stem" in result.stdout


def test_mix_writes_a_grid_of_images_by_voices(trained_smoke, inputs, tmp_path):
    _, workdir, _ = trained_smoke
    out = tmp_path / "mix.png"
    voices = [f"--audio={p}" for p in (inputs["voice"], inputs["silence"], inputs["voice"])]
    result = infer(f"--workdir={workdir}", f"--image={inputs['hr']}", f"--image={inputs['lr']}", *voices, "--mix",
                   f"--output={out}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert size_of(out) == (4 * CFG.hr_size, 2 * CFG.hr_size)
