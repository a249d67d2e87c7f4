"""WORKDIR/config.json: written by the first stage, checked by every later command."""
import json

import pytest

from ears_tf.errors import InputError
from ears_tf.workdir import run_config


def test_the_first_stage_records_preset_overrides_and_versions(tmp_path):
    run_config.record(tmp_path, "smoke", {"steps": 2, "batch_size": None})
    data = json.loads((tmp_path / "config.json").read_text())
    assert data["preset"] == "smoke" and data["overrides"] == {"steps": 2}
    assert {"python", "keras", "numpy"} <= set(data["versions"])
    assert run_config.check(tmp_path, "smoke") == "smoke"


def test_another_preset_names_both(tmp_path):
    run_config.record(tmp_path, "smoke", {})
    with pytest.raises(InputError) as error:
        run_config.record(tmp_path, "quickstart", {})
    assert error.value.path == str(tmp_path / "config.json")
    assert "'smoke'" in error.value.problem and "'quickstart'" in error.value.problem


def test_a_truncated_config_is_an_input_error(tmp_path):
    (tmp_path / "config.json").write_text('{"preset": "sm')
    with pytest.raises(InputError) as error:
        run_config.check(tmp_path)
    assert error.value.path == str(tmp_path / "config.json")


def test_a_workdir_made_before_config_json_works_with_a_warning(tmp_path, capsys):
    (tmp_path / "stylegan").mkdir()
    assert run_config.check(tmp_path, "quickstart") is None
    assert "missing" in capsys.readouterr().err
    run_config.record(tmp_path, "quickstart", {})
    assert not (tmp_path / "config.json").exists()  # not guessed for an old workdir
