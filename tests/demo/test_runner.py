"""The demo's request path, without a page: panels, the mixing strip, and each bad input as one message."""
import numpy as np
import pytest
import scipy.io.wavfile
from PIL import Image

from ears_tf.errors import InputError

pytest.importorskip("gradio", reason="the demo extra is not installed (pip install -e '.[demo]')")


@pytest.fixture(scope="module")
def runner(trained_smoke):
    from ears_tf.demo.runner import DemoRunner

    return DemoRunner(trained_smoke[1])


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uploads")
    rng = np.random.default_rng(0)
    Image.fromarray((rng.random((100, 80, 3)) * 255).astype(np.uint8)).save(folder / "face.png")
    scipy.io.wavfile.write(folder / "low.wav", 16000, (0.3 * np.sin(np.arange(40000) / 9.0)).astype(np.float32))
    scipy.io.wavfile.write(folder / "high.wav", 44100, (0.3 * np.sin(np.arange(90000) / 3.0)).astype(np.float32))
    scipy.io.wavfile.write(folder / "silent.wav", 16000, np.zeros(16000, np.int16))
    (folder / "notes.png").write_text("text, not an image")
    return folder


def test_panels_and_mixing_strip(runner, uploads):
    size = runner.model_config.hr_size
    result = runner.run(str(uploads / "face.png"), str(uploads / "low.wav"), str(uploads / "high.wav"))
    for panel in (result.lr, result.bicubic, result.lowres_only, result.fused):
        assert panel.shape == (size, size, 3) and panel.dtype == np.uint8
    assert result.mix.shape == (size, 5 * size, 3)
    # The strip's ends are the two voices' fused results; the first equals the single-voice panel.
    np.testing.assert_allclose(result.mix[:, :size].astype(int), result.fused.astype(int), atol=1)
    single = runner.run(str(uploads / "face.png"), str(uploads / "low.wav"))
    assert single.mix is None
    # A batch of one and a batch with the strip's voices may round one 8-bit level apart.
    np.testing.assert_allclose(single.fused.astype(int), result.fused.astype(int), atol=1)


def test_the_same_numbers_as_infer(runner, uploads, trained_smoke):
    """One preprocessing and one model: the demo's fused panel is the inference module's output."""
    from ears_tf.infer import inputs as infer_inputs, model as infer_model
    from ears_tf.data.image import to_uint8

    model = infer_model.load_super_resolver(trained_smoke[1], "f3_finetune")
    face = infer_inputs.load_face(uploads / "face.png", model.model_config)
    waveform = infer_inputs.load_waveform(uploads / "low.wav", model.model_config)
    expected = np.asarray(to_uint8(infer_model.super_resolve(model, face.lr[None], waveform[None])[0]))
    result = runner.run(str(uploads / "face.png"), str(uploads / "low.wav"))
    np.testing.assert_allclose(result.fused.astype(int), expected.astype(int), atol=1)


@pytest.mark.parametrize("face, voice, second, words", [
    ("notes.png", "low.wav", None, "my_face.png: not a readable image"),
    ("face.png", "silent.wav", None, "my_voice.wav: the audio is silent"),
    ("face.png", "low.wav", "notes.png", "my_second.wav: "),
])
def test_bad_uploads_name_the_users_file(runner, uploads, face, voice, second, words):
    paths = [str(uploads / name) if name else None for name in (face, voice, second)]
    names = dict(zip([p for p in paths if p], ["my_face.png", "my_voice.wav", "my_second.wav"]))
    with pytest.raises(InputError) as raised:
        runner.run(*paths, names=names)
    assert str(raised.value).startswith(words)
    assert str(uploads) not in str(raised.value)


def test_a_workdir_without_the_fusion(tmp_path, trained_smoke):
    import shutil

    from ears_tf.demo.runner import DemoRunner

    workdir = tmp_path / "w"
    shutil.copytree(trained_smoke[1], workdir)
    shutil.rmtree(workdir / "fusion")
    with pytest.raises(InputError, match="fusion/f3_finetune/fusion.keras: missing"):
        DemoRunner(workdir)
    with pytest.raises(ValueError, match="fused variant"):
        DemoRunner(trained_smoke[1], "lowres_only")


def test_examples_are_test_pairs_of_the_training_data(trained_smoke, tmp_path):
    from ears_tf.data import records
    from ears_tf.demo.examples import write_examples

    data, workdir, _ = trained_smoke
    examples = write_examples(workdir, tmp_path / "examples", count=4)
    manifest = records.Manifest.load(data)
    assert len(examples) == 4
    genders = {s["index"]: s["gender"] for s in manifest.speakers}
    for face, voice, second in examples:
        assert Image.open(face).size == (manifest.image_size, manifest.image_size)
        rate, samples = scipy.io.wavfile.read(voice)
        assert rate == manifest.sample_rate and len(samples) == manifest.num_samples and np.abs(samples).max() > 0
        # The second voice is another speaker's, of the other gender.
        speaker = lambda path: int(path.rsplit("speaker", 1)[1].split(".")[0])  # noqa: E731
        assert genders[speaker(second)] != genders[speaker(face)]
    assert write_examples(tmp_path / "no_workdir", tmp_path / "none") == []


def test_refine_steps_add_the_refined_face_and_its_time(runner, uploads):
    plain = runner.run(str(uploads / "face.png"), str(uploads / "low.wav"))
    assert plain.refined is None and plain.refine_seconds is None
    refined = runner.run(str(uploads / "face.png"), str(uploads / "low.wav"), refine_steps=3)
    assert refined.refined.shape == refined.fused.shape and refined.refined.dtype == np.uint8
    assert 0 < refined.refine_seconds <= refined.seconds
    assert not np.array_equal(refined.refined, refined.fused)
