"""The converter against the authors' own graph (official-tiny fixture) and on checkpoints of their format."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from ears_tf.convert.convert import convert
from ears_tf.errors import InputError

LATENT_RTOL = 1e-4  # latents and activations: max |ours - theirs| / max |theirs|
IMAGE_ATOL = 2e-3  # images on [0, 1]


def relative(ours, theirs) -> float:
    return float(np.max(np.abs(np.asarray(ours) - theirs)) / np.max(np.abs(theirs)))


def to_image(synthesis_output):
    return np.clip(np.asarray(synthesis_output) / 2.0 + 0.5, 0.0, 1.0)


@pytest.fixture(scope="module")
def converted(official_tiny, tmp_path_factory):
    fixture, checkpoint = official_tiny
    workdir = tmp_path_factory.mktemp("converted") / "workdir"
    result = convert(checkpoint, fixture / "network-snapshot.pkl", workdir, log=lambda *_: None)
    return fixture, workdir, result, np.load(fixture / "reference.npz")


@pytest.fixture(scope="module")
def fused(converted):
    from ears_tf.infer.model import load_super_resolver

    return load_super_resolver(converted[1], "f3_finetune")


def test_latents_match_the_authors_graph(converted, fused):
    reference = converted[3]
    z_l = fused.encoder_lr(reference["lr"])
    z_a = fused.encoder_audio.encode(reference["spectrogram"])  # E_a apart from the front end
    z_f = fused.fusion(z_l, z_a)
    assert relative(z_l, reference["z_l"]) < LATENT_RTOL
    assert relative(z_a, reference["z_a"]) < LATENT_RTOL
    assert relative(z_f, reference["z_f"]) < LATENT_RTOL
    # z_f is not z_l: the fusion's residual is large at these weights, so the check has teeth.
    assert relative(reference["z_l"], reference["z_f"]) > 0.1


def test_mapping_and_every_synthesis_layer_match(converted, fused):
    reference = converted[3]
    generator = fused.generator
    assert relative(generator.map(reference["z_l"]), reference["w_l"]) < LATENT_RTOL
    assert relative(generator.map(reference["z_f"]), reference["w_f"]) < LATENT_RTOL
    outputs = generator.synthesis.layer_outputs(reference["w_l"], noise_mode="off")
    keys = sorted((k for k in reference.files if k.startswith("act_l.")),
                  key=lambda k: (int(k.split(".")[1].split("x")[0]), k.split(".")[2] not in ("Const", "Conv0_up")))
    assert len(keys) == len(outputs) == 12
    for key, ours in zip(keys, outputs):
        theirs = np.transpose(reference[key], (0, 2, 3, 1))  # NCHW -> NHWC
        assert ours.shape == theirs.shape, key
        assert relative(ours, theirs) < LATENT_RTOL, key
    for path in ("l", "f"):
        raw = generator.synthesis(reference[f"w_{path}"], noise_mode="off")
        assert relative(raw, np.transpose(reference[f"synthesis_{path}"], (0, 2, 3, 1))) < LATENT_RTOL
        assert np.max(np.abs(to_image(raw) - reference[f"image_{path}"])) < IMAGE_ATOL


def test_images_end_to_end_from_the_waveform(converted, fused):
    """The whole SuperResolver, front end (log spectrogram) included, as inference and export run it."""
    from ears_tf.infer.model import load_super_resolver

    reference = converted[3]
    image_f = to_image(fused(reference["lr"], reference["waveform"]))
    assert np.max(np.abs(image_f - reference["image_f"])) < IMAGE_ATOL
    lowres = load_super_resolver(converted[1], "lowres_only")
    image_l = to_image(lowres(reference["lr"], reference["waveform"]))
    assert np.max(np.abs(image_l - reference["image_l"])) < IMAGE_ATOL
    # The voice changes the face: the fused and E_l images differ by far more than the tolerance.
    assert np.mean(np.abs(reference["image_f"] - reference["image_l"])) > 20 * IMAGE_ATOL


def test_every_variable_of_theirs_is_used_or_listed(converted):
    fixture, _, result, _ = converted
    manifest = json.loads((fixture / "manifest.json").read_text())
    listed = [row[0] for row in result.table]
    assert len(listed) == len(set(listed))
    checkpoint_names = {v["name"] for v in manifest["checkpoint"]["variables"]}
    assert {name.split(":", 1)[1] for name in listed if name.startswith("checkpoint:")} == checkpoint_names
    snapshot_count = sum(len(n["variables"]) for n in manifest["pickle"]["networks"])
    assert sum(name.startswith("snapshot:") for name in listed) == snapshot_count
    used = [row for row in result.table if not row[2].startswith("unused")]
    assert all(row[0].startswith(("checkpoint:G_synthesis_2/", "checkpoint:G_mapping_2/", "checkpoint:LOW_RES",
                                  "checkpoint:AUDIO", "snapshot:Gs/", "snapshot:G_synthesis_1/noise")) for row in used)


def test_the_workdir_says_where_its_weights_came_from(converted):
    fixture, workdir, result, _ = converted
    manifest = json.loads((fixture / "manifest.json").read_text())
    config = json.loads((workdir / "config.json").read_text())
    assert config["preset"] == "custom" and config["model"]["fmap_base"] == 256
    sources = config["converted"]["from"]
    assert sources["network-snapshot.pkl"]["sha256"] == manifest["files"]["network-snapshot.pkl"]["sha256"]
    assert sources["model-0.index"]["sha256"] == manifest["files"]["model-0.index"]["sha256"]
    data = sources["model-0.data-00000-of-00001"]
    assert (data["bytes"], data["sha256"]) == (manifest["files"]["model-0.data-00000-of-00001"]["bytes"],
                                               manifest["files"]["model-0.data-00000-of-00001"]["sha256"])
    for run in ("stylegan", "pretrain_lowres", "pretrain_audio", "fusion/f3_finetune"):
        assert json.loads((workdir / run / "done.json").read_text())["converted"]["from"] == sources
    notes = " ".join(result.notes)
    # In this fixture the copy the authors run differs from the snapshot; the other two equal it.
    assert "G_*_2) differs from the snapshot's Gs" in notes
    assert "G_*_1 equals the snapshot's Gs" in notes and "(unsuffixed) equals the snapshot's G" in notes


def test_w_avg_and_noise_come_from_the_snapshot(converted, fused):
    from ears_tf.convert.snapshot import read_snapshot

    fixture = converted[0]
    gs = read_snapshot(fixture / "network-snapshot.pkl").Gs
    np.testing.assert_array_equal(np.asarray(fused.generator.w_avg), gs.variables["dlatent_avg"])
    noise = next(v for v in fused.generator.weights if v.path.endswith("epilogue5/noise/const_noise"))
    np.testing.assert_array_equal(np.asarray(noise)[0, :, :, 0], gs.components["synthesis"].variables["noise5"][0, 0])


def test_infer_cli_runs_on_the_converted_workdir(converted, tmp_path):
    fixture, workdir, _, reference = converted
    output = tmp_path / "out.png"
    result = subprocess.run(
        [sys.executable, "-m", "ears_tf.infer", f"--workdir={workdir}", f"--image={fixture / 'pairs/images/pair001.png'}",
         f"--audio={fixture / 'pairs/audio/pair001.wav'}", f"--output={output}"],
        capture_output=True, text=True, timeout=300, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr[-3000:]
    from PIL import Image

    written = np.asarray(Image.open(output).convert("RGB")).astype(np.float32) / 255.0
    assert written.shape == (128, 128, 3)
    # A PNG holds 8 bits: within one level (plus the tolerance) of the authors' fused image.
    assert np.max(np.abs(written - reference["image_f"][1])) < IMAGE_ATOL + 1.0 / 255


def test_converted_without_the_snapshot(mini_checkpoint, mini_config, tmp_path):
    result = convert(mini_checkpoint, None, tmp_path / "w", log=lambda *_: None)
    assert result.widths.model == mini_config and result.widths.preset is None
    assert any("w_avg estimated" in note for note in result.notes)
    estimated = [row for row in result.table if row[0] == "(not in the checkpoint)"]
    assert len(estimated) == 1 + mini_config.num_styles  # w_avg and one noise image per layer
    from ears_tf.infer.model import load_super_resolver

    model = load_super_resolver(tmp_path / "w", "f3_finetune")
    w_avg = np.asarray(model.generator.w_avg)
    assert np.all(np.isfinite(w_avg)) and np.abs(w_avg).max() > 0


def test_bad_inputs_leave_nothing(mini_checkpoint, mini_config, tmp_path):
    from tests.convert.authors_format import checkpoint_shapes, write_checkpoint

    shapes = checkpoint_shapes(mini_config)
    out = tmp_path / "out"
    cases = []
    missing = dict(shapes)
    del missing["AUDIO_VISUAL_FUSER//fully_connected_1/weights"]
    cases.append((write_checkpoint(tmp_path / "missing", missing), "AUDIO_VISUAL_FUSER//fully_connected_1/weights"))
    extra = dict(shapes, **{"LOW_RES_ENCODER//Conv_9/weights": [3, 3, 36, 36]})
    cases.append((write_checkpoint(tmp_path / "extra", extra), "unexpected variable LOW_RES_ENCODER//Conv_9/weights"))
    narrow = dict(shapes, **{"AUDIO_SPECTROGRAM_ENCODER//Conv_5/weights": [4, 4, 8, 5]})
    cases.append((write_checkpoint(tmp_path / "narrow", narrow), "AUDIO_SPECTROGRAM_ENCODER//Conv_5/weights"))
    odd = dict(shapes, **{"G_synthesis_2/64x64/Conv1/weight": [3, 3, 8, 7]})
    cases.append((write_checkpoint(tmp_path / "odd", odd), "G_synthesis_2/64x64/Conv1/weight"))
    for checkpoint, words in cases:
        with pytest.raises(InputError) as raised:
            convert(checkpoint, None, out, log=lambda *_: None)
        assert words in str(raised.value) and str(checkpoint) in str(raised.value)
        assert not out.exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left
