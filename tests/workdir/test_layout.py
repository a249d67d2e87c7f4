"""The workdir layout: artefact paths, prerequisites, atomic model saves, done markers."""
import pytest

from ears_tf import variants
from ears_tf.errors import InputError
from ears_tf.workdir import layout


def test_each_fusion_variant_has_its_own_folder_and_one_spelling():
    for variant in variants.FUSED:
        fusion, audio = layout.fusion_artefacts(variant)
        assert fusion.stage_dir == audio.stage_dir == f"fusion/{variant.name}"
        assert fusion.made_by == f"--stage=fusion --fusion={variant.name}"
    with pytest.raises(ValueError):
        layout.fusion_artefacts(variants.LOWRES_ONLY)


def test_variant_artefacts_name_the_models_each_variant_loads():
    assert set(layout.variant_artefacts(variants.LOWRES_ONLY)) == {"generator", "encoder_lr"}
    assert layout.variant_artefacts(variants.AUDIO_ONLY)["encoder_audio"] == layout.ENCODER_AUDIO
    fixed = layout.variant_artefacts(variants.F1_FIXED)
    assert fixed["fusion"].stage_dir == fixed["encoder_audio"].stage_dir == "fusion/f1_fixed"


def test_require_names_the_missing_file_and_the_command(tmp_path):
    with pytest.raises(InputError) as error:
        layout.require(tmp_path, layout.GENERATOR)
    assert str(error.value) == (f"{tmp_path / 'stylegan' / 'generator.keras'}: missing; run python -m ears_tf.train "
                                "--stage=stylegan with this workdir first")


def test_a_corrupt_model_is_an_input_error_naming_it(tmp_path):
    path = tmp_path / "stylegan" / "generator.keras"
    path.parent.mkdir()
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(InputError) as error:
        layout.load(tmp_path, layout.GENERATOR)
    assert error.value.path == str(path) and error.value.problem.startswith("not a .keras file: truncated")


def test_a_model_of_another_version_says_so(tmp_path):
    import zipfile

    path = tmp_path / "stylegan" / "generator.keras"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as archive:  # a class this version does not know
        archive.writestr("config.json", '{"module": "ears_tf.models", "class_name": "FutureGenerator", "config": {}}')
        archive.writestr("metadata.json", '{"keras_version": "9.0.0"}')
    with pytest.raises(InputError) as error:
        layout.load(tmp_path, layout.GENERATOR)
    assert "cannot rebuild" in error.value.problem and "another version" in error.value.problem


def test_running_out_of_memory_while_loading_is_not_blamed_on_the_file(tmp_path, monkeypatch):
    import keras

    path = tmp_path / "stylegan" / "generator.keras"
    path.parent.mkdir()
    path.write_bytes(b"")

    def exhausted(*args, **kwargs):
        raise MemoryError("Unable to allocate 2.7 GiB")

    monkeypatch.setattr(keras.saving, "load_model", exhausted)
    with pytest.raises(MemoryError):
        layout.load(tmp_path, layout.GENERATOR)


def test_save_model_round_trips_and_leaves_no_temporary(tmp_path):
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = layout.save_model(model, tmp_path / "sr_baseline" / "sr_baseline.keras")
    loaded = layout.load(tmp_path, layout.SR_BASELINE)
    x = np.ones((1, 3), np.float32)
    np.testing.assert_allclose(loaded(x), model(x))
    assert [p.name for p in (tmp_path / "sr_baseline").iterdir()] == ["sr_baseline.keras"]
    assert path.endswith("sr_baseline.keras")


def test_done_markers(tmp_path):
    assert not layout.is_done(tmp_path, "stylegan")
    layout.write_done(tmp_path, "stylegan", {"stage": "stylegan", "steps": 10})
    assert layout.is_done(tmp_path, "stylegan", 10) and not layout.is_done(tmp_path, "stylegan", 11)
    assert layout.read_done(tmp_path, "stylegan")["steps"] == 10
