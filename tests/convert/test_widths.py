"""Widths from the checkpoint's shapes: the fixture's, the paper's, and shapes that fit no model."""
import json

import pytest

from ears_tf.config import get_preset
from ears_tf.convert import widths
from ears_tf.errors import InputError
from tests.convert.authors_format import checkpoint_shapes
from tests.convert.conftest import require_fixture


def test_the_fixtures_widths_from_its_manifest():
    manifest = json.loads((require_fixture() / "manifest.json").read_text())
    shapes = {v["name"]: v["shape"] for v in manifest["checkpoint"]["variables"]}
    found = widths.infer(shapes, "model-0")
    g, el, ea = manifest["static_kwargs"]["G"], manifest["encoder_kwargs"]["E_l"], manifest["encoder_kwargs"]["E_a"]
    model = found.model
    assert (model.hr_size, model.fmap_base, model.fmap_max) == (g["resolution"], g["fmap_base"], g["fmap_max"])
    assert model.el_stem_filters == el["n_filters"] and model.el_filters == (4, 12, 36)  # n, min(3n, 1024), ...
    assert (model.ea_filters_base, model.ea_filters_max) == (ea["n_filters"], ea["max_filters"])
    assert model.latent_dim == el["output_feature_size"] and model.ea_dense == 8192
    assert found.preset is None


def test_the_paper_widths_are_the_paper_preset():
    found = widths.infer(checkpoint_shapes(get_preset("paper").model), "model-0")
    assert found.preset == "paper" and found.model == get_preset("paper").model


def test_the_helpers_names_are_the_fixtures():
    """The test helper that writes checkpoints of other widths names and shapes them as the authors' code does."""
    manifest = json.loads((require_fixture() / "manifest.json").read_text())
    shapes = {v["name"]: v["shape"] for v in manifest["checkpoint"]["variables"]}
    assert checkpoint_shapes(widths.infer(shapes, "model-0").model) == shapes


@pytest.mark.parametrize("change, words", [
    ({"G_synthesis_2/16x16/Conv1/weight": [3, 3, 16, 12]}, "G_synthesis_2/16x16/Conv1/weight has 12 output channels"),
    ({"G_mapping_2/Dense1/weight": [512, 256]}, "G_mapping_2/Dense1/weight has shape [512, 256]"),
    ({"LOW_RES_ENCODER//Conv_4/weights": [3, 3, 12]}, "LOW_RES_ENCODER//Conv_4/weights has shape [3, 3, 12]"),
])
def test_shapes_that_fit_no_model(change, words):
    manifest = json.loads((require_fixture() / "manifest.json").read_text())
    shapes = {v["name"]: v["shape"] for v in manifest["checkpoint"]["variables"]}
    with pytest.raises(InputError, match="model-0: .*" + words.replace("[", r"\[").replace("]", r"\]")):
        widths.infer({**shapes, **change}, "model-0")


def test_a_missing_generator_is_named(mini_config):
    shapes = checkpoint_shapes(mini_config)
    del shapes["G_synthesis_2/4x4/Conv/weight"]
    with pytest.raises(InputError, match="lacks variable G_synthesis_2/4x4/Conv/weight"):
        widths.infer(shapes, "model-0")
