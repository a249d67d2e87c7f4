import dataclasses
import os
import pathlib
import subprocess
import sys

import pytest

from tests.conftest import shared_folder

# The authors' graph at reduced widths, made for these tests (see its README). Absent in a
# user's clone, where the tests that need it skip.
FIXTURE = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "official-tiny"


def require_fixture():
    if not (FIXTURE / "manifest.json").is_file():
        pytest.skip(f"the official-tiny fixture is not at {FIXTURE} (it lives beside the repository, not in it)")
    return FIXTURE


@pytest.fixture(scope="session")
def official_tiny(tmp_path_factory):
    """(fixture folder, checkpoint prefix): the 990 MB data file regenerated into a temporary folder."""
    fixture = require_fixture()

    def regenerate(folder):
        result = subprocess.run([sys.executable, str(fixture / "regen_checkpoint.py"), "--manifest",
                                 str(fixture / "manifest.json"), "--out", str(folder)], capture_output=True, text=True,
                                timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        assert result.returncode == 0, result.stderr[-2000:]

    return fixture, shared_folder(tmp_path_factory, "official_tiny_checkpoint", regenerate) / "model-0"


@pytest.fixture(scope="session")
def mini_config():
    """The fixture's layer structure at 128x128 with every width small: a checkpoint of it takes a second."""
    from ears_tf.config import get_preset

    return dataclasses.replace(
        get_preset("paper").model, latent_dim=16, fmap_base=256, fmap_max=16, mapping_layers=2,
        el_stem_filters=4, el_filters=(4, 12, 36), ea_filters_base=4, ea_filters_max=8, ea_dense=64,
    )


@pytest.fixture(scope="session")
def mini_checkpoint(tmp_path_factory, mini_config):
    from tests.convert.authors_format import checkpoint_shapes, write_checkpoint

    return write_checkpoint(tmp_path_factory.mktemp("mini_checkpoint"), checkpoint_shapes(mini_config))
